"""The reminder engine's side of a rule: what a rule returns, how it registers, and helpers.

Each feature keeps its rules in ``lms/<feature>/reminders.py`` and registers them with
:func:`rule`. A rule finds its candidates set-based in SQL and leaves out, in that same query,
the keys that exist already (:func:`fresh`): a run with nothing new reads and writes almost
nothing. It yields either :class:`Batch` (the same words for everyone a select finds: all of a
rule's batches are created by one ``INSERT ... SELECT``, which leaves out existing keys itself)
or :class:`Due` (words per row: rendered in Python, for new rows only).

The key (person, rule, subject, period) decides whether a reminder already exists. Periods are
windows, not single days, so a run that was missed (the server was down at 07.00) still sends
the reminder of that window later, and only once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps

from flask import current_app
from sqlalchemy import Select, case, exists, func, select

from lms.extensions import db
from lms.org.models import Unit
from lms.reminders.models import Notification
from lms.sql import int_table


@dataclass
class Due:
    user_id: int
    key: str
    category: str
    rule: str
    title: str
    body: str
    url: str
    data: dict | None = field(default=None)


@dataclass
class Batch:
    """One reminder with the same words for each row of ``people``.

    ``people`` selects two columns, the person's id and the key (built in SQL with
    :func:`lms.sql.concat`). The engine leaves out the keys that exist already, once for all of
    a rule's batches (:func:`lms.reminders.services.record_batches`).
    """

    people: Select
    category: str
    rule: str
    title: str
    body: str
    url: str


Rule = Callable[[datetime], Iterator[Due | Batch]]
RULES: dict[str, Rule] = {}


@dataclass(frozen=True)
class RuleInfo:
    """What the admin page says about a rule: its name and one line on what it does."""

    label: object
    about: object


#: Rule name -> its Indonesian name and description (lazy strings: read in the page's language).
RULE_INFO: dict[str, RuleInfo] = {}


@dataclass(frozen=True)
class Step:
    """A step of a full run before the rules: ``fn(now)`` does it all and returns a count.
    With ``parts``, the step can be split: ``parts(n)`` lists at most ``n`` independent parts
    (e.g. groups of courses) and ``fn(now, part)`` does one; on PostgreSQL the engine runs them
    side by side."""

    fn: Callable[..., int]
    parts: Callable[[int], list] | None = None


#: Steps run before the rules of a full run (name -> :class:`Step`), e.g. the courses' daily
#: pass that enrols people their assignments now cover.
BEFORE_RUN: dict[str, Step] = {}


#: Rules run after all others (the digests, which sum up), whatever the order of registration.
LAST: set[str] = set()


def rule(name: str, label, about, *, last: bool = False) -> Callable[[Rule], Rule]:
    """Register a rule with the name and the line the admin reads on the reminders page."""

    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        RULE_INFO[name] = RuleInfo(label, about)
        if last:
            LAST.add(name)
        return fn

    return register


def in_order() -> list[tuple[str, Rule]]:
    """The rules in the order a run takes them: as registered, the ``last`` ones at the end."""
    return sorted(RULES.items(), key=lambda item: item[0] in LAST)


def fresh(key) -> object:
    """The SQL condition "no reminder with this key exists yet" (``key`` a SQL expression)."""
    return ~exists().where(Notification.key == key)


# -- once per run ------------------------------------------------------------------------------

_RUN: ContextVar[dict | None] = ContextVar("reminder_run", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """Within this block, functions marked :func:`once_per_run` compute their answer once."""
    token = _RUN.set({})
    try:
        yield
    finally:
        _RUN.reset(token)


def once_per_run(fn: Callable[[], object]) -> Callable[[], object]:
    """Compute ``fn()`` once per reminder run (every call outside a run computes it afresh)."""

    @wraps(fn)
    def cached():
        memo = _RUN.get()
        if memo is None:
            return fn()
        if fn not in memo:
            memo[fn] = fn()
        return memo[fn]

    return cached


# -- windows and periods -----------------------------------------------------------------------


def before_window(days_left: int, thresholds: list[int]) -> int | None:
    """The reminder window ``days_left`` falls in: 14 for 14..8 days, 7 for 7..2, 1 for 1..0."""
    for i, threshold in enumerate(thresholds):
        following = thresholds[i + 1] if i + 1 < len(thresholds) else -1
        if following < days_left <= threshold:
            return threshold
    return None


def windows(thresholds: list[int]) -> Iterator[tuple[int, int, int]]:
    """(window, fewest days left, most days left) of each window, for a query per window."""
    for i, threshold in enumerate(thresholds):
        following = thresholds[i + 1] if i + 1 < len(thresholds) else -1
        yield threshold, following + 1, threshold


def overdue_period(days_over):
    """Weekly while overdue: days 1..7 are period 0, 8..14 period 1, and so on.

    ``days_over`` may be a number or a SQL integer expression (then so is the answer).
    """
    return (days_over - 1) // current_app.config["REMIND_OVERDUE_EVERY_DAYS"]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# -- escalation along the chain ----------------------------------------------------------------


def heads_by_unit(seats: dict[int, int] | None = None) -> dict[int, int]:
    """For each unit, who receives escalations: its head, or the nearest head above it.

    ``seats``, when given, is filled with the unit each of those heads heads (whose report
    lists the person), for the link of an escalation. Rules join :func:`escalation_table`
    instead, in SQL.
    """
    units = db.session.execute(select(Unit.id, Unit.parent_id, Unit.head_id)).all()
    parent = {u: p for u, p, _ in units}
    head = {u: h for u, _, h in units}
    resolved: dict[int, int] = {}
    for unit in parent:
        cursor, seen = unit, set()
        while cursor is not None and cursor not in seen and head.get(cursor) is None:
            seen.add(cursor)
            cursor = parent.get(cursor)
        if cursor is not None and head.get(cursor):
            resolved[unit] = head[cursor]
            if seats is not None:
                seats[unit] = cursor
    return resolved


def escalation_table():
    """The escalation chain as a table for SQL: per unit, its head, the head one level up (who
    hears of the head's own work) and the unit each of them heads (for the report link).

    Columns ``unit_id, head_id, seat_id, up_head_id, up_seat_id``; computed once per run from
    the unit tree, then joined in the rules' queries (:func:`escalated_to`); sent in a fixed
    number of parameters, however many units there are (:func:`lms.sql.int_table`).
    """
    return _escalation_table()


@once_per_run
def _escalation_table():
    seats: dict[int, int] = {}
    heads = heads_by_unit(seats)
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    rows = []
    for unit, head in heads.items():
        up = parents.get(unit)
        # 0 stands for "nobody above": a NULL would leave PostgreSQL to guess the column's type
        rows.append((unit, head, seats[unit], heads.get(up, 0), seats.get(up, 0)))
    names = ["unit_id", "head_id", "seat_id", "up_head_id", "up_seat_id"]
    return int_table("chain", names, rows or [(0, 0, 0, 0, 0)])


def escalated_to(chain, person) -> tuple[object, object]:
    """(head, seat): who hears of ``person``'s overdue work in SQL, joined with ``chain`` on
    the person's unit; the head's own work goes one level up (NULL when nobody is above)."""
    own = chain.c.head_id == person
    return (
        case((own, func.nullif(chain.c.up_head_id, 0)), else_=chain.c.head_id),
        case((own, func.nullif(chain.c.up_seat_id, 0)), else_=chain.c.seat_id),
    )


#: Each section gives figures for one unit's head digest (:mod:`lms.reminders.digests`);
#: "lines" are shown as they are. Features append theirs (action plans, the AI register).
DIGEST_SECTIONS: list[Callable[[Unit, date], dict]] = []
#: Like ``DIGEST_SECTIONS``, for many units at once: ``fn(units, today)`` gives
#: ``{unit_id: figures}`` (one or two grouped queries, not one per unit). Run first.
DIGEST_TABLES: list[Callable[[list[Unit], date], dict[int, dict]]] = []
#: Each section gives lines of HR's weekly digest, from features that have overdue work.
HR_SECTIONS: list[Callable[[datetime], list[str]]] = []
