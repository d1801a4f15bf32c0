"""Audit events about a person or by them, for "Data saya"."""

from __future__ import annotations

from sqlalchemy import or_, select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Subject, fields, personal_data


@personal_data(
    "audit",
    _l("Catatan audit tentang Anda"),
    tables=[AuditEvent],
    labels={
        "events": _l("Peristiwa"),
        "at": _l("Waktu"),
        "action": _l("Tindakan"),
        "target": _l("Sasaran"),
        "by_you": _l("Oleh Anda"),
        "details": _l("Rincian"),
        "ip": _l("Alamat"),
    },
)
def export_audit(user) -> dict:
    """Events whose target is the person ("user:<id>") and events the person caused (one query).

    Who else acted on the person is shown as a role of the record ("by_you": false), not by name.
    """
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.target == f"user:{user.id}", AuditEvent.actor_id == user.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return {
        "events": [
            fields(e, "at", "action", "target", "details", "ip") | {"by_you": e.actor_id == user.id}
            for e in events
        ]
    }


@export_audit.eraser
def erase_audit(subject: Subject) -> dict:
    """Nothing to change, on purpose: the audit trail is a hash chain that must prove no event
    was altered (``flask lms audit verify``). Events name people only by account number
    ("user:<id>") and never carry a name, NIP or email, so after erasure they point at the
    anonymised account and say nothing more about the person."""
    return {}
