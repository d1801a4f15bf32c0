"""A person's activation and password-reset links, for "Data saya"."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from lms.activation.models import AccountToken
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Subject, fields, personal_data


@personal_data(
    "activation",
    _l("Tautan aktivasi dan atur ulang kata sandi"),
    tables=[AccountToken],
    labels={
        "links": _l("Tautan yang dikirim kepada Anda"),
        "invitations_sent": _l("Undangan yang Anda kirim"),
        "purpose": _l("Keperluan"),
        "expires_at": _l("Berlaku sampai"),
        "used_at": _l("Dipakai"),
        "revoked_at": _l("Diganti"),
    },
)
def export_tokens(user) -> dict:
    """The person's links (never the token or its hash) and how many invitations they sent."""
    tokens = db.session.scalars(
        select(AccountToken)
        .where(AccountToken.user_id == user.id)
        .order_by(AccountToken.created_at, AccountToken.id)
    )
    sent = db.session.scalar(
        select(func.count()).select_from(AccountToken).where(AccountToken.created_by_id == user.id)
    )
    return {
        "links": [
            fields(t, "purpose", "created_at", "expires_at", "used_at", "revoked_at")
            | {"sent_by_staff": t.created_by_id is not None}
            for t in tokens
        ],
        "invitations_sent": sent or 0,
    }


@export_tokens.eraser
def erase_tokens(subject: Subject) -> dict:
    """The person's links go (a live one would otherwise still open the account); invitations
    the person sent as an officer stay, they name the invited, not the sender."""
    result = db.session.execute(delete(AccountToken).where(AccountToken.user_id == subject.user.id))
    return {"links": result.rowcount}
