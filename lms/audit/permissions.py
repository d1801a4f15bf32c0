"""Who may read the audit log: administrators."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import rule


@rule("audit.view")
def _audit(user: User, obj: Any) -> bool:
    """The audit log says who looked at whose data: administrators only (the officer who
    answers for data protection holds the admin role)."""
    return user.has_role(Role.ADMIN)
