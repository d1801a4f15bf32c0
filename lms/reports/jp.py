"""The JP report: each person's JP against the rule of their status, aggregated in SQL.

A PNS is counted per calendar year against the target of 20 JP and is "below target" under it; a
PPPK with a contract start is counted per contract year against the ceiling of 24 JP and is never
"below" anything (:mod:`lms.courses.jp`). Each function is one query for any number of people,
the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.courses.jp import PNS_TARGET, PPPK, PPPK_CEILING, contract_year, counts_in
from lms.courses.models import Enrollment
from lms.extensions import db
from lms.i18n import gettext as _
from lms.org.models import Unit
from lms.reports.services import Filters, people, person_columns
from lms.reports.tree import roll_up, unit_tree


def jp_per_person(unit: Unit | None, filters: Filters) -> Select:
    """(user_id, unit_id, employment, contract_start, jp): JP of each person in scope, in
    their period (:attr:`Filters.jp_period`)."""
    period = filters.jp_period
    low, high = period.bounds()
    scope = people(unit, filters).subquery("s")
    counted = counts_in(Enrollment.completed_on, scope.c.employment, scope.c.contract_start, period)
    jp = func.coalesce(func.sum(case((counted, Enrollment.jp_earned), else_=0)), 0)
    return (
        select(
            scope.c.user_id,
            scope.c.unit_id,
            scope.c.employment,
            scope.c.contract_start,
            jp.label("jp"),
        )
        .select_from(scope)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.user_id == scope.c.user_id,
                Enrollment.completed_on >= low,
                Enrollment.completed_on < high,
            ),
        )
        .group_by(scope.c.user_id, scope.c.unit_id, scope.c.employment, scope.c.contract_start)
    )


@dataclass
class JpRow:
    """One row of the JP table (a unit with its subtree); sums, so units roll up."""

    key: object = None
    name: str = ""
    people: int = 0
    pns: int = 0
    #: PNS under the 20-JP target.
    below: int = 0
    pns_jp: int = 0
    pppk: int = 0
    #: PPPK who reached the 24-JP ceiling of their contract year.
    at_ceiling: int = 0
    pppk_jp: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, other: dict) -> None:
        for f in fields(self):
            if f.name not in ("key", "name", "extra"):
                setattr(self, f.name, getattr(self, f.name) + (other.get(f.name) or 0))

    @property
    def jp(self) -> int:
        return self.pns_jp + self.pppk_jp

    @property
    def pns_average(self) -> float | None:
        return round(self.pns_jp / self.pns, 1) if self.pns else None

    @property
    def pppk_average(self) -> float | None:
        return round(self.pppk_jp / self.pppk, 1) if self.pppk else None


def _sum_if(condition, value=1):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


_COUNTS = ("people", "pns", "below", "pns_jp", "pppk", "at_ceiling", "pppk_jp")


def _counts(j) -> list:
    """The sums of :class:`JpRow` (in ``_COUNTS`` order) over people with their JP ``j``."""
    pppk = j.c.employment == PPPK
    return [
        func.count(),
        _sum_if(~pppk),
        _sum_if(and_(~pppk, j.c.jp < PNS_TARGET)),
        _sum_if(~pppk, j.c.jp),
        _sum_if(pppk),
        _sum_if(and_(pppk, j.c.jp >= PPPK_CEILING)),
        _sum_if(pppk, j.c.jp),
    ]


#: (low, high, label) per bucket; high None means "and more". The PNS buckets end at the target,
#: the PPPK buckets at the ceiling.
PNS_BUCKETS = ((0, 0, "0"), (1, 9, "1–9"), (10, 19, "10–19"), (20, None, "20+"))
PPPK_BUCKETS = ((0, 0, "0"), (1, 11, "1–11"), (12, 23, "12–23"), (24, None, "24+"))


def _buckets(j) -> list[tuple[str, str, object]]:
    """(status, label, conditional sum) for every histogram bucket of both statuses."""
    pppk = j.c.employment == PPPK
    out = []
    for status, condition, buckets in (("PNS", ~pppk, PNS_BUCKETS), ("PPPK", pppk, PPPK_BUCKETS)):
        for low, high, label in buckets:
            within = j.c.jp >= low if high is None else and_(j.c.jp >= low, j.c.jp <= high)
            out.append((status, label, _sum_if(and_(condition, within))))
    return out


def _histogram(keys: list[tuple[str, str]], counts) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {"PNS": [], "PPPK": []}
    for (status, label), n in zip(keys, counts, strict=True):
        out[status].append((label, int(n or 0)))
    return out


def jp_histogram(unit: Unit | None, filters: Filters) -> dict[str, list[tuple[str, int]]]:
    """How many PNS and how many PPPK fall in each JP bucket of their rule: one query."""
    j = jp_per_person(unit, filters).subquery("j")
    buckets = _buckets(j)
    counts = db.session.execute(select(*(column for *_key, column in buckets))).one()
    return _histogram([(status, label) for status, label, _c in buckets], counts)


def jp_report(unit: Unit | None, filters: Filters, direct_label: str):
    """The JP page's figures in one grouped query: the unit rows and total of
    :func:`jp_by_unit` and the histograms of :func:`jp_histogram` (summed over the units)."""
    j = jp_per_person(unit, filters).subquery("j")
    buckets = _buckets(j)
    query = select(j.c.unit_id, *_counts(j), *(column for *_key, column in buckets)).group_by(
        j.c.unit_id
    )
    by_unit, sums = {}, [0] * len(buckets)
    for row in db.session.execute(query):
        values = [int(v or 0) for v in row[1:]]
        by_unit[row[0]] = dict(zip(_COUNTS, values, strict=False))
        sums = [a + b for a, b in zip(sums, values[len(_COUNTS) :], strict=True)]
    rows, total = roll_up(unit_tree(unit), by_unit, direct_label, row=JpRow)
    return rows, total, _histogram([(status, label) for status, label, _c in buckets], sums)


def jp_by_unit(unit: Unit | None, filters: Filters, direct_label: str):
    """Per child unit (with its subtree) and in total: PNS, PNS below 20 JP, PPPK, PPPK at the
    24-JP ceiling, and JP of each. One grouped query, then the units roll up."""
    j = jp_per_person(unit, filters).subquery("j")
    query = select(j.c.unit_id, *_counts(j)).group_by(j.c.unit_id)
    by_unit = {
        row[0]: dict(zip(_COUNTS, (int(v or 0) for v in row[1:]), strict=True))
        for row in db.session.execute(query)
    }
    return roll_up(unit_tree(unit), by_unit, direct_label, row=JpRow)


def totals(unit: Unit | None, filters: Filters) -> JpRow:
    """The same sums for a whole subtree (or the province) in one query, without the units."""
    j = jp_per_person(unit, filters).subquery("j")
    row = JpRow()
    values = db.session.execute(select(*_counts(j))).one()
    row.add(dict(zip(_COUNTS, (int(v or 0) for v in values), strict=True)))
    return row


def summary_lines(today: date) -> list[str]:
    """Lines for HR's monthly summary: PNS below the target this calendar year; PPPK counted
    against their ceiling, never as below anything."""
    row = totals(None, Filters(year=today.year, today=today))
    return [
        _(
            "PNS di bawah %(target)d JP tahun ini: %(n)d dari %(total)d",
            target=PNS_TARGET,
            n=row.below,
            total=row.pns,
        ),
        _(
            "PPPK yang mencapai batas %(ceiling)d JP tahun kontraknya: %(n)d dari %(total)d",
            ceiling=PPPK_CEILING,
            n=row.at_ceiling,
            total=row.pppk,
        ),
    ]


def _listing(unit: Unit | None, filters: Filters):
    j = jp_per_person(unit, filters).subquery("j")
    person_unit = aliased(Unit, name="person_unit")
    query = (
        select(
            *person_columns(person_unit),
            j.c.employment,
            j.c.contract_start,
            j.c.jp,
        )
        .select_from(j)
        .join(User, User.id == j.c.user_id)
        .outerjoin(person_unit, person_unit.id == User.unit_id)
    )
    return j, person_unit, query


def below_target_query(unit: Unit | None, filters: Filters, sort: str, desc: bool):
    """PNS below 20 JP in the period, with their unit: for the list and its export. A PPPK is
    never listed: 24 JP is their ceiling, not a target."""
    j, person_unit, query = _listing(unit, filters)
    columns = {"name": User.full_name, "unit": person_unit.name, "jp": j.c.jp, "nip": User.nip}
    order = columns.get(sort, j.c.jp)
    return (
        query.add_columns((PNS_TARGET - j.c.jp).label("short"))
        .where(j.c.employment != PPPK, j.c.jp < PNS_TARGET)
        .order_by(order.desc() if desc else order.asc(), User.full_name, User.id)
    )


def everyone_query(unit: Unit | None, filters: Filters):
    """Every person in scope with status and JP, by unit and name: for the full JP export."""
    _j, person_unit, query = _listing(unit, filters)
    return query.order_by(person_unit.name, User.full_name, User.id)


def period_of(row, filters: Filters):
    """(first day, last day) of the period a row's JP are counted in (no query)."""
    period = filters.jp_period
    if period.reference is not None and row.employment == PPPK and row.contract_start:
        start, end = contract_year(row.contract_start, period.reference)
    else:
        start, end = period.start, period.end
    return start, end - timedelta(days=1)
