"""What HR sees of activation: who is not yet activated, per unit (rolled up) and per person.

Read-only queries over users and account_tokens; the verbs (invite, links) are in
:mod:`lms.activation.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, func, or_, select

from lms.accounts.models import User
from lms.activation.models import AccountToken
from lms.activation.services import ACTIVATION, opens
from lms.extensions import db
from lms.org.models import Unit
from lms.reports.tree import roll_up, unit_tree

# -- per unit ---------------------------------------------------------------------------------


@dataclass
class Counts:
    """Activation figures of a unit (with its sub-units) or of a group of people."""

    key: int | None
    name: str
    people: int = 0
    activated: int = 0
    waiting: int = 0  # not activated
    invited: int = 0  # not activated, with an invitation that still opens
    no_email: int = 0  # not activated, no email: HR hands them a temporary password

    def add(self, other: Counts) -> None:
        self.people += other.people
        self.activated += other.activated
        self.waiting += other.waiting
        self.invited += other.invited
        self.no_email += other.no_email

    @property
    def not_invited(self) -> int:
        return self.waiting - self.invited - self.no_email

    @property
    def activated_pct(self) -> float | None:
        return 100.0 * self.activated / self.people if self.people else None


def counts_by_unit(unit: Unit | None, now: datetime) -> dict[int | None, Counts]:
    """Active people per unit id of ``unit``'s subtree (everyone for None): one grouped query."""
    waiting = User.activated_at.is_(None)
    no_email = func.coalesce(User.email, "") == ""
    # At most one open invitation per person (the pending index), so the join adds no rows.
    live = select(AccountToken.user_id).where(*opens(now, ACTIVATION)).subquery("live")
    invited = and_(waiting, ~no_email, live.c.user_id.is_not(None))
    query = (
        select(
            User.unit_id,
            func.count(User.id),
            func.count(User.activated_at),
            func.sum(case((waiting, 1), else_=0)),
            func.sum(case((invited, 1), else_=0)),
            func.sum(case((and_(waiting, no_email), 1), else_=0)),
        )
        .outerjoin(live, live.c.user_id == User.id)
        .where(User.active.is_(True))
    )
    if unit is not None:
        query = query.join(Unit, Unit.id == User.unit_id).where(
            Unit.path.startswith(unit.path, autoescape=True)
        )
    out = {}
    for unit_id, people, activated, waiting_n, invited, missing in db.session.execute(
        query.group_by(User.unit_id)
    ):
        out[unit_id] = Counts(
            unit_id, "", people, activated, waiting_n or 0, invited or 0, missing or 0
        )
    return out


def unit_rows(unit: Unit | None, now: datetime, direct_label: str) -> tuple[list[Counts], Counts]:
    """One row per direct sub-unit of ``unit`` (the OPDs for the province) with its whole
    subtree rolled up, a row for people directly in it (or without a unit), and the total."""
    return roll_up(unit_tree(unit), counts_by_unit(unit, now), direct_label, row=Counts)


STATUSES = ("waiting", "not_invited", "invited", "expired", "no_email")


def people_query(unit: Unit | None, now: datetime, status: str = "waiting") -> Select:
    """Active people not yet activated in ``unit``'s subtree (everyone for None), by status,
    each with the unit name and their latest invitation (for pages and streamed exports)."""
    pending = and_(AccountToken.revoked_at.is_(None), AccountToken.used_at.is_(None))
    latest = (
        select(
            AccountToken.user_id,
            func.max(AccountToken.created_at).label("sent_at"),
            # The pending invitation's expiry (at most one is pending): empty if none is.
            func.max(case((pending, AccountToken.expires_at), else_=None)).label("expires_at"),
        )
        .where(AccountToken.purpose == ACTIVATION)
        .group_by(AccountToken.user_id)
        .subquery("latest")
    )
    person_unit = Unit.__table__.alias("person_unit")
    no_email = func.coalesce(User.email, "") == ""
    query = (
        select(
            User.id,
            User.nip,
            User.full_name,
            User.position,
            User.position_type,
            User.rank,
            person_unit.c.name.label("unit"),
            User.email,
            latest.c.sent_at,
            latest.c.expires_at,
        )
        .outerjoin(person_unit, person_unit.c.id == User.unit_id)
        .outerjoin(latest, latest.c.user_id == User.id)
        .where(User.active.is_(True), User.activated_at.is_(None))
    )
    if unit is not None:
        query = query.where(person_unit.c.path.startswith(unit.path, autoescape=True))
    live = latest.c.expires_at > now
    if status == "no_email":
        query = query.where(no_email)
    elif status == "invited":
        query = query.where(~no_email, live)
    elif status == "expired":
        query = query.where(
            ~no_email,
            latest.c.sent_at.is_not(None),
            or_(latest.c.expires_at.is_(None), latest.c.expires_at <= now),
        )
    elif status == "not_invited":
        query = query.where(~no_email, latest.c.sent_at.is_(None))
    return query.order_by(person_unit.c.name, User.full_name, User.id)


def status_of(row, now: datetime) -> str:
    """One person's state on the way to activation: no_email, invited, expired or not_invited."""
    if not row.email:
        return "no_email"
    if row.expires_at is not None and row.expires_at > now:
        return "invited"
    return "expired" if row.sent_at is not None else "not_invited"
