"""Who may assign courses: HR and admin."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import is_staff, rule


@rule("assignments.manage")
def _assignments(user: User, obj: Any) -> bool:
    return is_staff(user)
