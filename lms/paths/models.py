"""Learning paths and the course assignments that carry them out."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.assignments.models import Assignment
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import utcnow


class LearningPath(db.Model):
    """An ordered list of courses HR requires of the people of some position types by a date
    (e.g. JPT and Administrator: the basics, then the leaders' course).

    The requirement itself is a set of ordinary course assignments, one per step and position
    type (:class:`PathAssignment`), so enrolment, deadlines, reminders and reports treat a
    path's courses like any other assigned course; the path adds the order and "what comes
    next" on the learner's page.
    """

    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    #: The last WIB day to finish every course of the path.
    deadline: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when HR withdraws the path (its assignments are cancelled with it; progress stays).
    cancelled_at: Mapped[datetime | None] = mapped_column(index=True)

    steps: Mapped[list[PathStep]] = relationship(
        order_by="PathStep.position", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<LearningPath {self.id}>"


class PathStep(db.Model):
    """One course of a path, at its place in the order (1 first)."""

    __tablename__ = "learning_path_steps"
    __table_args__ = (
        UniqueConstraint("path_id", "position", name="uq_learning_path_steps_position"),
        UniqueConstraint("path_id", "course_id", name="uq_learning_path_steps_course"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id", ondelete="CASCADE"))
    position: Mapped[int]
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))

    course: Mapped[Course] = relationship(lazy="joined")


class PathAssignment(db.Model):
    """The assignment that requires one step of a path of one position type.

    Usually made for the path; when HR had already assigned that course to that position type
    by the same deadline, the path uses that assignment (``made`` false) instead of making the
    same one twice, and withdrawing the path leaves it in place.
    """

    __tablename__ = "learning_path_assignments"
    __table_args__ = (Index("ix_learning_path_assignments_assignment", "assignment_id"),)

    path_id: Mapped[int] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="CASCADE"), primary_key=True
    )
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    #: Whether the path made this assignment (and withdraws it with the path).
    made: Mapped[bool] = mapped_column(Boolean, default=True)

    assignment: Mapped[Assignment] = relationship()
