"""Reading action plans: a unit's items, a person's items and panel, roll-ups per unit with
the overdue count, and which units a person may see."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased, raiseload, selectinload

from lms.accounts.models import User
from lms.actions.models import (
    ActionItem,
    Status,
    action_item_co_owners,
)
from lms.extensions import db
from lms.org.models import Unit
from lms.policy import headed_paths, is_staff

# -- overdue --------------------------------------------------------------------------------------


def overdue_clause(today: date):
    """SQL: past the WIB due date, neither accepted as done nor cancelled."""
    accepted = and_(ActionItem.status == Status.DONE.value, ActionItem.accepted_at.is_not(None))
    return and_(
        ActionItem.due_date < today,
        ActionItem.status != Status.CANCELLED.value,
        ~accepted,
    )


def open_clause():
    """SQL: still needs work by its owner (not done, not cancelled)."""
    return ActionItem.status.in_([Status.DRAFT, Status.IN_PROGRESS, Status.BLOCKED])


# -- queries --------------------------------------------------------------------------------------


def item_query():
    """A select of items with what lists show, loaded without N+1."""
    return select(ActionItem).options(
        selectinload(ActionItem.owner),
        selectinload(ActionItem.co_owners),
        selectinload(ActionItem.unit),
        selectinload(ActionItem.program),
    )


def unit_items(
    unit: Unit, program_id: int | None = None, status: str | None = None
) -> list[ActionItem]:
    """The items of ``unit`` itself (not its sub-units), by due date."""
    query = item_query().where(ActionItem.unit_id == unit.id)
    if program_id:
        query = query.where(ActionItem.program_id == program_id)
    if status == "overdue":
        pass  # filtered by the caller, which knows today's WIB date
    elif status == "accepted":
        query = query.where(
            ActionItem.status == Status.DONE.value, ActionItem.accepted_at.is_not(None)
        )
    elif status == "review":
        query = query.where(
            ActionItem.status == Status.DONE.value, ActionItem.accepted_at.is_(None)
        )
    elif status in set(Status):
        query = query.where(ActionItem.status == status)
    return list(db.session.scalars(query.order_by(ActionItem.due_date, ActionItem.id)))


def owned_filter(user: User):
    co_owned = select(action_item_co_owners.c.item_id).where(
        action_item_co_owners.c.user_id == user.id
    )
    return or_(ActionItem.owner_id == user.id, ActionItem.id.in_(co_owned))


def my_items(user: User, include_closed: bool = False) -> list[ActionItem]:
    """Items ``user`` owns or co-owns, the most urgent first."""
    query = item_query().where(owned_filter(user))
    if not include_closed:
        query = query.where(
            ActionItem.status != Status.CANCELLED.value,
            or_(ActionItem.status != Status.DONE.value, ActionItem.accepted_at.is_(None)),
        )
    return list(db.session.scalars(query.order_by(ActionItem.due_date, ActionItem.id)))


@dataclass
class MyPanel:
    open: int
    due_soon: int
    overdue: int
    items: list[ActionItem]


@functools.cache
def _panel_statement() -> Select:
    """:func:`my_panel`'s statement, built once per process (bound: user_id, today, soon,
    limit): the dashboard runs it on every visit."""
    user_id, today, soon = bindparam("user_id"), bindparam("today"), bindparam("soon")
    co_owned = select(action_item_co_owners.c.item_id).where(
        action_item_co_owners.c.user_id == user_id
    )
    due_soon = and_(ActionItem.due_date >= today, ActionItem.due_date <= soon)
    return (
        select(
            ActionItem,
            func.count(ActionItem.id).over(),
            func.sum(case((ActionItem.due_date < today, 1), else_=0)).over(),
            func.sum(case((due_soon, 1), else_=0)).over(),
        )
        .where(or_(ActionItem.owner_id == user_id, ActionItem.id.in_(co_owned)), open_clause())
        .order_by(ActionItem.due_date, ActionItem.id)
        .limit(bindparam("limit"))
        .options(raiseload("*"))
    )


def my_panel(user: User, today: date, days: int = 14, limit: int = 5) -> MyPanel | None:
    """What the dashboard shows a person about their own open items (None if they own none).

    One statement: the counts ride along as window aggregates over all open items while the
    rows stop at ``limit``; those due within ``days`` come first in due-date order, so the
    first ``limit`` rows hold the first ``limit`` of them. Nothing else loads (raiseload).
    """
    soon = today + timedelta(days=days)
    rows = db.session.execute(
        _panel_statement(), {"user_id": user.id, "today": today, "soon": soon, "limit": limit}
    ).all()
    if not rows:
        return None
    _item, total, overdue, soon_count = rows[0]
    items = [item for item, *_counts in rows if item.due_date <= soon]
    return MyPanel(open=total, overdue=int(overdue), due_soon=int(soon_count), items=items)


@dataclass
class Rollup:
    """Counts for one unit with its sub-units rolled up."""

    unit_id: int
    name: str
    path: str
    total: int = 0
    draft: int = 0
    in_progress: int = 0
    review: int = 0
    accepted: int = 0
    blocked: int = 0
    cancelled: int = 0
    overdue: int = 0
    average_progress: float | None = None
    last_update_at: datetime | None = None

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


def rollups(
    today: date,
    unit_ids: list[int] | None = None,
    program_id: int | None = None,
    within_path: str | None = None,
) -> list[Rollup]:
    """Per unit, the counts of its items and its sub-units' items, in ONE grouped query.

    ``unit_ids`` limits the units reported (their sub-units still roll up into them);
    ``within_path`` limits them to one OPD's subtree.
    """
    anchor = aliased(Unit)
    member = aliased(Unit)
    item_on = ActionItem.unit_id == member.id
    if program_id:
        item_on = and_(item_on, ActionItem.program_id == program_id)
    done = ActionItem.status == Status.DONE.value
    accepted = and_(done, ActionItem.accepted_at.is_not(None))

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    live = and_(ActionItem.id.is_not(None), ActionItem.status != Status.CANCELLED.value)
    query = (
        select(
            anchor.id,
            anchor.name,
            anchor.path,
            func.count(ActionItem.id),
            count_if(ActionItem.status == Status.DRAFT.value),
            count_if(ActionItem.status == Status.IN_PROGRESS.value),
            count_if(and_(done, ActionItem.accepted_at.is_(None))),
            count_if(accepted),
            count_if(ActionItem.status == Status.BLOCKED.value),
            count_if(ActionItem.status == Status.CANCELLED.value),
            count_if(and_(ActionItem.id.is_not(None), overdue_clause(today))),
            func.avg(case((live, ActionItem.progress), else_=None)),
            func.max(ActionItem.last_update_at),
        )
        .select_from(anchor)
        .outerjoin(member, member.path.startswith(anchor.path))
        .outerjoin(ActionItem, item_on)
        .group_by(anchor.id, anchor.name, anchor.path)
    )
    if unit_ids is not None:
        query = query.where(anchor.id.in_(unit_ids))
    if within_path:
        query = query.where(anchor.path.startswith(within_path, autoescape=True))
    out = []
    for row in db.session.execute(query):
        average = float(row[11]) if row[11] is not None else None
        out.append(Rollup(*row[:11], average_progress=average, last_update_at=row[12]))
    return out


def head_panels(user: User, today: date) -> dict[int, Rollup]:
    """For each unit ``user`` heads: its (rolled-up) counts, for the dashboard."""
    ids = list(db.session.scalars(select(Unit.id).where(Unit.head_id == user.id)))
    if not ids:
        return {}
    return {r.unit_id: r for r in rollups(today, unit_ids=ids)}


def _visible(user: User):
    """A select of the units whose plans ``user`` may open from the plan index (None: none)."""
    query = select(Unit)
    if not is_staff(user):
        paths = [p for p in headed_paths(user) if p]
        conditions = [Unit.path.startswith(p, autoescape=True) for p in paths]
        if user.unit_id:
            conditions.append(Unit.id == user.unit_id)
        if not conditions:
            return None
        query = query.where(or_(*conditions))
    return query


def visible_units(user: User) -> list[Unit]:
    """The units whose plans ``user`` may open from the plan index, in tree order."""
    query = _visible(user)
    if query is None:
        return []
    units = list(db.session.scalars(query))
    return sorted(units, key=lambda u: tree_key(u, {x.id: x for x in units}))


def only_visible_unit_id(user: User) -> int | None:
    """The unit the plan index sends ``user`` straight to, when it is the only one they see."""
    query = _visible(user)
    if query is None:
        return None
    ids = list(db.session.scalars(query.with_only_columns(Unit.id).limit(2)))
    return ids[0] if len(ids) == 1 else None


def tree_key(unit: Unit, by_id: dict[int, Unit]) -> tuple:
    """Sort key putting units in tree order, by name at each level."""
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    return tuple((by_id[i].name if i in by_id else "", i) for i in ids)


def item_counts_by_unit(unit_ids: list[int]) -> dict[int, int]:
    """How many items each unit has (its own, not rolled up)."""
    if not unit_ids:
        return {}
    return dict(
        db.session.execute(
            select(ActionItem.unit_id, func.count(ActionItem.id))
            .where(ActionItem.unit_id.in_(unit_ids))
            .group_by(ActionItem.unit_id)
        ).all()
    )
