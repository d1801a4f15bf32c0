"""Who may read, plan, report on and review retreat action plans (rencana aksi)."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import headed_paths, is_staff, manages_unit, rule


def owns_item(user: User, item: Any) -> bool:
    return item is not None and item.is_owned_by(user)


def reads_item(user: User, item: Any) -> bool:
    """HR and admin, the unit's members, the item's owners, and heads of the unit or above."""
    if item is None:
        return False
    return (
        is_staff(user)
        or user.unit_id == item.unit_id
        or owns_item(user, item)
        or manages_unit(user, item.unit)
    )


@rule("actions.index", "actions.my_items")
def _action_member(user: User, obj: Any) -> bool:
    return True


@rule("actions.view_unit")
def _view_unit_plan(user: User, unit: Any) -> bool:
    """A person reads the plan of their own unit; heads also their sub-units'; HR/admin all."""
    if unit is None:
        return False
    return is_staff(user) or user.unit_id == unit.id or manages_unit(user, unit)


@rule("actions.view_item", "actions.comment")
def _view_item(user: User, item: Any) -> bool:
    return reads_item(user, item)


@rule("actions.download_evidence")
def _download_evidence(user: User, update: Any) -> bool:
    return update is not None and reads_item(user, update.item)


@rule("actions.create")
def _create_item(user: User, unit: Any) -> bool:
    """Unit heads plan for their units and sub-units (without a unit: for any unit they head)."""
    if unit is None:
        return bool(headed_paths(user))
    return manages_unit(user, unit)


@rule("actions.edit", "actions.review")
def _manage_item(user: User, item: Any) -> bool:
    return item is not None and manages_unit(user, item.unit)


@rule("actions.post_update")
def _post_update(user: User, item: Any) -> bool:
    """Only the owner and co-owners report progress on an item."""
    return owns_item(user, item)


@rule("actions.import")
def _import_items(user: User, unit: Any) -> bool:
    """HR imports for any unit; a unit head for the units they head and their sub-units."""
    if user.has_role(Role.HR):
        return True
    if unit is None:
        return bool(headed_paths(user))
    return manages_unit(user, unit)


@rule("actions.overview", "actions.programs")
def _action_staff(user: User, obj: Any) -> bool:
    return is_staff(user)
