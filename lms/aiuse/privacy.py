"""What the AI register holds about a person, for "Data saya" and erasure."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from lms.aiuse.models import AiUse, Delegate, Dpia, EntryCourse, EntryItem
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.privacy.registry import Subject, fields, personal_data


@personal_data(
    "aiuse",
    _l("Registri pemanfaatan AI"),
    tables=[AiUse, Dpia, EntryItem, EntryCourse, Delegate],
    labels={
        "entries": _l("Pemanfaatan AI yang Anda tanggung jawabi atau catat"),
        "dpias": _l("DPIA yang Anda isi atau setujui"),
        "delegations": _l("Unit yang registrinya Anda kelola"),
        "name": _l("Nama"),
        "role": _l("Peran Anda"),
    },
)
def export_aiuse(user) -> dict:
    """Entries the person answers for or recorded, DPIAs they filled in or signed off, and the
    units whose register they keep: three queries."""
    entries = db.session.execute(
        select(AiUse, Unit.name)
        .join(Unit, Unit.id == AiUse.unit_id)
        .where(or_(AiUse.responsible_id == user.id, AiUse.created_by_id == user.id))
        .order_by(AiUse.id)
    ).all()
    dpias = db.session.scalars(
        select(Dpia)
        .where(or_(Dpia.updated_by_id == user.id, Dpia.signed_off_by_id == user.id))
        .order_by(Dpia.entry_id)
    )
    delegations = db.session.execute(
        select(Unit.name, Delegate.created_at)
        .join(Delegate, Delegate.unit_id == Unit.id)
        .where(Delegate.user_id == user.id)
        .order_by(Unit.name)
    ).all()
    return {
        "entries": [
            fields(e, "id", "name", "status", "risk", "next_review_on", "created_at")
            | {
                "unit": unit,
                "role": "responsible" if e.responsible_id == user.id else "recorded",
            }
            for e, unit in entries
        ],
        "dpias": [
            {
                "entry_id": d.entry_id,
                "filled_in_by_you": d.updated_by_id == user.id,
                "signed_off_by_you": d.signed_off_by_id == user.id,
                "signed_off_at": d.signed_off_at if d.signed_off_by_id == user.id else None,
            }
            for d in dpias
        ],
        "delegations": [{"unit": name, "since": since} for name, since in delegations],
    }


@export_aiuse.eraser
def erase_aiuse(subject: Subject) -> dict:
    """Entries and DPIAs stay with their unit (they are the unit's record and the province's
    register; the account they point at is anonymised). The person stops keeping any unit's
    register, and every mention of them in the entries' and DPIAs' texts is replaced."""
    user_id = subject.user.id
    delegations = db.session.execute(delete(Delegate).where(Delegate.user_id == user_id))
    mentions = subject.scrub_rows(
        db.session.scalars(
            select(AiUse).where(
                subject.mentioned_in(
                    AiUse.name, AiUse.purpose, AiUse.public_service, AiUse.human_oversight
                )
            )
        ),
        "name",
        "purpose",
        "public_service",
        "human_oversight",
    )
    mentions += subject.scrub_rows(
        db.session.scalars(
            select(Dpia).where(
                subject.mentioned_in(
                    Dpia.purpose_necessity, Dpia.minimisation, Dpia.risks, Dpia.safeguards
                )
            )
        ),
        "purpose_necessity",
        "minimisation",
        "risks",
        "safeguards",
    )
    db.session.flush()
    return {"delegations": delegations.rowcount or 0, "mentions": mentions}
