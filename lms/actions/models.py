"""Retreat action plans: programs, action items (aksi nyata), progress updates with evidence,
review, comments and the history of every change."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow
from lms.org.models import Unit


class Status(enum.StrEnum):
    """Where an action item stands; ``done`` counts in reports only once the head accepts it."""

    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


STATUS_LABELS = {
    Status.DRAFT: _l("Rancangan"),
    Status.IN_PROGRESS: _l("Berjalan"),
    Status.DONE: _l("Selesai"),
    Status.BLOCKED: _l("Terhambat"),
    Status.CANCELLED: _l("Dibatalkan"),
}
PRIORITY_LABELS = {
    Priority.LOW: _l("Rendah"),
    Priority.MEDIUM: _l("Sedang"),
    Priority.HIGH: _l("Tinggi"),
}


class Program(db.Model):
    """A follow-up programme that action plans belong to, e.g. "Jatim Retret 2025"."""

    __tablename__ = "action_programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: Inactive programmes stay in reports but get no new items.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Program {self.id}>"


class Tag(db.Model):
    """One entry of a configurable alignment list (a mission of Asta Cita, Nawa Bhakti Satya)."""

    __tablename__ = "action_tags"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which list the tag belongs to, e.g. "asta_cita", "nawa_bhakti_satya".
    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Tag {self.id} {self.kind}>"


action_item_co_owners = Table(
    "action_item_co_owners",
    db.metadata,
    Column("item_id", ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

action_item_tags = Table(
    "action_item_tags",
    db.metadata,
    Column("item_id", ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("action_tags.id", ondelete="CASCADE"), primary_key=True),
)


class ItemCourse(db.Model):
    """A Sinau course (by slug) that supports an action item."""

    __tablename__ = "action_item_courses"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True
    )
    #: The course's folder slug; kept as text so courses can be reloaded without breaking links.
    course_slug: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class ActionItem(db.Model):
    """One concrete action (aksi nyata) of a unit's plan within a programme."""

    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_unit_status", "unit_id", "status"),
        Index("ix_action_items_due_status", "due_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("action_programs.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    expected_output: Mapped[str | None] = mapped_column(String(500))
    target_indicator: Mapped[str | None] = mapped_column(String(300))
    #: Free text ("100 operator", "3 layanan"): targets mix numbers and units.
    target_value: Mapped[str | None] = mapped_column(String(100))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    #: A calendar date in WIB; the item is overdue from the next WIB day on.
    due_date: Mapped[date] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(10), default=Priority.MEDIUM.value)
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    #: Set when the unit head accepts a ``done`` item; cleared when it is reopened.
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the last progress update was posted (the overview's "last update").
    last_update_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    program: Mapped[Program] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    co_owners: Mapped[list[User]] = relationship(
        secondary=action_item_co_owners, order_by=User.full_name
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=action_item_tags, order_by=(Tag.kind, Tag.position)
    )
    courses: Mapped[list[ItemCourse]] = relationship(
        cascade="all, delete-orphan", order_by=ItemCourse.course_slug
    )

    @property
    def accepted(self) -> bool:
        return self.status == Status.DONE and self.accepted_at is not None

    @property
    def awaiting_review(self) -> bool:
        return self.status == Status.DONE and self.accepted_at is None

    def is_overdue(self, today: date) -> bool:
        """Past its WIB due date and neither accepted as done nor cancelled."""
        return self.due_date < today and not self.accepted and self.status != Status.CANCELLED

    def is_owned_by(self, user: User) -> bool:
        """Whether ``user`` is the owner or a co-owner."""
        return self.owner_id == user.id or any(u.id == user.id for u in self.co_owners)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[Status(self.status)])

    @property
    def priority_label(self) -> str:
        return str(PRIORITY_LABELS[Priority(self.priority)])

    def __repr__(self) -> str:
        return f"<ActionItem {self.id}>"


class ProgressUpdate(db.Model):
    """A dated progress report by an owner; never edited: a correction is a new update."""

    __tablename__ = "action_updates"
    __table_args__ = (Index("ix_action_updates_item_created", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    progress: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    link_url: Mapped[str | None] = mapped_column(String(500))
    #: Where the file lies below ``<UPLOAD_PATH>/evidence``: "2025/<32 random hex>".
    evidence_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The uploader's file name, sanitised; shown and offered on download, never used as a path.
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    evidence_type: Mapped[str | None] = mapped_column(String(100))
    evidence_size: Mapped[int | None]
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))

    item: Mapped[ActionItem] = relationship()
    author: Mapped[User] = relationship()

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[Status(self.status)])

    def __repr__(self) -> str:
        return f"<ProgressUpdate {self.id}>"


class ItemEvent(db.Model):
    """One entry of an item's history: who changed what, when, from which value to which."""

    __tablename__ = "action_item_events"
    __table_args__ = (Index("ix_action_item_events_item_at", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    #: Empty for changes made by the system (imports from the command line, demo data).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: created, changed, update, accepted, returned, comment, imported.
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ItemEvent {self.id} {self.kind}>"


class Comment(db.Model):
    """A remark on an item, by anyone who may read it (and the head's reason for sending back)."""

    __tablename__ = "action_comments"
    __table_args__ = (Index("ix_action_comments_item_created", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"
