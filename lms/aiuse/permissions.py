"""Who may read and keep the AI register (Registri Pemanfaatan AI): members, heads, delegates."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.aiuse.models import Delegate
from lms.extensions import db
from lms.org.models import Unit
from lms.policy import headed_paths, manages_unit, rule


def sees_ai_register(user: User) -> bool:
    """HR, admin and the read-only Diskominfo role see every unit's register."""
    return user.has_role(Role.HR, Role.ADMIN, Role.DISKOMINFO)


def delegated_paths(user: User) -> list[str]:
    """Paths of the units whose AI register ``user`` keeps for the head (read once per request)."""
    cache = g.setdefault("delegated_paths", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = list(
            db.session.scalars(
                select(Unit.path)
                .join(Delegate, Delegate.unit_id == Unit.id)
                .where(Delegate.user_id == user.id)
            )
        )
    return cache[user.id]


def keeps_register(user: User, unit: Any) -> bool:
    """The head of ``unit`` (or above) and the people the head named keep its register."""
    if unit is None:
        return False
    return manages_unit(user, unit) or any(
        unit.path.startswith(p) for p in delegated_paths(user) if p
    )


@rule("aiuse.index")
def _aiuse_member(user: User, obj: Any) -> bool:
    return True


@rule("aiuse.province")
def _aiuse_province(user: User, obj: Any) -> bool:
    return sees_ai_register(user)


@rule("aiuse.view_unit")
def _aiuse_view_unit(user: User, unit: Any) -> bool:
    """Members read their unit's register; its keepers and the province viewers too."""
    if unit is None:
        return False
    return sees_ai_register(user) or user.unit_id == unit.id or keeps_register(user, unit)


@rule("aiuse.view")
def _aiuse_view(user: User, entry: Any) -> bool:
    return entry is not None and _aiuse_view_unit(user, entry.unit)


@rule("aiuse.create")
def _aiuse_create(user: User, unit: Any) -> bool:
    """Unit heads and their delegates record entries (without a unit: for any unit they keep)."""
    if unit is None:
        return bool(headed_paths(user) or delegated_paths(user))
    return keeps_register(user, unit)


@rule("aiuse.edit")
def _aiuse_edit(user: User, entry: Any) -> bool:
    return entry is not None and keeps_register(user, entry.unit)


@rule("aiuse.sign_off")
def _aiuse_sign_off(user: User, entry: Any) -> bool:
    """Only the unit head (or a head above) signs a DPIA off, never a delegate."""
    return entry is not None and manages_unit(user, entry.unit)


@rule("aiuse.delegates")
def _aiuse_delegates(user: User, unit: Any) -> bool:
    return manages_unit(user, unit)
