"""Who may ask for a correction of their data, and who decides."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import is_staff, rule


@rule("corrections.request")
def _request(user: User, obj: Any) -> bool:
    return True


@rule("corrections.queue")
def _corrections(user: User, obj: Any) -> bool:
    """HR and admin work through correction requests; each decision also needs
    "users.manage" on the person (HR decides no fellow officer's request)."""
    return is_staff(user)
