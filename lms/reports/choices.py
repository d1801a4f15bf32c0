"""What a report's filters offer: the ranks (golongan) of the people in scope, read for the unit
asked about, never the province's.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from lms.org.models import Unit


def ranks(unit: Unit | None = None) -> list[str]:
    """Ranks present among the active people of ``unit`` and its sub-units (the province when
    None), for the filter: a unit's page reads its own people only, never the province's."""
    query = select(User.rank).where(User.active.is_(True), User.rank.is_not(None)).distinct()
    if unit is not None:
        query = query.join(Unit, Unit.id == User.unit_id).where(
            Unit.path.startswith(unit.path, autoescape=True)
        )
    return sorted(r for r in db.session.scalars(query) if r)
