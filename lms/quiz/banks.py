"""A course's question bank: checked and read from quiz.gift, stored, rendered, asked about.

The bank is the course's; an attempt (:mod:`lms.quiz.services`) draws its questions from it.
Whether the quiz still stands between a learner and completion is asked here too, since a course
without a live question has no quiz to pass.
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from lms.courses.markdown import render_inline_text, render_markdown, sanitize_html
from lms.courses.models import Course, Enrollment
from lms.courses.source import CourseSource, Problem
from lms.extensions import db
from lms.quiz import gift
from lms.quiz.models import Attempt, Question

CHOICE_TYPES = ("multichoice", "multiresponse")


def check_quiz(source: CourseSource, root: Path) -> list[Problem]:
    """Problems with a course's quiz.gift, located by file and line."""
    if source.gift_text is None:
        return []
    filename = f"{source.slug}/quiz.gift"
    try:
        questions = gift.parse_gift(source.gift_text, filename, essays=True)
    except gift.GiftError as exc:
        return [Problem(filename, exc.line, exc.message)]
    problems = []
    if not questions:
        problems.append(Problem(filename, 1, "berkas kuis tidak berisi soal"))
    keys: dict[str, int] = {}
    for q in questions:
        key = question_key(q)
        if key in keys:
            problems.append(
                Problem(filename, q.line, f"nama soal sama dengan soal di baris {keys[key]}")
            )
        keys[key] = q.line
    draw = source.quiz.draw
    if draw and draw > len(questions):
        problems.append(
            Problem(
                f"{source.slug}/course.toml",
                1,
                f'"draw" ({draw}) melebihi jumlah soal di quiz.gift ({len(questions)})',
            )
        )
    return problems


def question_key(q: gift.Question) -> str:
    return (q.name or q.text)[:200]


def render_text(text: str, fmt: str) -> str:
    """Question or feedback text as safe HTML, by its GIFT format tag."""
    if fmt == "markdown":
        return render_markdown(text)
    if fmt == "plain":
        return render_inline_text(text)
    return sanitize_html(text.replace("\n", "<br>"))  # moodle and html formats carry HTML


def question_html(q: gift.Question) -> str:
    """The question text as safe HTML, with the descriptions (reading text) that go with it."""

    def reading(items: list[gift.Question]) -> str:
        return "".join(f'<div class="qintro">{render_text(d.text, d.format)}</div>' for d in items)

    # A bank may write the whole question in its name (``::Apa itu AI?::{...}``): Moodle keeps
    # the text empty; a learner is shown the name rather than choices under no question.
    text = render_text(q.text, q.format) if q.text.strip() else render_inline_text(q.name)
    return reading(q.intro) + text + reading(q.outro)


def sync_quiz(course: Course, source: CourseSource, now: datetime) -> None:
    """Bring the course's bank in line with quiz.gift; questions gone from it are retired."""
    filename = f"{source.slug}/quiz.gift"
    parsed = gift.parse_gift(source.gift_text, filename, essays=True) if source.gift_text else []
    replace_bank(course, parsed, now)


def replace_bank(course: Course, parsed: list[gift.Question], now: datetime) -> None:
    """Make ``parsed`` the course's bank: matching questions update, the rest are retired."""
    existing = {
        q.key: q
        for q in db.session.scalars(select(Question).where(Question.course_id == course.id))
    }
    used: set[str] = set()
    for position, q in enumerate(parsed, start=1):
        key = question_key(q)
        number = 1
        while key in used:  # Moodle banks may repeat a name; each row needs its own key
            number += 1
            key = f"{question_key(q)[:190]} #{number}"
        used.add(key)
        row = existing.pop(key, None)
        if row is None:
            row = Question(course_id=course.id, key=key)
            db.session.add(row)
        row.position = position
        row.type = q.type
        row.name = q.name[:300]
        row.category = q.category
        row.data = q.to_dict()
        row.text_html = question_html(q)
        row.retired_at = None
        row.updated_at = now
    for row in existing.values():
        if row.retired_at is None:
            row.retired_at = now
    db.session.flush()


def active_questions(course_id: int) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.course_id == course_id, Question.retired_at.is_(None))
            .order_by(Question.position)
        )
    )


@functools.cache
def has_quiz_clause():
    """SQL, correlated on ``Course.id``: the course has a live question (a page selects it with
    the course instead of asking :func:`has_quiz` apart). Built once: the same object lets a
    page's statement be built once too (:mod:`lms.courses.pages`)."""
    return (
        select(Question.id)
        .where(Question.course_id == Course.id, Question.retired_at.is_(None))
        .exists()
    )


def has_quiz(course_id: int) -> bool:
    return (
        db.session.scalar(
            select(func.count(Question.id)).where(
                Question.course_id == course_id, Question.retired_at.is_(None)
            )
        )
        > 0
    )


def quiz_passed(enrollment: Enrollment) -> bool:
    """Whether the quiz no longer stands between the learner and completion."""
    if not has_quiz(enrollment.course_id):
        return True
    return (
        db.session.scalar(
            select(func.count(Attempt.id)).where(
                Attempt.enrollment_id == enrollment.id, Attempt.passed.is_(True)
            )
        )
        > 0
    )


def as_gift(question: Question) -> gift.Question:
    """The stored question as the parser's dataclass, for grading."""
    return gift.Question.from_dict(question.data)
