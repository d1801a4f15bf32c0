"""Courses a person drafted or published in the browser, for "Data saya"."""

from __future__ import annotations

from sqlalchemy import select

from lms.authoring.models import CourseDraft, DraftFile, Publication
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Subject, personal_data


@personal_data(
    "authoring",
    _l("Kursus yang Anda tulis di peramban"),
    tables=[CourseDraft, DraftFile, Publication],
    labels={
        "drafts": _l("Draf kursus yang Anda buat"),
        "publications": _l("Versi yang Anda terbitkan"),
        "slug": _l("Kursus"),
        "number": _l("Versi"),
        "published_at": _l("Terbit"),
    },
)
def export_authoring(user) -> dict:
    """Which drafts the person created and which versions they published (two queries). The
    course text itself is teaching material of the province, not data about its author."""
    drafts = db.session.scalars(
        select(CourseDraft).where(CourseDraft.created_by_id == user.id).order_by(CourseDraft.id)
    )
    published = db.session.execute(
        select(CourseDraft.slug, Publication.number, Publication.published_at)
        .join(CourseDraft, CourseDraft.id == Publication.draft_id)
        .where(Publication.published_by_id == user.id)
        .order_by(Publication.published_at, Publication.id)
    )
    return {
        "drafts": [{"slug": d.slug, "created_at": d.created_at} for d in drafts],
        "publications": [
            {"slug": slug, "number": number, "published_at": at} for slug, number, at in published
        ],
    }


@export_authoring.eraser
def erase_authoring(subject: Subject) -> dict:
    """Nothing to change: drafts and versions keep only the account number of who wrote or
    published them (now the anonymised account); their text is the course, which stays."""
    return {}
