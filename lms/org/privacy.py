"""The units a person heads, for "Data saya"."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.privacy.registry import Subject, fields, personal_data


@personal_data(
    "org",
    _l("Unit yang Anda pimpin"),
    tables=[Unit],
    labels={"units_headed": _l("Unit yang Anda pimpin"), "name": _l("Nama unit")},
)
def export_units(user) -> dict:
    """Units whose head is the person (units.head_id); the person's own unit is in the profile."""
    units = db.session.scalars(select(Unit).where(Unit.head_id == user.id).order_by(Unit.name))
    return {"units_headed": [fields(u, "id", "name", "short_name", "code") for u in units]}


@export_units.eraser
def erase_units(subject: Subject) -> dict:
    """An erased person heads no unit: the units they headed wait for a new head."""
    units = db.session.scalars(select(Unit).where(Unit.head_id == subject.user.id)).all()
    for unit in units:
        unit.head_id = None
    return {"units_headed": len(units)}
