"""Assignments of a course to a group of people, with a deadline."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import utcnow
from lms.org.models import Unit


class Scope(enum.StrEnum):
    """Who an assignment covers."""

    ALL = "all"
    UNIT = "unit"
    POSITION_TYPE = "position_type"


def target_key(
    scope: str | None, unit_id: int | None, include_subunits: bool | None, position_type: str | None
) -> str:
    """Who an assignment covers, as one comparable value: ``all``, ``unit:12`` (that unit),
    ``unit:12+`` (with its sub-units) or ``position_type:Pengawas``."""
    if scope == Scope.UNIT.value:
        return f"unit:{unit_id}{'+' if include_subunits else ''}"
    if scope == Scope.POSITION_TYPE.value:
        return f"position_type:{position_type}"
    return str(scope)


def _target_default(context) -> str:
    row = context.get_current_parameters()
    return target_key(
        row.get("scope"), row.get("unit_id"), row.get("include_subunits", True),
        row.get("position_type"),
    )  # fmt: skip


class Assignment(db.Model):
    """HR's decision that a group of people must finish a course by a deadline (WIB date).

    Who it covers is worked out when asked (people move, join and leave), never stored per
    person; :func:`lms.assignments.coverage.apply_assignments` enrols whoever is missing.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_course_cancelled", "course_id", "cancelled_at"),
        # One live assignment per course, target and deadline: the same one twice (a double
        # click, a second HR officer) is refused, even when two requests race.
        Index(
            "uq_assignments_live_target",
            "course_id",
            "target",
            "deadline",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: all, unit or position_type (see :class:`Scope`).
    scope: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), index=True
    )
    #: With scope "unit": also the people of every unit below it.
    include_subunits: Mapped[bool] = mapped_column(Boolean, default=True)
    #: With scope "position_type": JPT, Administrator, Pengawas, Pelaksana or Fungsional.
    position_type: Mapped[str | None] = mapped_column(String(20))
    #: Who it covers in one value (:func:`target_key` of the four columns above), so that a
    #: duplicate can be refused by a unique index.
    target: Mapped[str] = mapped_column(String(60), default=_target_default)
    #: The last WIB calendar day to finish the course; overdue from the next day.
    deadline: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when HR withdraws the assignment; enrolments and progress are kept.
    cancelled_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    unit: Mapped[Unit | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Assignment {self.id} course={self.course_id} {self.scope}>"
