"""A unit report's statements built once per *shape* and run with each request's values.

Building a report statement (the people in scope, their pairs, the conditional sums) cost more
CPU than PostgreSQL takes to run it for a 100-person unit, and it was built again on every page.
Its SQL depends only on which filters are set (the :class:`Shape`), not on their values: while a
statement is built, :class:`Slots` stands in for the unit and the filters with bind parameters,
and :func:`values` gives one request's parameters. :func:`run` runs such a statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Integer, Result, String, bindparam
from sqlalchemy.sql.elements import BindParameter

from lms.courses.jp import Period
from lms.extensions import db
from lms.org.models import Unit


def given(value) -> bool:
    """Whether a filter is set: a slot (bind parameter) or a non-empty value."""
    return isinstance(value, BindParameter) or bool(value)


def in_subtree(path):
    """The condition on ``Unit.path`` for ``path``'s subtree (a literal path or a slot)."""
    if isinstance(path, BindParameter):
        return Unit.path.like(path, escape="\\")
    return Unit.path.startswith(path, autoescape=True)


def subtree_pattern(path: str) -> str:
    """The value of :func:`in_subtree`'s slot for ``path``'s subtree (``path`` escaped)."""
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def run(statement, params: dict | None = None) -> Result:
    """Rows of a report statement (columns, no ORM entities), run on the session's connection.

    As ``Session.execute`` runs it (pending changes flushed first, in the session's
    transaction), less the ORM's result handling, which cost a quarter of the time SQLite took
    to count a 100-person unit's figures."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


@dataclass(frozen=True)
class Shape:
    """Which of a unit report's inputs are set; hashable, so statements are cached by it."""

    scoped: bool
    position_type: bool
    rank: bool
    course_id: bool
    date_range: bool
    by_contract: bool

    @classmethod
    def of(cls, unit: Unit | None, filters) -> Shape:
        return cls(
            unit is not None,
            given(filters.position_type),
            given(filters.rank),
            given(filters.course_id),
            bool(filters.date_from or filters.date_to),
            filters.jp_period.reference is not None,
        )


@dataclass(frozen=True)
class _Day:
    """A reference day as integer slots: what the contract-year rule reads of a date."""

    year: object
    month: object
    day: object


class Slots:
    """The unit (``.path``) and the filters of a :class:`Shape`, as bind parameters."""

    def __init__(self, shape: Shape):
        def slot(name: str, on: bool, type_=String):
            return bindparam(name, type_=type_) if on else None

        self.path = slot("scope_path", shape.scoped)
        self.unit = self if shape.scoped else None
        self.position_type = slot("position_type", shape.position_type)
        self.rank = slot("rank", shape.rank)
        self.course_id = slot("course_id", shape.course_id, Integer)
        self.today = bindparam("today", type_=Date)
        self.period = (bindparam("start", type_=Date), bindparam("end", type_=Date))
        reference = None
        if shape.by_contract:
            reference = _Day(*(bindparam(f"ref_{n}", type_=Integer) for n in ("y", "m", "d")))
        self.jp_period = Period(bindparam("jp_start", type_=Date),
                                bindparam("jp_end", type_=Date), reference)  # fmt: skip


def values(unit: Unit | None, filters, today: date | None = None) -> dict:
    """The parameters of :class:`Slots` for one request (unset filters have no slot)."""
    period = filters.jp_period
    out = {
        "start": filters.period[0],
        "end": filters.period[1],
        "jp_start": period.start,
        "jp_end": period.end,
    }
    if today is not None:
        out["today"] = today
    if unit is not None:
        out["scope_path"] = subtree_pattern(unit.path)
    if given(filters.position_type):
        out["position_type"] = filters.position_type
    if given(filters.rank):
        out["rank"] = filters.rank
    if given(filters.course_id):
        out["course_id"] = filters.course_id
    if period.reference is not None:
        ref = period.reference
        out.update(ref_y=ref.year, ref_m=ref.month, ref_d=ref.day)
    return out
