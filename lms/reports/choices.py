"""What a report's filters offer: the courses (province-wide and slow to change: kept a minute
per process) and the ranks (golongan) of the people in scope (read for the unit asked about,
never the province's).
"""

from __future__ import annotations

import functools
import time

from flask import current_app
from sqlalchemy import Select, String, bindparam, select

from lms.accounts.models import User
from lms.courses.models import Course
from lms.extensions import db
from lms.org.models import Unit
from lms.reports.bound import in_subtree, run, subtree_pattern
from lms.signals import course_created

#: Seconds an app process keeps the course list. Courses change by a sync or a publication, a
#: few times a day at most; one published in this process shows at once, one synced by the
#: command line or published on another app server within this time.
COURSES_TTL = 60.0


def courses() -> list[tuple[int, str]]:
    """(id, title) of the courses not retired, by title: one statement a minute per process."""
    cache = current_app.extensions.setdefault("report_courses", {})
    now = time.monotonic()
    if cache.get("until", 0.0) <= now:
        query = select(Course.id, Course.title).where(Course.retired_at.is_(None))
        cache["rows"] = [tuple(row) for row in db.session.execute(query.order_by(Course.title))]
        cache["until"] = now + COURSES_TTL
    return cache["rows"]


@course_created.connect
def forget_courses(_course, **_kwargs) -> None:
    """A course went live in this process: the next report reads the list again."""
    current_app.extensions.pop("report_courses", None)


def ranks(unit: Unit | None = None) -> list[str]:
    """Ranks present among the active people of ``unit`` and its sub-units (the province when
    None), for the filter: a unit's page reads its own people only, never the province's."""
    params = {"scope_path": subtree_pattern(unit.path)} if unit is not None else None
    return sorted(r for (r,) in run(_ranks_statement(unit is not None), params) if r)


@functools.cache
def _ranks_statement(scoped: bool) -> Select:
    """The ranks' statement, built once per process (the subtree's path a slot)."""
    query = select(User.rank).where(User.active.is_(True), User.rank.is_not(None)).distinct()
    if scoped:  # the unit's subtree first, then its people by their index
        subtree = select(Unit.id).where(in_subtree(bindparam("scope_path", type_=String)))
        query = query.where(User.unit_id.in_(subtree))
    return query
