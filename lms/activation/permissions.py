"""Who may follow account activation and send invitations."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import is_staff, rule


@rule("activation.manage")
def _activation(user: User, obj: Any) -> bool:
    """HR and admin see who has not activated their account and send invitations (to the
    person's own email, so inviting a fellow officer opens nothing to the sender)."""
    return is_staff(user)
