"""Who owes what: the people each assignment covers, and the enrolments that record it.

Coverage is never stored per person: a person who joins a unit (by import, by HR, or by moving)
is covered by that unit's assignments from then on, and :func:`apply_assignments` enrols them.
What it stores is the outcome: every owed course is an enrolment carrying its deadline, so
reports read enrolments alone. Run it after anything that changes who owes what. Every query
here is a select that works for any number of people; the verbs that make and cancel
assignments are in :mod:`lms.assignments.services`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, false, func, literal, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from lms.accounts.models import Role, User, UserRole
from lms.assignments.models import Assignment, Scope
from lms.assignments.passes import owe_all
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.org.models import Unit


def learners(people: Select | None = None) -> Select:
    """Active people who hold the learner role: everyone an assignment can cover.

    ``people`` (a select of user ids) narrows it to some people, e.g. those just placed.
    """
    query = (
        select(User.id, User.unit_id, User.position_type)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.LEARNER.value))
        .where(User.active.is_(True))
    )
    return query if people is None else query.where(User.id.in_(people))


def coverage(assignments: Select | None = None, people: Select | None = None) -> Select:
    """(assignment_id, course_id, user_id, deadline, created_at) for every person covered.

    ``assignments`` narrows the assignments considered (a select of ids); by default every
    live assignment of a live course. ``people`` narrows the people (a select of user ids).
    One UNION ALL of three joins, whatever the numbers.
    """
    people = learners(people).subquery("people")
    live = [Assignment.cancelled_at.is_(None), Course.retired_at.is_(None)]
    if assignments is not None:
        live.append(Assignment.id.in_(assignments))
    cols = (
        Assignment.id.label("assignment_id"),
        Assignment.course_id.label("course_id"),
        people.c.id.label("user_id"),
        Assignment.deadline.label("deadline"),
        Assignment.created_at.label("created_at"),
    )
    base = select(*cols).join(Course, Course.id == Assignment.course_id)
    everyone = base.join(people, literal(True)).where(Assignment.scope == Scope.ALL.value, *live)
    target = aliased(Unit, name="target")
    member = aliased(Unit, name="member")
    by_unit = (
        base.join(target, target.id == Assignment.unit_id)
        .join(
            member,
            or_(
                member.id == target.id,
                and_(
                    Assignment.include_subunits.is_(True),
                    member.path.startswith(target.path, autoescape=False),
                ),
            ),
        )
        .join(people, people.c.unit_id == member.id)
        .where(Assignment.scope == Scope.UNIT.value, *live)
    )
    by_position = base.join(people, people.c.position_type == Assignment.position_type).where(
        Assignment.scope == Scope.POSITION_TYPE.value, *live
    )
    return union_all(everyone, by_unit, by_position)


def assigned_deadlines(people: Select | None = None) -> Select:
    """(user_id, course_id, deadline, assigned_at): each person's earliest deadline per course.

    A person covered twice for one course owes it by the earlier deadline; ``assigned_at`` is
    when the first covering assignment was made (UTC).
    """
    cov = coverage(people=people).subquery("coverage")
    return select(
        cov.c.user_id,
        cov.c.course_id,
        func.min(cov.c.deadline).label("deadline"),
        func.min(cov.c.created_at).label("assigned_at"),
    ).group_by(cov.c.user_id, cov.c.course_id)


def mandatory_for_everyone(people: Select | None = None) -> Select:
    """(user_id, course_id, deadline): mandatory courses with a course.toml deadline, per learner.

    Only courses HR has not assigned: those still bind every learner, as they did before
    assignments existed (once assigned, the assignments say who owes them).
    """
    people = learners(people).subquery("everyone")
    has_assignment = exists().where(
        Assignment.course_id == Course.id, Assignment.cancelled_at.is_(None)
    )
    return (
        select(people.c.id.label("user_id"), Course.id.label("course_id"), Course.deadline)
        .join(Course, literal(True))
        .where(
            Course.retired_at.is_(None),
            Course.mandatory.is_(True),
            Course.deadline.is_not(None),
            ~has_assignment,
        )
    )


def owed_courses(people: Select | None = None) -> Select:
    """(user_id, course_id, deadline): every course someone owes, with its earliest deadline.

    Assigned courses, plus mandatory courses due for everyone (:func:`mandatory_for_everyone`).
    :func:`apply_assignments` turns each into an enrolment carrying the deadline.
    """
    assigned = assigned_deadlines(people).subquery("assigned")
    return union_all(
        select(assigned.c.user_id, assigned.c.course_id, assigned.c.deadline),
        mandatory_for_everyone(people),
    )


def _insert_missing(owed: Select, deadlines: Select, now: datetime) -> int:
    """Enrol each (user_id, course_id, source, deadline) of ``owed`` (some new assignments'
    coverage) not enrolled yet, with the deadline ``deadlines`` (user_id, course_id, deadline:
    every assignment of the course counts) says it is owed by: one INSERT, so
    :func:`_set_deadlines` has nothing left to write on the new rows.
    """
    cov = owed.subquery("cov")
    enrolled = exists().where(
        Enrollment.user_id == cov.c.user_id, Enrollment.course_id == cov.c.course_id
    )
    owed_by = deadlines.subquery("owed_by")
    missing = (
        select(
            cov.c.user_id,
            cov.c.course_id,
            cov.c.source,
            literal(now),
            literal(0),
            owed_by.c.deadline,
        )
        .outerjoin(
            owed_by,
            (owed_by.c.user_id == cov.c.user_id) & (owed_by.c.course_id == cov.c.course_id),
        )
        .distinct()
    )
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(Enrollment)
        .from_select(
            ["user_id", "course_id", "source", "enrolled_at", "jp_earned", "deadline"],
            missing.where(~enrolled),
        )
        .on_conflict_do_nothing()
    )
    # Counted from RETURNING: psycopg reports no rowcount for INSERT ... SELECT here.
    return len(db.session.scalars(statement.returning(Enrollment.id)).all())


def _owed_deadlines(course_ids: Select | None, people: Select | None) -> Select:
    """(user_id, course_id, deadline): the earliest deadline each person owes each course by
    (of the courses ``course_ids`` selects, when given)."""
    owed = owed_courses(people).subquery("owed")
    wanted = select(owed.c.user_id, owed.c.course_id, func.min(owed.c.deadline).label("deadline"))
    if course_ids is not None:
        wanted = wanted.where(owed.c.course_id.in_(course_ids))
    return wanted.group_by(owed.c.user_id, owed.c.course_id)


def _set_deadlines(course_ids: Select | None, people: Select | None = None) -> None:
    """Write each enrolment's owed deadline (earliest one, or empty): one UPDATE ... FROM.

    Enrolments are left-joined to what is owed (grouped per pair) and only those whose stored
    deadline differs are touched, so a second run writes nothing. ``course_ids`` narrows it to
    the enrolments of some courses (every assignment of a course counts towards its deadline),
    ``people`` to the enrolments of some people (a select of user ids).
    """
    wanted = _owed_deadlines(course_ids, people).subquery("wanted")
    current = aliased(Enrollment, name="current")
    changed = (
        select(current.id, wanted.c.deadline)
        .outerjoin(
            wanted,
            (wanted.c.user_id == current.user_id) & (wanted.c.course_id == current.course_id),
        )
        .where(current.deadline.is_distinct_from(wanted.c.deadline))
    )
    if course_ids is not None:
        changed = changed.where(current.course_id.in_(course_ids))
    if people is not None:
        changed = changed.where(current.user_id.in_(people))
    changed = changed.subquery("changed")
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == changed.c.id)
        .values(deadline=changed.c.deadline)
        .execution_options(synchronize_session=False)
    )


def apply_assignments(
    now: datetime,
    only: list[int] | None = None,
    people: Select | None = None,
    courses: list[int] | None = None,
) -> int:
    """Make every owed course an enrolment, with the deadline it is owed by.

    Enrols everyone covered by a live assignment (source "assigned") and, for mandatory courses
    with a course.toml deadline that nobody assigned, every learner (source "mandatory"); then
    sets each enrolment's ``deadline`` (cleared when nothing is owed any more, e.g. after a
    cancellation). ``only`` limits the work to some new assignments (and their courses);
    ``people`` (a select of user ids) to some people, e.g. those just placed in a unit;
    ``courses`` (the full pass only) to some courses (passes over different courses may run
    side by side: the daily reminder run does, on PostgreSQL).

    Set-based: one INSERT and one UPDATE for 100,000 people (the full pass works out what is
    owed once for both: :func:`lms.assignments.passes.owe_all`). Returns how many were enrolled.
    Safe to run any time and twice (the unique key, NOT EXISTS and IS DISTINCT FROM make it
    idempotent).
    """
    if only is None:
        # One row per person and course (a course is owed either through its assignments or,
        # when nobody assigned it, as a mandatory course): only the assigned ones need grouping.
        assigned = assigned_deadlines(people).subquery("a")
        everyone = mandatory_for_everyone(people).subquery("m")
        owed = union_all(
            select(
                assigned.c.user_id, assigned.c.course_id, literal("assigned"), assigned.c.deadline
            ),
            select(
                everyone.c.user_id, everyone.c.course_id, literal("mandatory"), everyone.c.deadline
            ),
        )
        made = owe_all(owed, now, people, courses)
    else:
        cov = coverage(select(Assignment.id).where(Assignment.id.in_(only)), people).subquery("c")
        owed = select(
            cov.c.user_id, cov.c.course_id, literal("assigned").label("source"), cov.c.deadline
        )
        # The new assignments' people may owe the course by an earlier one's deadline.
        courses = select(Assignment.course_id).where(Assignment.id.in_(only))
        made = _insert_missing(owed, _owed_deadlines(courses, people), now)
        _set_deadlines(courses, people)
    db.session.flush()
    return made


def count_covered(
    scope: str, unit: Unit | None, include_subunits: bool, position_type: str | None
) -> int:
    """How many people an assignment with these settings would cover, before it is made."""
    people = learners().subquery("p")
    query = select(func.count(func.distinct(people.c.id)))
    if scope == Scope.UNIT.value:
        if unit is None:
            return 0
        units = select(Unit.id).where(
            Unit.path.startswith(unit.path, autoescape=True)
            if include_subunits
            else Unit.id == unit.id
        )
        query = query.where(people.c.unit_id.in_(units))
    elif scope == Scope.POSITION_TYPE.value:
        query = query.where(people.c.position_type == position_type)
    elif scope != Scope.ALL.value:
        query = query.where(false())
    return db.session.scalar(query) or 0


def covered_counts(assignment_ids: list[int]) -> dict[int, int]:
    """People covered by each assignment, in one grouped query."""
    if not assignment_ids:
        return {}
    cov = coverage(select(Assignment.id).where(Assignment.id.in_(assignment_ids))).subquery()
    rows = db.session.execute(
        select(cov.c.assignment_id, func.count(func.distinct(cov.c.user_id))).group_by(
            cov.c.assignment_id
        )
    )
    return dict(rows.all())


def done_counts(assignment_ids: list[int]) -> dict[int, int]:
    """People covered by each assignment who completed its course."""
    if not assignment_ids:
        return {}
    cov = coverage(select(Assignment.id).where(Assignment.id.in_(assignment_ids))).subquery()
    rows = db.session.execute(
        select(cov.c.assignment_id, func.count(func.distinct(cov.c.user_id)))
        .join(
            Enrollment,
            (Enrollment.user_id == cov.c.user_id) & (Enrollment.course_id == cov.c.course_id),
        )
        .where(Enrollment.completed_at.is_not(None))
        .group_by(cov.c.assignment_id)
    )
    return dict(rows.all())
