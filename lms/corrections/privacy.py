"""A person's correction requests (and an officer's decisions), for "Data saya"."""

from __future__ import annotations

from sqlalchemy import select

from lms.corrections.models import CorrectionRequest
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import REDACTED, Subject, fields, personal_data

REQUEST_FIELDS = (
    "id", "field", "value", "old_value", "note", "created_at", "decided_at", "outcome", "reason",
)  # fmt: skip


@personal_data(
    "corrections",
    _l("Permintaan perbaikan data"),
    tables=[CorrectionRequest],
    labels={
        "requests": _l("Permintaan perbaikan"),
        "decisions": _l("Keputusan yang Anda buat sebagai pengelola"),
        "field": _l("Data"),
        "value": _l("Menjadi"),
        "old_value": _l("Semula"),
        "note": _l("Keterangan"),
        "created_at": _l("Diajukan"),
        "decided_at": _l("Diputuskan"),
        "outcome": _l("Keputusan"),
        "reason": _l("Alasan"),
    },
)
def export_corrections(user) -> dict:
    """Every request the person made, and which requests they decided (not others' values)."""
    own = db.session.scalars(
        select(CorrectionRequest)
        .where(CorrectionRequest.user_id == user.id)
        .order_by(CorrectionRequest.id)
    )
    decided = db.session.scalars(
        select(CorrectionRequest)
        .where(CorrectionRequest.decided_by_id == user.id)
        .order_by(CorrectionRequest.id)
    )
    return {
        "requests": [fields(r, *REQUEST_FIELDS) for r in own],
        "decisions": [fields(r, "id", "field", "decided_at", "outcome") for r in decided],
    }


@export_corrections.eraser
def erase_corrections(subject: Subject) -> dict:
    """What the person asked for and wrote is replaced; the officers' decisions (outcome, date)
    stay, their reasons lose any mention of the person."""
    own = db.session.scalars(
        select(CorrectionRequest).where(CorrectionRequest.user_id == subject.user.id)
    ).all()
    for request in own:
        request.value = REDACTED
        request.old_value = REDACTED if request.old_value else None
        request.note = REDACTED if request.note else ""
        request.reason = subject.scrub(request.reason) or ""
    mentioning = db.session.scalars(
        select(CorrectionRequest).where(
            CorrectionRequest.user_id != subject.user.id,
            subject.mentioned_in(
                CorrectionRequest.value,
                CorrectionRequest.old_value,
                CorrectionRequest.note,
                CorrectionRequest.reason,
            ),
        )
    )
    scrubbed = subject.scrub_rows(mentioning, "value", "old_value", "note", "reason")
    return {"requests": len(own), "mentions": scrubbed}
