"""Who may write courses in the browser: start one, and edit a draft."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import is_staff, rule
from lms.teaching.permissions import teaches


@rule("courses.create")
def _course_author(user: User, obj: Any) -> bool:
    """HR, admin and instructors start courses in the browser (a new draft, or a course ZIP)."""
    return is_staff(user) or user.has_role(Role.INSTRUCTOR)


@rule("draft.edit")
def _draft_editor(user: User, draft: Any) -> bool:
    """A browser course's draft: HR and admin; before its first publish, the instructor who
    created it (while they hold the role); once published, the course's instructors (the
    creator became one on publishing, and leaves with HR's decision like any other)."""
    if draft is None:
        return False
    if is_staff(user):
        return True
    if draft.course_id is not None:
        return teaches(user, draft.course_id)
    return draft.created_by_id == user.id and user.has_role(Role.INSTRUCTOR)
