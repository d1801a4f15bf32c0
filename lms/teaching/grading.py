"""Grading essays: the queue of answers waiting for a person, a grade with feedback, and the
learner told once their attempt has its score (the course may complete then)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.audit.services import record
from lms.courses.markdown import render_inline_text, sanitize_html
from lms.courses.models import Course
from lms.extensions import client_address, db
from lms.i18n import gettext as _
from lms.quiz import presenting
from lms.quiz import services as quiz
from lms.quiz.models import Attempt, AttemptQuestion, Question
from lms.reminders.rules import Due
from lms.reminders.services import record as queue_notifications
from lms.teaching.models import EssayGrade

#: Notification rule of "your essay has been graded".
GRADED_RULE = "essay_graded"


def _waiting():
    """Essay answers (with a response) of handed-in attempts that have no grade yet."""
    return (
        select(AttemptQuestion, Attempt, Course, User)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .join(Course, Course.id == Attempt.course_id)
        .join(User, User.id == Attempt.user_id)
        .where(
            quiz.awaiting_grade(),
            Question.type == "essay",
            AttemptQuestion.fraction.is_(None),
        )
    )


def queue(course_ids: list[int] | None) -> list[dict]:
    """Essays waiting for a grade, oldest hand-in first; ``None`` means every course."""
    stmt = _waiting().order_by(Attempt.submitted_at, AttemptQuestion.position)
    if course_ids is not None:
        stmt = stmt.where(Attempt.course_id.in_(course_ids or [-1]))
    return [
        {"aq": aq, "attempt": attempt, "course": course, "learner": learner}
        for aq, attempt, course, learner in db.session.execute(stmt).all()
    ]


def waiting_counts(course_ids: list[int] | None) -> dict[int, int]:
    """Course id -> essays waiting, in one grouped query."""
    stmt = (
        select(Attempt.course_id, func.count(AttemptQuestion.id))
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .where(quiz.awaiting_grade(), Question.type == "essay", AttemptQuestion.fraction.is_(None))
        .group_by(Attempt.course_id)
    )
    if course_ids is not None:
        stmt = stmt.where(Attempt.course_id.in_(course_ids or [-1]))
    return dict(db.session.execute(stmt).all())


def attempt_of(aq: AttemptQuestion) -> Attempt:
    return db.session.get(Attempt, aq.attempt_id)


def essay_view(aq: AttemptQuestion) -> dict:
    """The essay question and the answer as typed (escaped), for the grading page."""
    return {
        "question": Markup(aq.question.text_html),  # noqa: S704 - sanitised at sync
        "answer": Markup(render_inline_text((aq.response or {}).get("text", ""))),  # noqa: S704
    }


def form_values(aq: AttemptQuestion) -> object | None:
    """The current grade as the form's starting values (regrading shows what was given)."""
    grade = db.session.scalar(select(EssayGrade).where(EssayGrade.attempt_question_id == aq.id))
    if grade is None:
        return None
    return type("Values", (), {"score": round(100 * grade.fraction)})()


def record_view(viewer: User, attempt: Attempt, course: Course) -> None:
    """A grader reading someone's essay is written to the audit log, as staff views are."""
    record(
        viewer,
        "quiz.essay.view",
        f"user:{attempt.user_id}",
        ip=client_address(),
        attempt=attempt.id,
        course=course.slug,
    )


def grade_essay(
    aq: AttemptQuestion, grader: User, score: int, feedback: str, now: datetime
) -> bool:
    """Give one essay answer its credit and feedback (again, to regrade); True when this
    finished the attempt, which then has its score, and may complete the course."""
    attempt = attempt_of(aq)
    if attempt.submitted_at is None:
        raise ValueError("attempt not handed in")
    values = {
        "grader_id": grader.id,
        "fraction": max(0, min(score, 100)) / 100,
        "feedback_html": sanitize_html(render_inline_text(feedback.strip())),
        "graded_at": now,
    }
    grade = db.session.scalar(select(EssayGrade).where(EssayGrade.attempt_question_id == aq.id))
    if grade is None:
        grade = EssayGrade(attempt_question_id=aq.id, **values)
        db.session.add(grade)
    else:
        for name, value in values.items():
            setattr(grade, name, value)
    aq.fraction = grade.fraction
    record(grader, "quiz.essay.grade", f"user:{attempt.user_id}", now=now, attempt=attempt.id)
    db.session.flush()
    if any(q.fraction is None for q in attempt.questions):
        return False
    # The first time the last essay is graded, or a regrade of a finished attempt: score again.
    quiz.finish_grading(attempt, now)
    _tell_learner(attempt, now)
    return True


def _tell_learner(attempt: Attempt, now: datetime) -> None:
    learner = db.session.get(User, attempt.user_id)
    course = db.session.get(Course, attempt.course_id)
    with force_locale(learner.locale or "id"):
        title = _("Esai Anda sudah dinilai: %(course)s", course=course.title)
        body = _(
            "Pengajar telah menilai esai pada percobaan ke-%(n)d. Nilai akhir Anda %(score)s.",
            n=attempt.number,
            score=f"{attempt.score:g}".replace(".", ","),
        )
    due = Due(
        user_id=learner.id,
        key=f"{GRADED_RULE}:{attempt.id}:{int(attempt.score * 100)}",
        category="course",
        rule=GRADED_RULE,
        title=title,
        body=body,
        url=f"/attempts/{attempt.id}/review",
    )
    queue_notifications([due], now)


def essay_notes(answer_ids: list[int]) -> dict[int, Markup]:
    """The grader's feedback for each graded essay answer (the quiz review shows it)."""
    if not answer_ids:
        return {}
    rows = db.session.execute(
        select(EssayGrade.attempt_question_id, EssayGrade.feedback_html).where(
            EssayGrade.attempt_question_id.in_(answer_ids), EssayGrade.feedback_html != ""
        )
    ).all()
    return {aid: Markup(html) for aid, html in rows}  # noqa: S704 - sanitised when graded


presenting.ESSAY_NOTES.append(essay_notes)
