"""Who may require learning paths: HR and admin."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import is_staff, rule


@rule("paths.manage")
def _paths(user: User, obj: Any) -> bool:
    """HR and admin require learning paths (by position type) and withdraw them; a learner
    sees the paths required of them on their own page (learning.view_own)."""
    return is_staff(user)
