"""Requests to correct one field of a person's profile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.i18n import utcnow
from lms.org.models import Unit


class CorrectionRequest(db.Model):
    """One person's request to correct one profile field, and HR's decision on it."""

    __tablename__ = "correction_requests"
    __table_args__ = (
        Index("ix_correction_requests_user_created", "user_id", "created_at"),
        Index("ix_correction_requests_decided_created", "decided_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: "full_name", "position", "unit" or "email".
    field: Mapped[str] = mapped_column(String(20))
    #: The value the person asks for (for "unit", the unit's name when asked, for reading).
    value: Mapped[str] = mapped_column(String(254))
    #: The unit asked for, when ``field`` is "unit".
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    #: What the field held when the request was made, so HR sees both side by side.
    old_value: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Empty while the request waits in HR's queue.
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: "accepted" or "refused".
    outcome: Mapped[str | None] = mapped_column(String(10))
    #: Why a request was refused (shown to the person); empty for an accepted one.
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])

    def __repr__(self) -> str:
        return f"<CorrectionRequest {self.id} {self.field}>"
