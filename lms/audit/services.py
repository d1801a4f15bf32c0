"""Writing to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.i18n import utcnow


def record(
    actor: Any,
    action: str,
    target: str | None = None,
    *,
    now: datetime | None = None,
    ip: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event for ``actor`` (a user, or None for the command line); flushes.

    ``details`` must be JSON-serialisable and carry no more personal data than the action needs.
    """
    event = AuditEvent(
        at=now or utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        target=(target or None) and target[:255],
        details=details,
        ip=ip,
    )
    db.session.add(event)
    db.session.flush()
    return event
