"""Who may open the dashboard: the main pages' rule, registered with :mod:`lms.policy`."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import rule


@rule("dashboard.view")
def _dashboard(user: User, obj: Any) -> bool:
    return True
