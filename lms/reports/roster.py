"""Reports row by row: the people page (one row per person in scope, with their figures,
sortable and paged in SQL) and the people x courses export (one row per pair, streamed).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.courses.models import Course
from lms.org.models import Unit
from lms.reports.services import Filters, figure_columns, pairs, people, person_columns

PEOPLE_SORT = ("name", "nip", "unit", "pairs", "completed", "overdue", "completion_pct", "jp")


def people_query(unit: Unit | None, filters: Filters, today: date, sort: str, desc: bool):
    """People in scope with their figures, sortable in SQL (for pages and streaming exports)."""
    p = pairs(unit, filters).subquery("p")
    agg = select(p.c.user_id, *figure_columns(p, today)).group_by(p.c.user_id).subquery("agg")
    scope = people(unit, filters).subquery("s")
    person_unit = aliased(Unit, name="person_unit")
    pct = case(
        (func.coalesce(agg.c.assigned, 0) > 0, 100.0 * agg.c.assigned_completed / agg.c.assigned),
        else_=None,
    ).label("completion_pct")
    columns = {
        "name": User.full_name,
        "nip": User.nip,
        "unit": person_unit.name,
        "pairs": func.coalesce(agg.c.pairs, 0),
        "completed": func.coalesce(agg.c.completed, 0),
        "overdue": func.coalesce(agg.c.overdue, 0),
        "completion_pct": pct,
        "jp": func.coalesce(agg.c.jp, 0),
    }
    order = columns.get(sort, User.full_name)
    order = order.desc() if desc else order.asc()
    query = (
        select(
            *person_columns(person_unit),
            columns["pairs"].label("pairs"),
            func.coalesce(agg.c.assigned, 0).label("assigned"),
            func.coalesce(agg.c.not_started, 0).label("not_started"),
            func.coalesce(agg.c.in_progress, 0).label("in_progress"),
            columns["completed"].label("completed"),
            columns["overdue"].label("overdue"),
            pct,
            columns["jp"].label("jp"),
        )
        .select_from(scope)
        .join(User, User.id == scope.c.user_id)
        .outerjoin(person_unit, person_unit.id == User.unit_id)
        .outerjoin(agg, agg.c.user_id == User.id)
        .order_by(order.nulls_last() if desc else order, User.id)
    )
    return query


def enrolment_rows(unit: Unit | None, filters: Filters, today: date) -> Select:
    """The full people x courses table: one row per pair, for the streaming export."""
    p = pairs(unit, filters).subquery("p")
    person_unit = aliased(Unit, name="person_unit")
    return (
        select(
            User.nip,
            User.full_name,
            User.position_type,
            User.rank,
            person_unit.name.label("unit"),
            Course.title.label("course"),
            p.c.deadline,
            p.c.last_activity_at,
            p.c.completed_at,
            p.c.completed_on,
            p.c.best,
            p.c.attempts,
            p.c.jp,
        )
        .select_from(p)
        .join(User, User.id == p.c.user_id)
        .join(Course, Course.id == p.c.course_id)
        .outerjoin(person_unit, person_unit.id == User.unit_id)
        .order_by(person_unit.name, User.full_name, User.id, Course.title)
    )
