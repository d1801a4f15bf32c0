"""Who may erase a person's data and apply the retention rules: administrators."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import rule


@rule("privacy.erase")
def _erase(user: User, target: Any) -> bool:
    """Erasure is the administrator's (the data-protection officer holds the role), never of
    their own account (another administrator must do it)."""
    return user.has_role(Role.ADMIN) and target is not None and target.id != user.id


@rule("privacy.retention")
def _retention(user: User, obj: Any) -> bool:
    return user.has_role(Role.ADMIN)
