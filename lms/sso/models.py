"""Who a person is at the SSO provider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.i18n import utcnow


class SsoIdentity(db.Model):
    """A provider's account (issuer + subject) linked to one Sinau account."""

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The provider's issuer URL, exactly as its discovery document states it.
    issuer: Mapped[str] = mapped_column(String(255))
    #: The provider's stable id for the person (the ``sub`` claim); not a NIP or an email.
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<SsoIdentity {self.id} user={self.user_id}>"
