"""Verbs on assignments: make one (refusing a duplicate), cancel one.

Who an assignment covers, and the enrolments that record what each person owes, are worked
out in :mod:`lms.assignments.coverage`; both verbs end by running
:func:`~lms.assignments.coverage.apply_assignments`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import POSITION_TYPES, User
from lms.assignments.coverage import apply_assignments
from lms.assignments.models import Assignment, Scope, target_key
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import format_day, wib
from lms.i18n import gettext as _
from lms.org.models import Unit


class AssignmentError(ValueError):
    """An assignment that cannot be made; the message says why in Indonesian."""


def _normalised(
    scope: str, unit_id: int | None, include_subunits: bool, position_type: str | None
) -> tuple[int | None, bool, str | None, str]:
    """The unit, sub-unit flag and position type that ``scope`` keeps, and their target key."""
    unit_id = unit_id if scope == Scope.UNIT.value else None
    include_subunits = bool(include_subunits) if scope == Scope.UNIT.value else False
    position_type = position_type if scope == Scope.POSITION_TYPE.value else None
    return (
        unit_id, include_subunits, position_type,
        target_key(scope, unit_id, include_subunits, position_type),
    )  # fmt: skip


def same_target(
    course_id: int,
    scope: str,
    unit_id: int | None,
    include_subunits: bool,
    position_type: str | None,
) -> list[Assignment]:
    """The live assignments of a course to the people these settings would cover."""
    return live_for_target(
        course_id, _normalised(scope, unit_id, include_subunits, position_type)[3]
    )


def live_for_target(course_id: int, target: str) -> list[Assignment]:
    """The live assignments of a course to the same people (any deadline), oldest first."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(
                Assignment.course_id == course_id,
                Assignment.target == target,
                Assignment.cancelled_at.is_(None),
            )
            .order_by(Assignment.created_at, Assignment.id)
        )
    )


def duplicate_message(existing: Assignment) -> str:
    """Why a second, identical assignment is not made (it names the first)."""
    return _(
        "Kursus %(title)s sudah ditugaskan kepada cakupan yang sama dengan tenggat %(deadline)s "
        "(dibuat %(created)s). Penugasan yang sama tidak dibuat dua kali; ubah tenggat atau "
        "cakupannya bila memang berbeda.",
        title=existing.course.title,
        deadline=format_day(existing.deadline),
        created=wib(existing.created_at),
    )


def create_assignment(
    course: Course,
    *,
    scope: str,
    deadline: date,
    by: User | None,
    now: datetime,
    unit: Unit | None = None,
    include_subunits: bool = True,
    position_type: str | None = None,
) -> tuple[Assignment, int]:
    """Assign ``course`` and enrol everyone it covers; returns it and how many were enrolled."""
    if course.retired_at is not None:
        raise AssignmentError(_("Kursus ini sudah tidak tersedia."))
    if scope not in {s.value for s in Scope}:
        raise AssignmentError(_("Cakupan penugasan tidak dikenal."))
    if scope == Scope.UNIT.value and unit is None:
        raise AssignmentError(_("Pilih unit kerja yang ditugaskan."))
    if scope == Scope.POSITION_TYPE.value and position_type not in POSITION_TYPES:
        raise AssignmentError(_("Pilih jenis jabatan yang ditugaskan."))
    unit_id, include_subunits, position_type, target = _normalised(
        scope, unit.id if unit is not None else None, include_subunits, position_type
    )
    same = [a for a in live_for_target(course.id, target) if a.deadline == deadline]
    if same:
        raise AssignmentError(duplicate_message(same[0]))
    assignment = Assignment(
        course_id=course.id,
        scope=scope,
        unit_id=unit_id,
        include_subunits=include_subunits,
        position_type=position_type,
        target=target,
        deadline=deadline,
        created_by_id=by.id if by is not None else None,
        created_at=now,
    )
    try:
        with db.session.begin_nested():  # another request made the same one just now
            db.session.add(assignment)
    except IntegrityError:
        raise AssignmentError(
            _("Penugasan yang sama baru saja dibuat. Periksa daftar penugasan.")
        ) from None
    enrolled = apply_assignments(now, only=[assignment.id])
    return assignment, enrolled


def cancel_assignment(assignment: Assignment, now: datetime) -> None:
    """Withdraw an assignment; the enrolments it made and any progress stay.

    Deadlines are worked out again (the course may be owed by a later deadline, by course.toml,
    or not at all any more).
    """
    if assignment.cancelled_at is not None:
        raise AssignmentError(_("Penugasan ini sudah dibatalkan."))
    assignment.cancelled_at = now
    db.session.flush()
    apply_assignments(now)
