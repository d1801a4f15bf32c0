"""Courses written in the browser: the draft folder, and every published version of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.i18n import utcnow


class CourseDraft(db.Model):
    """A course authored in the browser: its working copy, as the files of a course folder.

    The files are exactly those of ``courses/<slug>/`` (course.toml, ``NN-slug.md``, quiz.gift,
    images), so checking, publishing and exporting go through the same loader as synced content.
    A course with a draft is managed in the browser; every other course is managed in files.
    """

    __tablename__ = "course_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    #: The published course; empty until the first publish.
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseDraft {self.slug}>"


class DraftFile(db.Model):
    """One file of a draft, by its name in the course folder."""

    __tablename__ = "course_draft_files"
    __table_args__ = (UniqueConstraint("draft_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("course_drafts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Publication(db.Model):
    """One publish of a draft: the whole course folder as it went live, as a ZIP (the export)."""

    __tablename__ = "course_publications"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("course_drafts.id", ondelete="CASCADE"), index=True
    )
    #: 1 for the first publish, then 2, 3...
    number: Mapped[int]
    #: ``courses/<slug>/`` zipped, exactly what :func:`lms.authoring.bundle.export_zip` gives.
    archive: Mapped[bytes] = mapped_column(LargeBinary)
    #: The version published again by a rollback, else empty.
    restored_from: Mapped[int | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
