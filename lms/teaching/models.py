"""Who teaches which course, essay grades, and learners' questions on lessons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.i18n import utcnow


class CourseInstructor(db.Model):
    """A person HR or an admin made instructor (pengajar) of one course, or the instructor who
    wrote it in the browser (from its first publish)."""

    __tablename__ = "course_instructors"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: The HR officer or admin who made the assignment, or who published the instructor's course
    #: (empty once they are erased).
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class EssayGrade(db.Model):
    """A person's grade of one essay answer: credit and written feedback."""

    __tablename__ = "essay_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_questions.id", ondelete="CASCADE"), unique=True
    )
    grader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Credit 0 to 1 (the form asks for 0 to 100).
    fraction: Mapped[float] = mapped_column(Float)
    #: Sanitised HTML of the grader's feedback.
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonQuestion(db.Model):
    """A learner's question to the course's instructors about one lesson."""

    __tablename__ = "lesson_questions"
    __table_args__ = (Index("ix_lesson_questions_lesson_created", "lesson_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Sanitised HTML of what the learner asked.
    body_html: Mapped[str] = mapped_column(Text)
    #: Only the asker and the instructors see it, even once answered.
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set by the first answer: answered public questions are shown to the course's learners.
    answered_at: Mapped[datetime | None]
    #: Hidden by an instructor (moderation): seen by nobody but the asker and instructors.
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    answers: Mapped[list[LessonAnswer]] = relationship(
        order_by="LessonAnswer.created_at", cascade="all, delete-orphan", lazy="selectin"
    )


class LessonAnswer(db.Model):
    """An instructor's answer to a lesson question."""

    __tablename__ = "lesson_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("lesson_questions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
