"""People (ASN) and their roles."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.passwords import hash_password, verify_password
from lms.extensions import db
from lms.i18n import utcnow
from lms.org.models import Unit

#: Jenis jabatan, the five kinds of position (lms/people reads them, reports filter by them).
POSITION_TYPES = ("JPT", "Administrator", "Pengawas", "Pelaksana", "Fungsional")
#: SIASN's "Struktural" without an eselon column: a known kind, kept for HR to refine.
STRUCTURAL = "Struktural"


class Role(enum.StrEnum):
    """What a person may do; a person can hold several."""

    LEARNER = "learner"
    UNIT_HEAD = "unit_head"
    HR = "hr"
    ADMIN = "admin"
    #: Read-only view of every unit's AI register (Dinas Komunikasi dan Informatika).
    DISKOMINFO = "diskominfo"
    #: Pengajar (widyaiswara, trainer): teaches the courses HR or an admin assigns them
    #: (lms/teaching): edits them, follows their learners, grades essays, answers questions.
    INSTRUCTOR = "instructor"


class UserRole(db.Model):
    """One role held by one person."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class User(UserMixin, db.Model):
    """A person who uses Sinau: an ASN (PNS or PPPK), or a staff account without a NIP."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_unit_active", "unit_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 18-digit NIP as text; unique; empty for service accounts such as the first admin.
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    #: Stored lower-case so uniqueness ignores case.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    #: "PNS" or "PPPK" (a CPNS counts as PNS): decides how JP are counted (lms/courses/jp.py).
    employment: Mapped[str] = mapped_column(String(10), default="PNS")
    #: PPPK only: the first day of the current contract (TMT PPPK); the person's JP are counted
    #: per contract year from its anniversary. Empty for PNS.
    contract_start: Mapped[date | None] = mapped_column(Date)
    #: Jabatan, e.g. "Pranata Komputer Ahli Muda".
    position: Mapped[str | None] = mapped_column(String(200))
    #: Jenis jabatan: JPT, Administrator, Pengawas, Pelaksana, Fungsional.
    position_type: Mapped[str | None] = mapped_column(String(20), index=True)
    #: Golongan/ruang, e.g. "III/b", or a PPPK grade "IX".
    rank: Mapped[str | None] = mapped_column(String(10), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: The person must choose a new password at the next login (after a reset).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Bumped on password reset, deactivation or "keluar dari semua perangkat": every session
    #: started under an older version ends.
    session_version: Mapped[int] = mapped_column(default=1)
    #: "id" or "en"; empty means the default (Bahasa Indonesia).
    locale: Mapped[str | None] = mapped_column(String(5))
    last_login_at: Mapped[datetime | None]
    #: First time the person chose a password from an emailed link or signed in; empty means
    #: "not yet activated" (lms/activation invites these).
    activated_at: Mapped[datetime | None]
    #: Version of the privacy notice the person last acknowledged, and when (lms/notice): a
    #: different current version shows the notice again at the next page.
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    privacy_seen_at: Mapped[datetime | None]
    #: When the account was last deactivated: the retention period (LMS_RETENTION_YEARS) runs
    #: from here (lms/erasure). Empty while active.
    deactivated_at: Mapped[datetime | None] = mapped_column(index=True)
    #: When the person was anonymised (erasure on request or at the end of retention).
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    # -- Flask-Login -------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    #: The server-side session this request runs under (set at sign-in and by the user loader;
    #: not a column).
    session_key = None

    def get_id(self) -> str:
        # The session cookie and the remember-me cookie both carry this: the person and a random
        # key of one row in user_sessions, so logging out on the server ends both.
        return f"{self.id}:{self.session_key}"

    # -- roles -------------------------------------------------------------------------------
    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        """Whether the person holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def set_roles(self, roles: set[str] | list[str]) -> None:
        wanted = {Role(r).value for r in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    # -- passwords ---------------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and verify_password(self.password_hash, password)

    @property
    def display_nip(self) -> str:
        """NIP grouped as printed on ASN documents: 19870312 201001 1 003."""
        n = self.nip or ""
        if len(n) != 18:
            return n
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(db.Model):
    """One sign-in on one device: what "keluar" ends and what the account page lists."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: SHA-256 of the random key in the person's cookies; the key itself is never stored.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The person's session_version when it began: a later bump ends it.
    user_version: Mapped[int]
    #: "password", "sso", "activation" or "reset".
    method: Mapped[str] = mapped_column(String(20))
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(45))
    #: The browser's User-Agent, cut to a readable length.
    user_agent: Mapped[str | None] = mapped_column(String(300))
    #: The provider's ID token of an SSO sign-in, kept to end the provider's session at logout.
    id_token: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class LoginThrottle(db.Model):
    """Failed sign-ins from one address for one typed identifier (known or not).

    Keyed by a hash of what was typed, not by account, so an unknown NIP is slowed exactly like
    a real one and a stranger elsewhere cannot lock the owner out.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (
        Index("uq_login_throttles_key_ip", "key_hash", "ip", unique=True),
        Index("ix_login_throttles_last_failure_at", "last_failure_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the normalised identifier (NIP digits or lower-case email).
    key_hash: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: No attempt from this address for this identifier is checked before this moment.
    blocked_until: Mapped[datetime | None]
