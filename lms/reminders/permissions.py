"""Who may read notifications and see the outbox: each person their own; jobs and the outbox,
administrators."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import rule


@rule("notifications.own")
def _own_notifications(user: User, obj: Any) -> bool:
    return True


@rule("notification.mark")
def _mark_notification(user: User, notification: Any) -> bool:
    return notification is not None and notification.user_id == user.id


@rule("reminders.admin")
def _reminders_admin(user: User, obj: Any) -> bool:
    """Outbox and job runs hold other people's messages: administrators only."""
    return user.has_role(Role.ADMIN)
