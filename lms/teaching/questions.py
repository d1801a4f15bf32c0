"""Questions to the instructor on a lesson: a learner asks, the course's instructors are told and
answer, answered public questions are read by the course's other learners; an instructor may
hide a question. Everything typed is escaped and cleaned (nh3) before it is stored."""

from __future__ import annotations

import functools
from datetime import datetime

from flask import abort
from flask_babel import force_locale
from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import aliased, raiseload
from sqlalchemy.orm.attributes import set_committed_value

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
    """Where a notification about a question leads: the question on its lesson's page."""
    return f"/courses/{course.slug}/lessons/{lesson.slug}#tanya-{question_id}"


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


@functools.cache
def _visible_statement(teacher: bool) -> Select:
    """:func:`visible`'s statement, built once per process (bound: lesson_id, viewer_id): every
    lesson page runs it, and building it (two aliases of ``User``) cost more than running it."""
    answerer = aliased(User)
    stmt = (
        select(LessonQuestion, LessonAnswer, answerer.full_name)
        .outerjoin(LessonAnswer, LessonAnswer.question_id == LessonQuestion.id)
        .outerjoin(answerer, answerer.id == LessonAnswer.user_id)
        .where(LessonQuestion.lesson_id == bindparam("lesson_id"))
        .order_by(
            LessonQuestion.created_at.desc(),
            LessonQuestion.id.desc(),
            LessonAnswer.created_at,
            LessonAnswer.id,
        )
        .options(raiseload("*"))
    )
    if teacher:
        asker = aliased(User)
        return stmt.add_columns(asker.full_name).join(asker, asker.id == LessonQuestion.user_id)
    shared = and_(
        LessonQuestion.private.is_(False),
        LessonQuestion.hidden_at.is_(None),
        LessonQuestion.answered_at.is_not(None),
    )
    return stmt.where(or_(LessonQuestion.user_id == bindparam("viewer_id"), shared))


def visible(lesson_id: int, viewer: User, teacher: bool) -> list[dict]:
    """The lesson's questions ``viewer`` may read, newest first, each with its answers, in one
    statement (questions joined to their answers and the names to show; nothing is left to
    load). Instructors and staff read every one; a learner their own, and the others'
    answered, public and not hidden ones. Only instructors and staff read the askers' names;
    answers carry the answering instructor's."""
    stmt = _visible_statement(teacher)
    items: dict[int, dict] = {}
    params = (
        {"lesson_id": lesson_id} if teacher else {"lesson_id": lesson_id, "viewer_id": viewer.id}
    )
    for question, reply, answered_by, *asked_by in db.session.execute(stmt, params):
        item = items.setdefault(
            question.id,
            {
                "q": question,
                "own": question.user_id == viewer.id,
                "asker": asked_by[0] if asked_by else None,
                "answers": [],
            },
        )
        if reply is not None:
            item["answers"].append({"a": reply, "name": answered_by})
    for item in items.values():
        set_committed_value(item["q"], "answers", [x["a"] for x in item["answers"]])
    return list(items.values())
