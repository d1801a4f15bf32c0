"""Assignments of a course to a group of people, with a deadline."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
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


class Assignment(db.Model):
    """HR's decision that a group of people must finish a course by a deadline (WIB date).

    Who it covers is worked out when asked (people move, join and leave), never stored per
    person; :func:`lms.assignments.services.apply_assignments` enrols whoever is missing.
    """

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_course_cancelled", "course_id", "cancelled_at"),)

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
