"""Audit events, chained by hashes so that an edited or deleted event shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.i18n import utcnow

#: The ``prev_hash`` of the first event.
GENESIS = "0" * 64


class AuditEvent(db.Model):
    """One action on personal data (an import, a report viewed or exported), kept for audit."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Position in the chain: 1, 2, 3 ... without gaps, given out under the chain head's lock.
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who acted; empty for the command line and scheduled jobs.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: A dotted verb, e.g. "people.import", "reports.unit.export".
    action: Mapped[str] = mapped_column(String(60))
    #: What was acted on, e.g. "unit:12" or a file name; never a NIP or an email.
    target: Mapped[str | None] = mapped_column(String(255), index=True)
    #: Counts, filters and other facts about the action.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
    #: The previous event's ``hash`` (``GENESIS`` for the first).
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 (hex) over ``prev_hash`` and this event's content; see ``services.event_hash``.
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"


class AuditChainHead(db.Model):
    """The one row that holds the chain's last ``seq`` and ``hash``; writers lock it in turn."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
