"""The numbers behind every report, aggregated in SQL.

Everything is counted over *pairs*: a person and a course they are enrolled in. Every course
someone owes (assigned, or mandatory for everyone) is an enrolment carrying its deadline, made by
``apply_assignments``; each enrolment also carries its best score, so reports read enrolments
alone. Per pair: not started (no lesson done), in progress, completed, and
overdue (owed, deadline before today in WIB, not completed). Completion % is over what is owed
only: owed pairs completed over owed pairs (an owed pair is one with a deadline); a course taken
of one's own accord counts as completed but not in the rate, and with nothing owed there is no
rate (None, shown as "–"), never 100 %. Scores are each pair's best submitted attempt. JP are
those of completions whose WIB date falls in the chosen period (a calendar year by default).

Queries group by the person's unit (≤ a few thousand rows); :func:`lms.reports.tree.roll_up`
then folds units into the direct children of the unit asked about via the materialised path, so a
sub-unit's people count in every unit above it and nothing is queried per row. Row-by-row lists
(the people page, the people x courses export) are in :mod:`lms.reports.roster`, one person's
courses in :mod:`lms.reports.person`, the filters' choices in :mod:`lms.reports.choices`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, select

from lms.accounts.models import Role, User, UserRole
from lms.courses.jp import Period, counts_in
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.org.models import Unit
from lms.quiz.models import Attempt
from lms.quiz.services import awaiting_grade
from lms.reports.bound import Shape, Slots, given, in_subtree, run, values
from lms.reports.tree import roll_up, unit_tree


@dataclass
class Filters:
    """What a report is narrowed to; every field optional except the period."""

    year: int
    course_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    position_type: str | None = None
    rank: str | None = None
    #: The day the report is read (WIB): a PPPK's JP are those of the contract year running
    #: then (31 December for a year that is over). Not a filter: never in as_dict().
    today: date | None = None

    @property
    def jp_period(self) -> Period:
        """The JP period: a chosen date range for everyone, else the year by status (a PPPK
        with a contract start: the contract year, :mod:`lms.courses.jp`)."""
        if self.date_from or self.date_to:
            return Period(*self.period)
        return Period.year(self.year, self.today or date(self.year, 12, 31))

    @property
    def period(self) -> tuple[date, date]:
        """[start, end) of the period for JP and completions."""
        if self.date_from or self.date_to:
            start = self.date_from or date(1900, 1, 1)
            end = date.fromordinal((self.date_to or date(9999, 12, 30)).toordinal() + 1)
            return start, end
        return date(self.year, 1, 1), date(self.year + 1, 1, 1)

    def as_dict(self) -> dict:
        """For the audit log and export file names: only what was set."""
        out = {}
        for f in fields(self):
            if f.name == "today":
                continue
            value = getattr(self, f.name)
            if value not in (None, ""):
                out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out


# -- building blocks ------------------------------------------------------------------------------


def person_columns(person_unit) -> tuple:
    """A person's columns in a report listing (id, name, NIP, position, position type, rank and
    the name of their unit, ``person_unit`` being an alias of Unit joined on the person)."""
    return (
        User.id,
        User.full_name,
        User.nip,
        User.position,
        User.position_type,
        User.rank,
        person_unit.name.label("unit"),
    )


def people(unit: Unit | None, filters: Filters, user_id: int | None = None) -> Select:
    """Active learners in ``unit``'s subtree (everyone for None), with the person filters."""
    query = select(
        User.id.label("user_id"),
        User.unit_id.label("unit_id"),
        User.employment.label("employment"),
        User.contract_start.label("contract_start"),
    )
    if user_id is not None:  # one person's own report: whatever their status
        query = query.where(User.id == user_id)
    else:
        query = query.join(
            UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.LEARNER.value)
        ).where(User.active.is_(True))
    if unit is not None:  # units first: SQLite would otherwise scan every person
        query = query.where(User.unit_id.in_(select(Unit.id).where(in_subtree(unit.path))))
    if given(filters.position_type):
        query = query.where(User.position_type == filters.position_type)
    if given(filters.rank):
        query = query.where(User.rank == filters.rank)
    return query


def pairs(unit: Unit | None, filters: Filters, user_id: int | None = None) -> Select:
    """One row per (person in scope, course enrolled), with what reports need of it.

    Every owed course is an enrolment carrying its deadline (kept by
    :func:`lms.assignments.coverage.apply_assignments`), and every enrolment carries its best
    score (kept when an attempt is graded), so this is a plain join of enrolments to the people
    in scope. ``attempts`` and ``passed`` are empty for a pair without a submitted attempt.
    """
    scope = people(unit, filters, user_id).subquery("scope")
    jp_counts = counts_in(
        Enrollment.completed_on, scope.c.employment, scope.c.contract_start, filters.jp_period
    )
    attempted = Enrollment.attempts > 0
    # An essay waiting for a person's grade ("menunggu penilaian"), counted apart from the rest.
    awaiting = exists().where(Attempt.enrollment_id == Enrollment.id, awaiting_grade())
    query = select(
        Enrollment.user_id,
        Enrollment.course_id,
        scope.c.unit_id,
        Enrollment.id.label("enrollment_id"),
        Enrollment.last_activity_at,
        Enrollment.completed_at,
        Enrollment.completed_on,
        case((jp_counts, Enrollment.jp_earned), else_=0).label("jp"),
        Enrollment.deadline,
        Enrollment.best_score.label("best"),
        case((attempted, Enrollment.attempts), else_=None).label("attempts"),
        case((attempted, case((Enrollment.quiz_passed.is_(True), 1), else_=0)), else_=None).label(
            "passed"
        ),
        case((and_(attempted, awaiting), 1), else_=0).label("awaiting"),
    ).join(scope, scope.c.user_id == Enrollment.user_id)
    if given(filters.course_id):
        query = query.where(Enrollment.course_id == filters.course_id)
    return query


def figure_columns(p, today: date) -> list:
    """The conditional sums that turn pairs into report figures (labels = Figures fields)."""
    done = p.c.completed_at.is_not(None)
    started = p.c.last_activity_at.is_not(None)

    def count_if(condition, label):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(label)

    return [
        func.count().label("pairs"),
        count_if(p.c.deadline.is_not(None), "assigned"),
        count_if(and_(~done, ~started), "not_started"),
        count_if(and_(~done, started, p.c.awaiting == 0), "in_progress"),
        count_if(and_(~done, p.c.awaiting == 1), "awaiting_grade"),
        count_if(done, "completed"),
        count_if(and_(p.c.deadline.is_not(None), done), "assigned_completed"),
        count_if(and_(p.c.deadline < today, ~done), "overdue"),
        func.coalesce(func.sum(p.c.best), 0).label("score_sum"),
        func.count(p.c.best).label("score_n"),
        func.coalesce(func.sum(p.c.attempts), 0).label("attempts_sum"),
        func.count(p.c.attempts).label("attempted"),
        func.coalesce(func.sum(p.c.passed), 0).label("passed"),
        func.coalesce(func.sum(p.c.jp), 0).label("jp"),
    ]


FIGURE_FIELDS = [
    "pairs",
    "assigned",
    "not_started",
    "in_progress",
    "awaiting_grade",
    "completed",
    "assigned_completed",
    "overdue",
    "score_sum",
    "score_n",
    "attempts_sum",
    "attempted",
    "passed",
    "jp",
]


@dataclass
class Figures:
    """The figures of one report row; sums, so rows add up when units roll up."""

    key: object = None
    name: str = ""
    people: int = 0
    pairs: int = 0
    assigned: int = 0
    not_started: int = 0
    in_progress: int = 0
    #: Handed in, an essay still waiting for a person's grade (lms/teaching): not in in_progress.
    awaiting_grade: int = 0
    completed: int = 0
    #: Completed pairs among the owed ones (``assigned``): the numerator of the rate.
    assigned_completed: int = 0
    overdue: int = 0
    score_sum: float = 0.0
    score_n: int = 0
    attempts_sum: int = 0
    attempted: int = 0
    passed: int = 0
    jp: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, other: Figures | dict) -> None:
        get = other.get if isinstance(other, dict) else lambda k, d=0: getattr(other, k)
        for name in ("people", *FIGURE_FIELDS):
            setattr(self, name, getattr(self, name) + (get(name, 0) or 0))

    @property
    def completion_pct(self) -> float | None:
        """Owed courses completed, in % of owed courses; None when nothing is owed."""
        if not self.assigned:
            return None
        return round(100 * self.assigned_completed / self.assigned, 1)

    @property
    def avg_score(self) -> float | None:
        return round(self.score_sum / self.score_n, 1) if self.score_n else None

    @property
    def pass_rate(self) -> float | None:
        return round(100 * self.passed / self.attempted, 1) if self.attempted else None

    @property
    def avg_attempts(self) -> float | None:
        return round(self.attempts_sum / self.attempted, 2) if self.attempted else None

    @property
    def jp_per_person(self) -> float | None:
        return round(self.jp / self.people, 1) if self.people else None


SORT_KEYS = [
    "name",
    "people",
    "pairs",
    "assigned",
    "not_started",
    "in_progress",
    "awaiting_grade",
    "completed",
    "overdue",
    "completion_pct",
    "avg_score",
    "pass_rate",
    "avg_attempts",
    "jp",
    "jp_per_person",
]


def sort_rows(rows: list[Figures], key: str, desc: bool) -> list[Figures]:
    """Sort by a whitelisted key; empty values last either way."""
    key = key if key in SORT_KEYS else "name"
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    if key == "name":
        present.sort(key=lambda r: r.name.casefold(), reverse=desc)
    else:
        present.sort(key=lambda r: (getattr(r, key), r.name.casefold()), reverse=desc)
    return present + missing


# -- unit report ----------------------------------------------------------------------------------


@functools.cache
def _unit_statements(shape: Shape) -> tuple[Select, Select]:
    """The figures per unit and the people per unit for ``shape``, built once per process."""
    slots = Slots(shape)
    p = pairs(slots.unit, slots).subquery("p")
    figures = select(p.c.unit_id, *figure_columns(p, slots.today)).group_by(p.c.unit_id)
    scope = people(slots.unit, slots).subquery("s")
    return figures, select(scope.c.unit_id, func.count()).group_by(scope.c.unit_id)


def figures_by_unit(unit: Unit | None, filters: Filters, today: date) -> dict[int | None, dict]:
    """Figures per unit id (of the person), plus ``people`` per unit: two grouped queries."""
    figures, people_per_unit = _unit_statements(Shape.of(unit, filters))
    params = values(unit, filters, today)
    out: dict[int | None, dict] = {}
    for row in run(figures, params).mappings():
        out[row["unit_id"]] = dict(row)
    for unit_id, n in run(people_per_unit, params):
        out.setdefault(unit_id, {})["people"] = n
    return out


def unit_report(unit: Unit | None, filters: Filters, today: date, direct_label: str):
    """Rows (children of ``unit``, each with its subtree) and the total of the whole subtree."""
    tree = unit_tree(unit)
    return roll_up(tree, figures_by_unit(unit, filters, today), direct_label, row=Figures)


# -- course report --------------------------------------------------------------------------------


def course_report(
    unit: Unit | None, filters: Filters, today: date
) -> tuple[list[Figures], Figures]:
    """One row per course that anyone in scope takes or owes, with quiz figures."""
    p = pairs(unit, filters).subquery("p")
    people_in_course = func.count(func.distinct(p.c.user_id)).label("people")
    rows = db.session.execute(
        select(p.c.course_id, people_in_course, *figure_columns(p, today)).group_by(p.c.course_id)
    ).mappings()
    by_course = {r["course_id"]: dict(r) for r in rows}
    courses = db.session.execute(
        select(Course.id, Course.title, Course.jp).where(Course.id.in_(list(by_course)))
    ).all()
    out, total = [], Figures(name="")
    for cid, title, jp in courses:
        row = Figures(key=cid, name=title, extra={"jp": jp})
        row.add(by_course[cid])
        total.add(by_course[cid])
        out.append(row)
    scope = people(unit, filters).subquery("s")
    total.people = db.session.scalar(select(func.count()).select_from(scope)) or 0
    return out, total


# -- completions over time ------------------------------------------------------------------------


@functools.cache
def _completions_statement(shape: Shape) -> Select:
    """Completions per (year, month) in the period for ``shape``, built once per process."""
    slots = Slots(shape)
    start, end = slots.period
    scope = select(people(slots.unit, slots).subquery().c.user_id)
    year = func.extract("year", Enrollment.completed_on)
    month = func.extract("month", Enrollment.completed_on)
    query = (
        select(year, month, func.count())
        .where(
            Enrollment.completed_on >= start,
            Enrollment.completed_on < end,
            Enrollment.user_id.in_(scope),
        )
        .group_by(year, month)
    )
    if shape.course_id:
        query = query.where(Enrollment.course_id == slots.course_id)
    return query


def completions_by_month(unit: Unit | None, filters: Filters) -> list[tuple[date, int]]:
    """Completions per month of the period (every month listed, zeros included)."""
    start, end = filters.period
    query = _completions_statement(Shape.of(unit, filters))
    params = values(unit, filters)
    counts = {(int(y), int(m)): n for y, m, n in run(query, params)}
    if not counts and (end - start).days > 3700:
        return []
    first = (
        date(start.year, start.month, 1)
        if start.year > 1900
        else min((date(y, m, 1) for y, m in counts), default=date(end.year, 1, 1))
    )
    months, cursor = [], first
    last = date.fromordinal(end.toordinal() - 1)
    while cursor <= last and len(months) < 120:
        months.append((cursor, counts.get((cursor.year, cursor.month), 0)))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def stream(query, chunk: int = 2000) -> Iterator:
    """Rows of ``query`` fetched in chunks (a server-side cursor on PostgreSQL)."""
    result = db.session.execute(query.execution_options(yield_per=chunk))
    yield from result
    result.close()
