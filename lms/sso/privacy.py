"""A person's linked SSO accounts, for "Data saya"."""

from __future__ import annotations

from sqlalchemy import delete, select

from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Subject, fields, personal_data
from lms.sso.models import SsoIdentity


@personal_data(
    "sso",
    _l("Akun SSO yang tertaut"),
    tables=[SsoIdentity],
    labels={
        "identities": _l("Akun SSO"),
        "issuer": _l("Penyedia"),
        "subject": _l("ID di penyedia"),
    },
)
def export_identities(user) -> dict:
    """Issuer and subject of every provider account linked to the person."""
    rows = db.session.scalars(
        select(SsoIdentity).where(SsoIdentity.user_id == user.id).order_by(SsoIdentity.id)
    )
    return {
        "identities": [fields(i, "issuer", "subject", "created_at", "last_login_at") for i in rows]
    }


@export_identities.eraser
def erase_identities(subject: Subject) -> dict:
    """Linked provider accounts go: the erased account can no longer be reached through SSO."""
    result = db.session.execute(delete(SsoIdentity).where(SsoIdentity.user_id == subject.user.id))
    return {"identities": result.rowcount}
