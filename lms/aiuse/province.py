"""The AI register seen from above: the province overview (by Perangkat Daerah and risk, with
filters and pages, and its export) and the public list of published entries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.aiuse.models import AiUse, Dpia, Risk, Status
from lms.extensions import db
from lms.org.models import Unit


@dataclass(frozen=True)
class Filters:
    opd: int | None = None
    risk: str | None = None
    status: str | None = None
    #: Only high-risk entries whose DPIA is not signed off.
    dpia_missing: bool = False


def _opd():
    return aliased(Unit, name="opd")


def _filtered(query, opd, filters: Filters):
    if filters.opd:
        query = query.where(opd.id == filters.opd)
    if filters.risk:
        query = query.where(AiUse.risk == filters.risk)
    if filters.status:
        query = query.where(AiUse.status == filters.status)
    if filters.dpia_missing:
        query = query.where(AiUse.risk == Risk.HIGH.value, Dpia.signed_off_at.is_(None))
    return query


def summary_by_opd(filters: Filters) -> list[tuple[int, str, int, int, int, int]]:
    """Per Perangkat Daerah (sub-units rolled up): entries by risk and DPIAs missing."""
    opd = _opd()
    high = AiUse.risk == Risk.HIGH.value
    query = (
        select(
            opd.id,
            opd.name,
            func.count(AiUse.id),
            func.count(case((high, 1))),
            func.count(case((AiUse.risk == Risk.MEDIUM.value, 1))),
            func.count(case((and_(high, Dpia.signed_off_at.is_(None)), 1))),
        )
        .select_from(AiUse)
        .join(Unit, Unit.id == AiUse.unit_id)
        .join(opd, and_(opd.parent_id.is_(None), Unit.path.startswith(opd.path)))
        .outerjoin(Dpia, Dpia.entry_id == AiUse.id)
        .group_by(opd.id, opd.name)
        .order_by(opd.name)
    )
    return list(db.session.execute(_filtered(query, opd, filters)).all())


def province_rows(filters: Filters, page: int | None = None, per_page: int = 50):
    """The entries matching ``filters`` (all, or one ``page``), with unit, OPD, responsible
    and DPIA state."""
    opd = _opd()
    query = (
        select(AiUse, Unit.name, opd.name, User.full_name, Dpia.signed_off_at)
        .join(Unit, Unit.id == AiUse.unit_id)
        .join(opd, and_(opd.parent_id.is_(None), Unit.path.startswith(opd.path)))
        .join(User, User.id == AiUse.responsible_id)
        .outerjoin(Dpia, Dpia.entry_id == AiUse.id)
        .order_by(opd.name, Unit.path, AiUse.name, AiUse.id)
    )
    query = _filtered(query, opd, filters)
    if page is not None:
        query = query.offset((page - 1) * per_page).limit(per_page)
    return db.session.execute(query).all()


def count_entries(filters: Filters) -> int:
    opd = _opd()
    query = (
        select(func.count(AiUse.id))
        .join(Unit, Unit.id == AiUse.unit_id)
        .join(opd, and_(opd.parent_id.is_(None), Unit.path.startswith(opd.path)))
        .outerjoin(Dpia, Dpia.entry_id == AiUse.id)
    )
    return db.session.scalar(_filtered(query, opd, filters)) or 0


def published() -> list[tuple[AiUse, str, bool]]:
    """Published entries for the public page: (entry, unit name, DPIA complete). Who answers
    for an entry is shown as its unit's head: no name, position or contact of a person."""
    rows = db.session.execute(
        select(AiUse, Unit.name, Dpia.signed_off_at)
        .join(Unit, Unit.id == AiUse.unit_id)
        .outerjoin(Dpia, Dpia.entry_id == AiUse.id)
        .where(AiUse.published_at.is_not(None), AiUse.status != Status.STOPPED.value)
        .order_by(Unit.name, AiUse.name, AiUse.id)
    ).all()
    return [(e, unit, signed is not None) for e, unit, signed in rows]
