"""Verbs on learning paths: require one, withdraw it, count it, and show a learner theirs.

A path is required by making ordinary course assignments (scope "position_type"), one per step
and position type, and enrolling whoever they cover in one go
(:func:`lms.assignments.coverage.apply_assignments`); people who later take one of those
positions are enrolled like any other assignment's. Who follows a path is who those assignments
cover, so nothing is stored per person.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import raiseload

from lms.accounts.models import POSITION_TYPES, User
from lms.assignments.coverage import apply_assignments, coverage
from lms.assignments.models import Assignment, Scope
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.i18n import gettext as _
from lms.paths.models import LearningPath, PathAssignment, PathStep


class PathError(ValueError):
    """A path that cannot be required as asked; the message says why in Indonesian."""


def require_path(
    title: str,
    courses: list[Course],
    position_types: list[str],
    deadline: date,
    *,
    by: User | None,
    now: datetime,
    description: str | None = None,
) -> tuple[LearningPath, int]:
    """Require ``courses`` in this order of the people of ``position_types`` by ``deadline``.

    Returns the path and how many enrolments were made. Flushes; the caller commits once.
    """
    if not courses:
        raise PathError(_("Pilih paling sedikit satu kursus."))
    if len({c.id for c in courses}) != len(courses):
        raise PathError(_("Setiap kursus hanya boleh muncul sekali dalam satu jalur."))
    if any(c.retired_at is not None for c in courses):
        raise PathError(_("Salah satu kursus sudah tidak tersedia."))
    kinds = [p for p in POSITION_TYPES if p in set(position_types)]
    if not kinds or len(kinds) != len(set(position_types)):
        raise PathError(_("Pilih jenis jabatan yang diwajibkan mengikuti jalur ini."))
    path = LearningPath(
        title=title.strip(),
        description=(description or "").strip() or None,
        deadline=deadline,
        created_by_id=by.id if by is not None else None,
        created_at=now,
        steps=[PathStep(position=i, course_id=c.id) for i, c in enumerate(courses, start=1)],
    )
    db.session.add(path)
    # An assignment HR already made of a step to a position type by the same deadline is used
    # as it is: the same assignment is never made twice.
    existing = {
        (a.course_id, a.position_type): a
        for a in db.session.scalars(
            select(Assignment).where(
                Assignment.course_id.in_([c.id for c in courses]),
                Assignment.scope == Scope.POSITION_TYPE.value,
                Assignment.position_type.in_(kinds),
                Assignment.deadline == deadline,
                Assignment.cancelled_at.is_(None),
            )
        )
    }
    made = [
        Assignment(
            course_id=course.id,
            scope=Scope.POSITION_TYPE.value,
            position_type=kind,
            include_subunits=False,
            deadline=deadline,
            created_by_id=path.created_by_id,
            created_at=now,
        )
        for course in courses
        for kind in kinds
        if (course.id, kind) not in existing
    ]
    db.session.add_all(made)
    db.session.flush()
    db.session.add_all(PathAssignment(assignment_id=a.id, path_id=path.id) for a in made)
    db.session.add_all(
        PathAssignment(assignment_id=a.id, path_id=path.id, made=False) for a in existing.values()
    )
    db.session.flush()
    enrolled = apply_assignments(now, only=[a.id for a in [*made, *existing.values()]])
    return path, enrolled


def cancel_path(path: LearningPath, now: datetime) -> None:
    """Withdraw a path and its assignments; enrolments and progress stay."""
    if path.cancelled_at is not None:
        raise PathError(_("Jalur belajar ini sudah dibatalkan."))
    path.cancelled_at = now
    ours = select(PathAssignment.assignment_id).where(
        PathAssignment.path_id == path.id, PathAssignment.made.is_(True)
    )
    # An assignment another live path also uses stays: that path still requires it.
    shared = (
        select(PathAssignment.assignment_id)
        .join(LearningPath, LearningPath.id == PathAssignment.path_id)
        .where(LearningPath.id != path.id, LearningPath.cancelled_at.is_(None))
    )
    for assignment in db.session.scalars(
        select(Assignment).where(
            Assignment.id.in_(ours), Assignment.id.not_in(shared), Assignment.cancelled_at.is_(None)
        )
    ):
        assignment.cancelled_at = now
    db.session.flush()
    apply_assignments(now)  # deadlines are worked out again (a course may still be owed)


def position_types(path_ids: list[int]) -> dict[int, list[str]]:
    """The position types each path is required of, in the usual order (one query)."""
    if not path_ids:
        return {}
    rows = db.session.execute(
        select(PathAssignment.path_id, Assignment.position_type)
        .join(Assignment, Assignment.id == PathAssignment.assignment_id)
        .where(PathAssignment.path_id.in_(path_ids))
        .distinct()
    ).all()
    found: dict[int, set[str]] = {}
    for path_id, kind in rows:
        found.setdefault(path_id, set()).add(kind)
    return {pid: [p for p in POSITION_TYPES if p in kinds] for pid, kinds in found.items()}


def progress_counts(path_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per path: (people it covers, people who completed every course of it). Two grouped
    queries over the coverage of the paths' assignments, whatever the numbers."""
    if not path_ids:
        return {}
    links = select(PathAssignment.assignment_id).where(PathAssignment.path_id.in_(path_ids))
    cov = coverage(links).subquery("cov")
    owed = (
        select(PathAssignment.path_id, cov.c.user_id, cov.c.course_id)
        .join(cov, cov.c.assignment_id == PathAssignment.assignment_id)
        .distinct()
        .subquery("owed")
    )
    per_person = (
        select(
            owed.c.path_id,
            owed.c.user_id,
            func.count().label("owed"),
            func.count(Enrollment.completed_at).label("done"),
        )
        .outerjoin(
            Enrollment,
            (Enrollment.user_id == owed.c.user_id) & (Enrollment.course_id == owed.c.course_id),
        )
        .group_by(owed.c.path_id, owed.c.user_id)
        .subquery("per_person")
    )
    rows = db.session.execute(
        select(
            per_person.c.path_id,
            func.count(),
            func.coalesce(func.sum(case((per_person.c.done >= per_person.c.owed, 1), else_=0)), 0),
        ).group_by(per_person.c.path_id)
    ).all()
    return {path_id: (int(n), int(done)) for path_id, n, done in rows}


@functools.cache
def _paths_statement() -> Select:
    """:func:`paths_of`'s statement, built once per process with the person as parameters
    (building it cost about as much CPU as the rest of "Pembelajaran saya"'s Python)."""
    path_ids = (
        select(PathAssignment.path_id)
        .join(Assignment, Assignment.id == PathAssignment.assignment_id)
        .where(
            Assignment.position_type == bindparam("position_type"),
            Assignment.cancelled_at.is_(None),
        )
    )
    return (
        select(LearningPath, PathStep, Course, Enrollment.completed_at, Enrollment.last_activity_at)
        .join(PathStep, PathStep.path_id == LearningPath.id)
        .join(Course, Course.id == PathStep.course_id)
        .outerjoin(
            Enrollment,
            (Enrollment.course_id == Course.id) & (Enrollment.user_id == bindparam("user_id")),
        )
        .where(LearningPath.id.in_(path_ids), LearningPath.cancelled_at.is_(None))
        .order_by(LearningPath.created_at, LearningPath.id, PathStep.position)
        .options(raiseload("*", sql_only=True))
    )


def paths_of(user: User) -> list[dict]:
    """The live paths required of ``user`` (by their position type), each with its steps in
    order, the status of each step, and the next course to take. One statement."""
    if not user.position_type or not user.active:
        return []
    rows = db.session.execute(
        _paths_statement(), {"position_type": user.position_type, "user_id": user.id}
    ).all()
    out: list[dict] = []
    for path, step, course, completed_at, active_at in rows:
        if not out or out[-1]["path"] is not path:
            out.append({"path": path, "steps": [], "next": None, "done": 0, "total": 0})
        item = out[-1]
        if completed_at is not None:
            status = "completed"
        elif active_at is not None:
            status = "in_progress"
        else:
            status = "not_started"
        if status != "completed" and item["next"] is None and course.retired_at is None:
            item["next"] = step
        item["steps"].append({"step": step, "course": course, "status": status})
        item["done"] += status == "completed"
        item["total"] += 1
    return out
