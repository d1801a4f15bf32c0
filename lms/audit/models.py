"""Audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.i18n import utcnow


class AuditEvent(db.Model):
    """One action on personal data (an import, a report viewed or exported), kept for audit."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who acted; empty for the command line and scheduled jobs.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: A dotted verb, e.g. "people.import", "reports.unit.export".
    action: Mapped[str] = mapped_column(String(60))
    #: What was acted on, e.g. "unit:12" or a file name; never a NIP or an email.
    target: Mapped[str | None] = mapped_column(String(255))
    #: Counts, filters and other facts about the action.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"
