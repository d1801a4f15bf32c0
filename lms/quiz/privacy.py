"""A person's quiz attempts with every answer and score, for "Data saya"."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import REDACTED, Subject, fields, personal_data
from lms.quiz.models import Attempt, AttemptQuestion, Question


@personal_data(
    "quiz",
    _l("Percobaan kuis dan jawaban"),
    tables=[Attempt, AttemptQuestion],
    labels={
        "attempts": _l("Percobaan kuis"),
        "course": _l("Kursus"),
        "number": _l("Percobaan ke"),
        "started_at": _l("Mulai"),
        "submitted_at": _l("Dikumpulkan"),
        "score": _l("Nilai"),
        "passed": _l("Lulus"),
        "answers": _l("Jawaban"),
        "question": _l("Soal"),
        "response": _l("Jawaban Anda"),
        "fraction": _l("Skor soal"),
    },
)
def export_attempts(user) -> dict:
    """Every attempt and, per attempt, each question with the saved answer: two queries."""
    answers = defaultdict(list)
    rows = db.session.execute(
        select(AttemptQuestion, Question.key, Question.name, Question.type)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.user_id == user.id)
        .order_by(AttemptQuestion.attempt_id, AttemptQuestion.position)
    )
    for aq, key, name, kind in rows:
        answers[aq.attempt_id].append(
            {"question": name, "key": key, "type": kind}
            | fields(aq, "position", "response", "answer_key", "saved_at", "fraction")
        )
    attempts = []
    rows = db.session.execute(
        select(Attempt, Course.slug)
        .join(Course, Course.id == Attempt.course_id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at, Attempt.id)
    )
    for attempt, slug in rows:
        row = {"course": slug} | fields(
            attempt,
            "number",
            "started_at",
            "deadline_at",
            "submitted_at",
            "expired",
            "score",
            "passed",
        )
        row["answers"] = answers.get(attempt.id, [])
        attempts.append(row)
    return {"attempts": attempts}


@export_attempts.eraser
def erase_attempts(subject: Subject) -> dict:
    """Scores, choices and dates stay (they make the course's figures and question statistics);
    what the person typed into short-answer questions is replaced. A typed answer that earned
    credit matches one of the course's own answers, so its comparable form is kept."""
    rows = db.session.scalars(
        select(AttemptQuestion)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .where(
            Attempt.user_id == subject.user.id,
            Question.type == "shortanswer",
            AttemptQuestion.response.is_not(None),
        )
    ).all()
    for aq in rows:
        aq.response = {"text": REDACTED}
        if not aq.fraction:
            aq.answer_key = REDACTED if aq.answer_key is not None else None
    return {"typed_answers": len(rows)}
