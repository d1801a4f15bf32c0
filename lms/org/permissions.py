"""Who may see and change the units: HR and admin."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import is_staff, rule


@rule("units.list", "units.manage")
def _units(user: User, obj: Any) -> bool:
    return is_staff(user)
