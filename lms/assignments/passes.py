"""The full assignments pass (every assignment at once): what is owed worked out once, then
the missing enrolments inserted and the changed deadlines written from that one result.

:func:`lms.assignments.coverage.apply_assignments` without ``only`` comes here. The daily
reminder run does that over the whole province, where working out what 100,000 people owe is
most of the pass's cost: it was done twice (once for the INSERT's anti-join, once for the
UPDATE's comparison). PostgreSQL runs the pass as one statement (what is owed a CTE feeding a
data-modifying CTE for each write); SQLite keeps it in a temporary table for the two writes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable, DropTable

from lms.courses.models import Enrollment
from lms.extensions import db

#: SQLite: what is owed, per (person, course), for the length of one pass (a temporary table
#: lives in the connection only; it is dropped at the end of the pass).
_OWED = Table(
    "assignments_owed_now",
    MetaData(),
    Column("user_id", Integer, primary_key=True),
    Column("course_id", Integer, primary_key=True),
    Column("source", String(20)),
    Column("deadline", Date),
    prefixes=["TEMPORARY"],
)


def owe_all(
    owed: Select, now: datetime, people: Select | None = None, courses: list[int] | None = None
) -> int:
    """Enrol whoever ``owed`` (rows of user_id, course_id, source, deadline: one per person and
    course, with the earliest deadline it is owed by) lists and is not enrolled, with that
    deadline; then give every other enrolment (of ``people``, a select of user ids, when given)
    the deadline owed, or none when nothing is owed any more. Returns how many were enrolled.

    ``courses``, when given, limits the pass to those courses (what is owed and the enrolments
    alike): passes over different courses touch different rows and may run side by side.
    """
    if courses is not None:
        found = owed.subquery("owed_in")
        owed = select(*found.c).where(found.c[1].in_(courses))
    if db.session.get_bind().dialect.name == "postgresql":
        return _in_one_statement(owed, now, people, courses)
    drop = DropTable(_OWED, if_exists=True)
    db.session.execute(drop)  # left by a pass that failed half-way on this connection
    db.session.execute(CreateTable(_OWED))
    try:
        db.session.execute(insert(_OWED).from_select(list(_OWED.c.keys()), owed))
        made = len(db.session.scalars(_insert_missing(_OWED, now, sqlite)).all())
        db.session.execute(_update_changed(_OWED, people, courses))
    finally:
        db.session.execute(drop)
    return made


def _in_one_statement(
    owed: Select, now: datetime, people: Select | None, courses: list[int] | None
) -> int:
    """PostgreSQL: the pass as one statement. What is owed is compared with the enrolments
    once (a full join: owed and not enrolled, enrolled with another deadline, enrolled with a
    deadline and not owed any more); the INSERT and the UPDATE read that difference, empty when
    nothing changed. Data-modifying CTEs see the table as it was before the statement, so the
    UPDATE leaves the new rows (which carry their deadline from the INSERT) alone."""
    found = owed.subquery("owed_rows")
    rows = (
        select(*(found.c[i].label(name) for i, name in enumerate(_OWED.c.keys())))
        .cte("owed")
        .prefix_with("MATERIALIZED")
    )
    current = Enrollment.__table__.alias("current")
    if courses is not None:
        current = select(current).where(current.c.course_id.in_(courses)).subquery("current")
    same_pair = (rows.c.user_id == current.c.user_id) & (rows.c.course_id == current.c.course_id)
    # With ``people``, an enrolment not owed any more counts only when it is theirs (what they
    # owe is all of ``owed`` then).
    ours = [] if people is None else [rows.c.user_id.is_not(None) | current.c.user_id.in_(people)]
    diff = (
        select(
            rows.c.user_id,
            rows.c.course_id,
            rows.c.source,
            rows.c.deadline,
            current.c.id.label("enrollment_id"),
        )
        .select_from(rows.outerjoin(current, same_pair, full=True))
        .where(current.c.deadline.is_distinct_from(rows.c.deadline) | current.c.id.is_(None), *ours)
        .cte("diff")
        .prefix_with("MATERIALIZED")
    )
    missing = select(
        diff.c.user_id, diff.c.course_id, diff.c.source, literal(now), literal(0), diff.c.deadline
    ).where(diff.c.enrollment_id.is_(None))
    made = (
        postgresql.insert(Enrollment)
        .from_select(
            ["user_id", "course_id", "source", "enrolled_at", "jp_earned", "deadline"], missing
        )
        .on_conflict_do_nothing()
        .returning(Enrollment.id)
        .cte("made")
    )
    changed = (
        update(Enrollment)
        .where(Enrollment.id == diff.c.enrollment_id)
        .values(deadline=diff.c.deadline)
        .cte("changed")
    )
    statement = select(func.count()).select_from(made).add_cte(changed)
    return db.session.scalar(statement) or 0


def _insert_missing(pairs, now: datetime, dialect):
    """INSERT the pairs nobody is enrolled in yet (``ON CONFLICT DO NOTHING`` guards a pass
    running at the same time), returning the new ids."""
    enrolled = exists().where(
        Enrollment.user_id == pairs.c.user_id, Enrollment.course_id == pairs.c.course_id
    )
    missing = select(
        pairs.c.user_id,
        pairs.c.course_id,
        pairs.c.source,
        literal(now),
        literal(0),
        pairs.c.deadline,
    ).where(~enrolled)
    return (
        dialect.insert(Enrollment)
        .from_select(
            ["user_id", "course_id", "source", "enrolled_at", "jp_earned", "deadline"], missing
        )
        .on_conflict_do_nothing()
        .returning(Enrollment.id)
    )


def _update_changed(pairs, people: Select | None, courses: list[int] | None = None):
    """UPDATE the enrolments whose deadline is not the one owed (none when not owed)."""
    current = Enrollment.__table__.alias("current")
    changed = (
        select(current.c.id, pairs.c.deadline)
        .outerjoin(
            pairs,
            (pairs.c.user_id == current.c.user_id) & (pairs.c.course_id == current.c.course_id),
        )
        .where(current.c.deadline.is_distinct_from(pairs.c.deadline))
    )
    if people is not None:
        changed = changed.where(current.c.user_id.in_(people))
    if courses is not None:
        changed = changed.where(current.c.course_id.in_(courses))
    changed = changed.subquery("changed")
    return (
        update(Enrollment)
        .where(Enrollment.id == changed.c.id)
        .values(deadline=changed.c.deadline)
        .execution_options(synchronize_session=False)
    )
