"""Single-use links for activating an account and resetting a password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.i18n import utcnow

#: A token that is neither used nor superseded; at most one per person and purpose.
PENDING = "used_at IS NULL AND revoked_at IS NULL"


class AccountToken(db.Model):
    """One emailed link for one person: an activation invitation or a password reset."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        # Two officers inviting the same unit at once still create one invitation per person.
        Index(
            "uq_account_tokens_pending",
            "user_id",
            "purpose",
            unique=True,
            sqlite_where=text(PENDING),
            postgresql_where=text(PENDING),
        ),
        Index("ix_account_tokens_user_purpose_created", "user_id", "purpose", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: "activation" or "reset".
    purpose: Mapped[str] = mapped_column(String(20))
    #: Random; with the app's secret it derives the link (see services.raw_token), so the
    #: outbox can write the email later while a copy of the database alone opens nothing.
    nonce: Mapped[str] = mapped_column(String(32))
    #: SHA-256 (hex) of the token in the link; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: A newer link for the same person and purpose replaced this one (or it was never sent).
    revoked_at: Mapped[datetime | None]
    #: Who sent an invitation (HR or admin); empty for "Lupa kata sandi".
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def is_live(self, now: datetime) -> bool:
        """Whether the link still opens: not used, not replaced, not expired."""
        return self.used_at is None and self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:
        return f"<AccountToken {self.id} {self.purpose} user={self.user_id}>"
