"""Who may see a quiz attempt (its statistics are the course teachers', in teaching)."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import User
from lms.policy import is_staff, rule
from lms.teaching.permissions import teaches


@rule("attempt.view")
def _view_attempt(user: User, attempt: Any) -> bool:
    """An attempt is seen by its owner, HR, admin and the course's instructors."""
    if attempt is None:
        return False
    return attempt.user_id == user.id or is_staff(user) or teaches(user, attempt.course_id)
