"""The AI register: entries per unit, their data-protection impact assessment (DPIA), their
links to action items and courses, and the people a unit head lets keep the register."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow
from lms.org.models import Unit


class Status(enum.StrEnum):
    """Where a use of AI stands."""

    PLANNED = "rencana"
    PILOT = "uji_coba"
    LIVE = "berjalan"
    STOPPED = "dihentikan"


class Location(enum.StrEnum):
    """Where the data is processed and stored (PP 71/2019: a public-scope operator keeps its
    data in Indonesia)."""

    INDONESIA = "indonesia"
    ABROAD = "luar_negeri"
    UNKNOWN = "tidak_diketahui"


class DataCategory(enum.StrEnum):
    """The personal data the AI receives (UU 27/2022 Pasal 4)."""

    NONE = "tidak_ada"
    GENERAL = "umum"
    SPECIFIC = "spesifik"


class Decisions(enum.StrEnum):
    """Whether the AI makes or supports decisions about citizens (UU 27/2022 Pasal 10)."""

    NONE = "tidak"
    SUPPORTS = "mendukung"
    MAKES = "memutuskan"


class Risk(enum.StrEnum):
    LOW = "rendah"
    MEDIUM = "sedang"
    HIGH = "tinggi"


STATUS_LABELS = {
    Status.PLANNED: _l("Rencana"),
    Status.PILOT: _l("Uji coba"),
    Status.LIVE: _l("Berjalan"),
    Status.STOPPED: _l("Dihentikan"),
}
LOCATION_LABELS = {
    Location.INDONESIA: _l("Di Indonesia"),
    Location.ABROAD: _l("Di luar negeri"),
    Location.UNKNOWN: _l("Belum diketahui"),
}
DATA_LABELS = {
    DataCategory.NONE: _l("Tanpa data pribadi"),
    DataCategory.GENERAL: _l("Data pribadi umum (nama, alamat, nomor telepon, dan sejenisnya)"),
    DataCategory.SPECIFIC: _l(
        "Data pribadi spesifik (kesehatan, biometrik, genetika, catatan kejahatan, data anak, "
        "keuangan pribadi)"
    ),
}
DECISION_LABELS = {
    Decisions.NONE: _l("Tidak dipakai untuk keputusan tentang warga"),
    Decisions.SUPPORTS: _l("Mendukung keputusan petugas tentang warga"),
    Decisions.MAKES: _l("Mengambil keputusan tentang warga secara otomatis"),
}
RISK_LABELS = {
    Risk.LOW: _l("Rendah"),
    Risk.MEDIUM: _l("Sedang"),
    Risk.HIGH: _l("Tinggi"),
}


class AiUse(db.Model):
    """One use of AI by one unit ("Pemanfaatan AI")."""

    __tablename__ = "ai_uses"
    __table_args__ = (
        Index("ix_ai_uses_unit_status", "unit_id", "status"),
        # The reminders look for reviews coming due.
        Index("ix_ai_uses_next_review_on", "next_review_on"),
        Index("ix_ai_uses_published_at", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    #: The public service the AI touches, e.g. "Pengaduan SP4N-LAPOR!".
    public_service: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=Status.PLANNED.value)
    #: The tool or vendor, and the model, e.g. "ChatGPT (OpenAI)", "GPT-4o".
    tool: Mapped[str] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    data_location: Mapped[str] = mapped_column(String(20), default=Location.UNKNOWN.value)
    data_category: Mapped[str] = mapped_column(String(20), default=DataCategory.NONE.value)
    decisions: Mapped[str] = mapped_column(String(20), default=Decisions.NONE.value)
    human_oversight: Mapped[str | None] = mapped_column(Text)
    #: Derived from the answers by lms/aiuse/risk.py at every save; stored for filters.
    risk: Mapped[str] = mapped_column(String(10), default=Risk.LOW.value, index=True)
    responsible_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    #: When the unit chose to show the entry on the public page; empty means not shown.
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    responsible: Mapped[User] = relationship(foreign_keys=[responsible_id])
    dpia: Mapped[Dpia | None] = relationship(
        back_populates="entry", cascade="all, delete-orphan", uselist=False
    )

    def __repr__(self) -> str:
        return f"<AiUse {self.id}>"


class Dpia(db.Model):
    """The data-protection impact assessment of one entry (UU 27/2022 Pasal 34)."""

    __tablename__ = "ai_use_dpias"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ai_uses.id", ondelete="CASCADE"), unique=True)
    purpose_necessity: Mapped[str | None] = mapped_column(Text)
    minimisation: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    safeguards: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: The unit head's sign-off; any later change to the answers clears it.
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    signed_off_at: Mapped[datetime | None]

    entry: Mapped[AiUse] = relationship(back_populates="dpia")
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])

    @property
    def answered(self) -> bool:
        """Every part of the assessment is filled in."""
        parts = (self.purpose_necessity, self.minimisation, self.risks, self.safeguards)
        return all((p or "").strip() for p in parts)

    @property
    def complete(self) -> bool:
        """Answered and signed off by the unit head."""
        return self.answered and self.signed_off_at is not None


class EntryItem(db.Model):
    """An action item that carries out an entry."""

    __tablename__ = "ai_use_action_items"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("ai_uses.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EntryCourse(db.Model):
    """A course (by slug, as action items link them) the unit's people should have finished."""

    __tablename__ = "ai_use_courses"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("ai_uses.id", ondelete="CASCADE"), primary_key=True
    )
    course_slug: Mapped[str] = mapped_column(String(100), primary_key=True)


class Delegate(db.Model):
    """A person a unit head lets keep the unit's register (fill entries and DPIAs)."""

    __tablename__ = "ai_use_delegates"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
