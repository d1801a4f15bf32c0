"""Who may import people from the staff register: HR and admin."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import is_staff, rule


@rule("people.import")
def _import_people(user: User, obj: Any) -> bool:
    return is_staff(user)
