"""Question banks (from GIFT), attempts and the questions each attempt fixed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.i18n import utcnow


class Question(db.Model):
    """One question of a course's bank, as parsed from quiz.gift."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: Identity across syncs: the GIFT ::name:: (or the text), so statistics survive edits.
    key: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    #: multichoice, multiresponse, truefalse, shortanswer, numerical or matching.
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(300))
    #: The parsed question (Question.to_dict()): answers, fractions, feedback. Never sent
    #: to the browser before submission.
    data: Mapped[dict] = mapped_column(JSON)
    #: Sanitised HTML of the question text (with a blank for missing-word questions).
    text_html: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(db.Model):
    """One go at a course's quiz (percobaan)."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "number"),
        Index("ix_attempts_course_submitted", "course_id", "submitted_at"),
        # One open attempt per person and quiz, kept by the database: two starts at once
        # cannot both insert (the loser takes the winner's attempt).
        Index(
            "uq_attempts_one_open",
            "enrollment_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Past this (plus a short grace) nothing more is saved; empty without a time limit.
    deadline_at: Mapped[datetime | None]
    #: Claimed once by the request that grades the attempt.
    submitted_at: Mapped[datetime | None]
    #: True when the attempt was closed by its deadline rather than by the learner.
    expired: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Percent, 0 to 100, set when graded.
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)

    questions: Mapped[list[AttemptQuestion]] = relationship(
        order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )


class AttemptQuestion(db.Model):
    """A question as fixed for one attempt: its place, choice order and saved response."""

    __tablename__ = "attempt_questions"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        UniqueConstraint("attempt_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    #: Display order of choices (indexes into the stored answers), or of matching options.
    order: Mapped[list] = mapped_column(JSON, default=list)
    #: What the learner chose, in stored-answer terms; empty until saved.
    response: Mapped[dict | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None]
    #: Credit 0 to 1, set when graded.
    fraction: Mapped[float | None] = mapped_column(Float)
    #: The response in a comparable form ("2", "0,3", "true", normalised text), set when
    #: graded, so per-question statistics group in SQL.
    answer_key: Mapped[str | None] = mapped_column(String(200))

    question: Mapped[Question] = relationship()
