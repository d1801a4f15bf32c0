"""Questions to the instructor on a lesson: a learner asks, the course's instructors are told and
answer, answered public questions are read by the course's other learners; an instructor may
hide a question. Everything typed is escaped and cleaned (nh3) before it is stored."""

from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import force_locale
from sqlalchemy import and_, or_, select

from lms.accounts.models import User
from lms.courses.markdown import render_inline_text, sanitize_html
from lms.courses.models import Course, Enrollment, Lesson
from lms.extensions import db
from lms.i18n import gettext as _
from lms.reminders.rules import Due
from lms.reminders.services import record as queue_notifications
from lms.teaching.models import LessonAnswer, LessonQuestion
from lms.teaching.services import instructors_of

ASKED_RULE = "lesson_question"
ANSWERED_RULE = "lesson_answer"


def clean_text(text: str) -> str:
    """What a person typed as safe HTML: escaped, line breaks kept, then cleaned by nh3."""
    return sanitize_html(render_inline_text(text.strip()))


def get_or_404(question_id: int) -> LessonQuestion:
    return db.session.get(LessonQuestion, question_id) or abort(404)


def _url(course: Course, lesson: Lesson, question_id: int) -> str:
    return f"/courses/{course.slug}/lessons/{lesson.slug}/questions#tanya-{question_id}"


def ask(
    enrollment: Enrollment, lesson: Lesson, asker: User, text: str, private: bool, now: datetime
) -> LessonQuestion:
    """Record a learner's question and tell each of the course's instructors."""
    question = LessonQuestion(
        course_id=enrollment.course_id,
        lesson_id=lesson.id,
        user_id=asker.id,
        body_html=clean_text(text),
        private=bool(private),
        created_at=now,
    )
    db.session.add(question)
    db.session.flush()
    course = db.session.get(Course, enrollment.course_id)
    dues = []
    for teacher in instructors_of(course.id):
        with force_locale(teacher.locale or "id"):
            title = _("Pertanyaan baru di %(lesson)s", lesson=lesson.title)
            body = _(
                "Seorang peserta kursus %(course)s bertanya tentang materi ini. "
                "Buka Sinau untuk menjawabnya.",
                course=course.title,
            )
        dues.append(
            Due(
                user_id=teacher.id,
                key=f"{ASKED_RULE}:{question.id}",
                category="course",
                rule=ASKED_RULE,
                title=title,
                body=body,
                url=_url(course, lesson, question.id),
            )
        )
    if dues:
        queue_notifications(dues, now)
    return question


def answer(question: LessonQuestion, teacher: User, text: str, now: datetime) -> LessonAnswer:
    """An instructor's answer; the asker is told."""
    reply = LessonAnswer(
        question_id=question.id, user_id=teacher.id, body_html=clean_text(text), created_at=now
    )
    db.session.add(reply)
    if question.answered_at is None:
        question.answered_at = now
    db.session.flush()
    asker = db.session.get(User, question.user_id)
    course = db.session.get(Course, question.course_id)
    lesson = db.session.get(Lesson, question.lesson_id)
    with force_locale(asker.locale or "id"):
        title = _("Pertanyaan Anda dijawab: %(lesson)s", lesson=lesson.title)
        body = _("Pengajar kursus %(course)s menjawab pertanyaan Anda.", course=course.title)
    queue_notifications(
        [
            Due(
                user_id=asker.id,
                key=f"{ANSWERED_RULE}:{reply.id}",
                category="course",
                rule=ANSWERED_RULE,
                title=title,
                body=body,
                url=_url(course, lesson, question.id),
            )
        ],
        now,
    )
    return reply


def toggle_hidden(question: LessonQuestion, teacher: User, now: datetime) -> None:
    """Hide a question from the course's other learners, or show it again."""
    if question.hidden_at is None:
        question.hidden_at, question.hidden_by_id = now, teacher.id
    else:
        question.hidden_at = question.hidden_by_id = None
    db.session.flush()


def visible(lesson: Lesson, viewer: User, teacher: bool) -> list[dict]:
    """The lesson's questions ``viewer`` may read, newest first, with their answers (loaded
    together) and whether each is the viewer's own. Instructors and staff read every one; a
    learner their own, and the others' answered, public and not hidden."""
    stmt = select(LessonQuestion).where(LessonQuestion.lesson_id == lesson.id)
    if not teacher:
        shared = and_(
            LessonQuestion.private.is_(False),
            LessonQuestion.hidden_at.is_(None),
            LessonQuestion.answered_at.is_not(None),
        )
        stmt = stmt.where(or_(LessonQuestion.user_id == viewer.id, shared))
    rows = db.session.scalars(
        stmt.order_by(LessonQuestion.created_at.desc(), LessonQuestion.id.desc())
    ).all()
    # Names: of every answering instructor; of askers only for instructors (a learner reads
    # the others' questions without their names).
    ids = {a.user_id for q in rows for a in q.answers if a.user_id}
    if teacher:
        ids |= {q.user_id for q in rows}
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
    return [{"q": q, "own": q.user_id == viewer.id, "names": names} for q in rows]
