"""The notice's version, and recording that a person has read it."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from lms.accounts.models import User
from lms.audit.services import record
from lms.extensions import db

#: The version of the text in templates/notice/privacy.html. Change it with every change of
#: substance (what is kept, why, for how long, who sees it, how to use a right): everyone then
#: sees the notice again at their next page. LMS_PRIVACY_NOTICE_VERSION overrides it for a
#: deployment that edits the text.
NOTICE_VERSION = "2026-11-30.2"


def current_version() -> str:
    """The version people must have read: the setting, else the shipped text's."""
    return current_app.config.get("PRIVACY_NOTICE_VERSION") or NOTICE_VERSION


def needs_notice(user: User) -> bool:
    """Whether ``user`` has not yet read the current version."""
    return user.privacy_version != current_version()


def acknowledge(user: User, now: datetime, *, ip: str | None = None) -> bool:
    """Record that ``user`` read the current version, and when; audited. Flushes.

    Returns False (and writes nothing) when they had already read it.
    """
    version = current_version()
    if user.privacy_version == version:
        return False
    user.privacy_version, user.privacy_seen_at = version, now
    db.session.flush()
    record(user, "privacy.notice_read", f"user:{user.id}", now=now, ip=ip, version=version)
    return True
