"""How a person's JP are counted: by the rule of their employment status.

A **PNS** has the right to at least 20 JP of competency development per calendar year
(PP 11/2017 as amended by PP 17/2020): below 20 is "below target". A **PPPK** is given at most
24 JP per *contract year* (PP 49/2018 Pasal 40), counted from the anniversary of the contract's
start: a ceiling, never a target, so a PPPK is never "below 20". A PPPK whose contract start is
not known is counted per calendar year until HR fills it in.

Everything here works on columns as well as on values, so reports count JP by status for any
number of people in one aggregated query, on SQLite and PostgreSQL alike: a date is compared as
the integer ``year * 10000 + month * 100 + day``, which also makes the anniversary of a
29 February contract fall between 28 February and 1 March without building a date in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select

from lms.courses.models import Enrollment
from lms.extensions import db

#: PNS: at least this many JP per calendar year.
PNS_TARGET = 20
#: PPPK: at most this many JP per contract year.
PPPK_CEILING = 24
PNS, PPPK = "PNS", "PPPK"


@dataclass(frozen=True)
class Period:
    """The period JP are counted in.

    ``start``/``end`` ([start, end)) is the calendar period: a PNS's, and a PPPK's without a
    contract start. With ``reference`` set, a PPPK with a contract start is counted in the
    contract year running on that day instead; without it (a date range chosen in a report)
    the range applies to everyone.
    """

    start: date
    end: date
    reference: date | None = None

    @classmethod
    def year(cls, year: int, today: date) -> Period:
        """Calendar year ``year``; PPPK by the contract year running on ``today`` (for the
        current year) or on 31 December (for a year that is over)."""
        last = date(year, 12, 31)
        return cls(date(year, 1, 1), date(year + 1, 1, 1), min(today, last))

    def bounds(self) -> tuple[date, date]:
        """Completion dates outside these never count, whatever the status (for an index)."""
        if self.reference is None:
            return self.start, self.end
        return (
            min(self.start, self.reference - timedelta(days=366)),
            max(self.end, self.reference + timedelta(days=367)),
        )


def _key(day) -> object:
    """A date column as the integer YYYYMMDD (portable: EXTRACT on both databases)."""
    return (
        func.extract("year", day) * 10000
        + func.extract("month", day) * 100
        + func.extract("day", day)
    )


def _day_key(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def contract_year_keys(contract_start, reference: date) -> tuple[object, object]:
    """[start, end) of the contract year running on ``reference``, as YYYYMMDD expressions.

    Before the contract began, its first year is taken.
    """
    month_day = func.extract("month", contract_start) * 100 + func.extract("day", contract_start)
    ref_md = reference.month * 100 + reference.day
    start_year = case((month_day <= ref_md, reference.year), else_=reference.year - 1)
    started = _key(contract_start)
    start = case((started > _day_key(reference), started), else_=start_year * 10000 + month_day)
    return start, start + 10000


def counts_in(done, employment, contract_start, period: Period):
    """Whether a completion on ``done`` counts in ``period`` for a person of that status."""
    calendar = and_(done >= period.start, done < period.end)
    if period.reference is None:
        return calendar
    start, end = contract_year_keys(contract_start, period.reference)
    key = _key(done)
    by_contract = and_(employment == PPPK, contract_start.is_not(None))
    return or_(
        and_(by_contract, key >= start, key < end),
        and_(~by_contract, calendar),
    )


# -- one person -----------------------------------------------------------------------------------


def contract_year(contract_start: date, day: date) -> tuple[date, date]:
    """[start, end) of the contract year running on ``day`` (its first year before it began)."""
    if day < contract_start:
        return contract_start, _anniversary(contract_start, 1)
    years = day.year - contract_start.year
    if (day.month, day.day) < (contract_start.month, contract_start.day):
        years -= 1
    return _anniversary(contract_start, years), _anniversary(contract_start, years + 1)


def _anniversary(start: date, years: int) -> date:
    """``start`` plus whole years; 29 February becomes 1 March in other years (as in SQL)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def by_contract(user) -> bool:
    """Whether the person's JP are counted per contract year."""
    return user.employment == PPPK and user.contract_start is not None


def current_period(user, today: date) -> tuple[date, date]:
    """[start, end) of the person's current JP period: contract year or calendar year."""
    if by_contract(user):
        return contract_year(user.contract_start, today)
    return date(today.year, 1, 1), date(today.year + 1, 1, 1)


def earned_between(user_id: int, start: date, end: date) -> int:
    """JP the person earned by completions dated in [start, end)."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(Enrollment.jp_earned), 0)).where(
                Enrollment.user_id == user_id,
                Enrollment.completed_on >= start,
                Enrollment.completed_on < end,
            )
        )
        or 0
    )


def standing(user, today: date, earned: int | None = None) -> dict:
    """The person's JP now, against the rule of their status: for dashboards and reminders.

    ``limit`` is the PNS target or the PPPK ceiling; ``below`` is only ever true for a PNS.
    ``earned``: the JP of :func:`current_period` when the caller already summed them (no query).
    """
    start, end = current_period(user, today)
    jp = earned_between(user.id, start, end) if earned is None else earned
    pppk = user.employment == PPPK
    limit = PPPK_CEILING if pppk else PNS_TARGET
    return {
        "employment": PPPK if pppk else PNS,
        "by_contract": by_contract(user),
        "start": start,
        "last": end - timedelta(days=1),
        "jp": jp,
        "limit": limit,
        "ceiling": pppk,
        "below": not pppk and jp < PNS_TARGET,
        "pct": min(100, round(100 * jp / limit)),
    }


def periods(user, today: date, done: dict[date, int]) -> list[dict]:
    """The person's JP per period, newest first, from ``done`` (completion day -> JP).

    A PNS: per calendar year. A PPPK with a contract start: per contract year, from the first
    to the current one. Each row: start, last day, JP, limit, whether it is a ceiling.
    """
    pppk = user.employment == PPPK
    limit = PPPK_CEILING if pppk else PNS_TARGET
    spans: list[tuple[date, date]] = []
    if by_contract(user):
        start, end = contract_year(user.contract_start, user.contract_start)
        while start <= today or not spans:
            spans.append((start, end))
            start, end = end, _anniversary(user.contract_start, len(spans) + 1)
    else:
        years = {d.year for d in done} | {today.year}
        spans = [(date(y, 1, 1), date(y + 1, 1, 1)) for y in sorted(years)]
    rows = []
    for start, end in reversed(spans):
        jp = sum(n for day, n in done.items() if start <= day < end)
        rows.append(
            {
                "start": start,
                "last": end - timedelta(days=1),
                "year": start.year if not by_contract(user) else None,
                "jp": jp,
                "limit": limit,
                "ceiling": pppk,
                "below": not pppk and jp < PNS_TARGET,
            }
        )
    return rows


def completions(user_id: int) -> dict[date, int]:
    """JP per completion day of one person (one grouped query)."""
    rows = db.session.execute(
        select(Enrollment.completed_on, func.sum(Enrollment.jp_earned))
        .where(Enrollment.user_id == user_id, Enrollment.completed_on.is_not(None))
        .group_by(Enrollment.completed_on)
    ).all()
    return {day: int(jp or 0) for day, jp in rows}
