"""Quiz verbs on attempts: start, save responses, grade once, finish grading, show answers.

The question bank they draw from is :mod:`lms.quiz.banks`.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from lms.courses.models import Course, Enrollment
from lms.courses.services import try_complete
from lms.extensions import db
from lms.i18n import gettext as _
from lms.quiz import gift, grading
from lms.quiz.answers import Answers, clean, matching_rights
from lms.quiz.banks import CHOICE_TYPES, active_questions, as_gift
from lms.quiz.models import Attempt, AttemptQuestion, Question

#: Seconds after the deadline during which a save or submit still counts (slow networks).
GRACE_SECONDS = 30


class QuizError(ValueError):
    """Something the learner asked for that the quiz rules do not allow."""


# -- attempts ---------------------------------------------------------------------------------


def attempts_of(enrollment: Enrollment) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt).where(Attempt.enrollment_id == enrollment.id).order_by(Attempt.number)
        )
    )


def open_attempt(enrollment: Enrollment) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.enrollment_id == enrollment.id, Attempt.submitted_at.is_(None)
        )
    )


def attempts_left(course: Course, used: int) -> int | None:
    """How many attempts remain; None means unlimited."""
    if not course.max_attempts:
        return None
    return max(course.max_attempts - used, 0)


def _choice_order(question: Question, course: Course, rng: random.Random) -> list[int]:
    data = question.data
    if question.type in CHOICE_TYPES:
        order = list(range(len(data["answers"])))
        if course.shuffle_answers:
            rng.shuffle(order)
        return order
    if question.type == "matching":
        # The options are always shuffled: in pair order they would give the answers away.
        order = list(range(len(matching_rights(data))))
        rng.shuffle(order)
        return order
    return []


def start_attempt(enrollment: Enrollment, now: datetime) -> Attempt:
    """Start an attempt (or return the one still open), fixing its questions and their order."""
    existing = open_attempt(enrollment)
    if existing is not None:
        close_if_expired(existing, now)
        if existing.submitted_at is None:
            return existing
    course = db.session.get(Course, enrollment.course_id)
    bank = active_questions(course.id)
    if not bank:
        raise QuizError(_("Kursus ini tidak memiliki kuis."))
    previous = attempts_of(enrollment)
    used = len(previous)
    if attempts_left(course, used) == 0:
        raise QuizError(_("Kesempatan mengerjakan kuis ini sudah habis."))
    if any(a.submitted_at is not None and a.score is None for a in previous):
        raise QuizError(_("Percobaan sebelumnya masih menunggu penilaian pengajar."))
    if any(a.passed for a in previous) and course.show_answers == "always":
        # Answers were shown after a passing attempt; another try would be an open book.
        raise QuizError(_("Anda sudah lulus kuis ini."))
    rng = random.SystemRandom()
    chosen = bank
    if course.draw and course.draw < len(bank):
        chosen = sorted(rng.sample(bank, course.draw), key=lambda q: q.position)
    if course.shuffle_questions:
        chosen = list(chosen)
        rng.shuffle(chosen)
    attempt = Attempt(
        enrollment_id=enrollment.id,
        user_id=enrollment.user_id,
        course_id=course.id,
        number=used + 1,
        started_at=now,
        deadline_at=now + timedelta(minutes=course.time_limit_minutes)
        if course.time_limit_minutes
        else None,
    )
    attempt.questions = [
        AttemptQuestion(question_id=q.id, position=i, order=_choice_order(q, course, rng))
        for i, q in enumerate(chosen, start=1)
    ]
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request started this attempt number at the same moment: use that one.
        # (No SAVEPOINT: pysqlite's transaction handling does not support it reliably.)
        db.session.rollback()
        existing = open_attempt(db.session.get(Enrollment, enrollment.id))
        if existing is None:
            raise
        return existing
    enrollment.last_activity_at = now
    db.session.flush()
    return attempt


def is_open(attempt: Attempt, now: datetime) -> bool:
    """Whether responses may still be saved."""
    if attempt.submitted_at is not None:
        return False
    return attempt.deadline_at is None or now <= attempt.deadline_at + timedelta(
        seconds=GRACE_SECONDS
    )


def field_names(attempt: Attempt) -> set[str]:
    """Every form field name this attempt's page shows."""
    names = set()
    for aq in attempt.questions:
        if aq.question.type == "matching":
            names |= {f"q{aq.position}_{i}" for i in range(len(aq.question.data["pairs"]))}
        else:
            names.add(f"q{aq.position}")
    return names


def save_responses(attempt: Attempt, answers: Answers, now: datetime) -> int:
    """Save ``answers`` (position -> response, None clears) for the attempt's questions.

    Each response is checked against its question (:func:`lms.quiz.answers.clean`); positions
    the attempt does not have are ignored.
    """
    if not is_open(attempt, now):
        raise QuizError(_("Waktu pengerjaan sudah habis; jawaban tidak dapat disimpan lagi."))
    by_position = {aq.position: aq for aq in attempt.questions}
    saved = 0
    for position, response in answers.items():
        aq = by_position.get(position)
        if aq is None:
            continue
        aq.response = clean(aq.question, response)
        aq.saved_at = now
        saved += 1
    db.session.flush()
    return saved


def unanswered(attempt: Attempt) -> list[int]:
    """Positions of the attempt's questions with no saved answer (graded 0 if handed in)."""
    return [aq.position for aq in attempt.questions if not aq.response]


def grade_question(aq: AttemptQuestion) -> tuple[float | None, str | None]:
    """Credit (0..1) and a comparable answer key for one saved response; an essay answered
    is None (a person grades it)."""
    response = aq.response or {}
    q = as_gift(aq.question)
    if not response:
        return 0.0, None
    if q.type == "essay":
        return None, None
    if q.type == "multichoice":
        choice = response.get("choice")
        return grading.grade_multichoice(q, choice), str(choice)
    if q.type == "multiresponse":
        choices = response.get("choices") or []
        return grading.grade_multiresponse(q, choices), ",".join(str(c) for c in choices)
    if q.type == "truefalse":
        value = response.get("value")
        return grading.grade_truefalse(q, value), "true" if value else "false"
    if q.type == "shortanswer":
        text = response.get("text", "")
        return grading.grade_shortanswer(q, text), gift.normalize_short_answer(text)[:200]
    if q.type == "numerical":
        text = response.get("text", "")
        return grading.grade_numerical(q, text), text[:200]
    if q.type == "matching":
        pairs = {int(k): v for k, v in (response.get("pairs") or {}).items()}
        key = ";".join(f"{k}={pairs[k]}" for k in sorted(pairs))
        return grading.grade_matching(q, pairs), key[:200]
    return 0.0, None


def submit_attempt(attempt: Attempt, answers: Answers | None, now: datetime) -> bool:
    """Save the final answers and grade the attempt, exactly once.

    Returns False when another request already submitted it. Answers that arrive after the
    deadline (and its grace) are ignored: the attempt is graded on what was saved before.
    """
    if answers and is_open(attempt, now):
        save_responses(attempt, answers, now)
    expired = not is_open(attempt, now) and attempt.submitted_at is None
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, expired=expired)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(attempt)
        return False
    _grade(attempt, now)
    return True


def _grade(attempt: Attempt, now: datetime) -> None:
    db.session.refresh(attempt)  # the claim above updated the row, not this object
    for aq in attempt.questions:
        aq.fraction, aq.answer_key = grade_question(aq)
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    enrollment.last_activity_at = now
    if any(aq.fraction is None for aq in attempt.questions):
        # "Menunggu penilaian": no score until a person grades every essay (finish_grading).
        attempt.score = attempt.passed = None
        db.session.flush()
        record_attempts(attempt.enrollment_id)
        return
    finish_grading(attempt, now)


def awaiting_grade():
    """SQL condition on Attempt: handed in, and an essay still waits for a person's grade."""
    return and_(Attempt.submitted_at.is_not(None), Attempt.score.is_(None))


def finish_grading(attempt: Attempt, now: datetime) -> None:
    """Score the attempt from its questions' credit (every one graded), record it on the
    enrolment and complete the course if this was the last step."""
    total = sum(aq.fraction or 0.0 for aq in attempt.questions)
    course = db.session.get(Course, attempt.course_id)
    attempt.score = round(100 * total / len(attempt.questions), 2) if attempt.questions else 0.0
    attempt.passed = attempt.score >= course.pass_mark
    db.session.flush()
    db.session.refresh(attempt)
    record_attempts(attempt.enrollment_id)
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    try_complete(enrollment, now)


def record_attempts(enrollment_id: int) -> None:
    """Store on the enrolment its best submitted score, attempt count and whether one passed.

    One UPDATE with correlated subqueries over that enrolment's attempts (reports read these
    columns instead of grouping every attempt).
    """
    submitted = (Attempt.enrollment_id == Enrollment.id, Attempt.submitted_at.is_not(None))
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment_id)
        .values(
            best_score=select(func.max(Attempt.score)).where(*submitted).scalar_subquery(),
            attempts=select(func.count(Attempt.id)).where(*submitted).scalar_subquery(),
            quiz_passed=exists().where(*submitted, Attempt.passed.is_(True)),
        )
        .execution_options(synchronize_session="fetch")
    )


def close_if_expired(attempt: Attempt, now: datetime) -> bool:
    """Grade an attempt whose time ran out on what was saved; True if it was closed now."""
    if attempt.submitted_at is None and not is_open(attempt, now):
        return submit_attempt(attempt, None, now)
    return False


def best_attempt(enrollment: Enrollment) -> Attempt | None:
    """The attempt that counts: the highest score."""
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.enrollment_id == enrollment.id, Attempt.score.is_not(None))
        .order_by(Attempt.score.desc(), Attempt.number)
        .limit(1)
    )


def may_show_answers(attempt: Attempt, course: Course, used: int) -> bool:
    """Whether the review shows right answers and feedback, per the course setting."""
    if attempt.submitted_at is None:
        return False
    rule = course.show_answers
    if rule == "always":
        return True
    if rule == "after_pass":
        return bool(attempt.passed)
    if rule == "after_last":
        return attempts_left(course, used) == 0 or bool(attempt.passed)
    return False
