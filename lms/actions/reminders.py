"""The action plans' reminder rules (retreat follow-up), registered with the engine in
:mod:`lms.reminders.rules`: due and overdue items to their owner, long-overdue items to the unit
head, and the plan's lines in the head's and HR's weekly digests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.actions.models import ActionItem
from lms.actions.services import open_clause, rollups
from lms.extensions import db
from lms.i18n import format_day, wib_today
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.reminders.rules import (
    DIGEST_SECTIONS,
    HR_SECTIONS,
    Due,
    _heads_by_unit,
    before_window,
    escalation_head,
    overdue_period,
    rule,
)


def _open_items(today: date):
    """Items their owner still has to work on, with owner and unit, active owners only."""
    return (
        select(ActionItem)
        .join(User, User.id == ActionItem.owner_id)
        .where(open_clause(), User.active.is_(True))
    )


def _item_url(item_id: int) -> str:
    return f"/actions/items/{item_id}"


@rule(
    "action_due",
    _l("Tenggat rencana aksi"),
    _l("7 dan 1 hari sebelum tenggat, kepada penanggung jawab butir rencana aksi."),
)
def action_due(now: datetime) -> Iterator[Due]:
    """An action item due in 7 days and in 1 day: to its owner."""
    today = wib_today(now)
    thresholds = current_app.config["REMIND_ACTION_DAYS"]
    horizon = today + timedelta(days=max(thresholds))
    items = db.session.scalars(
        _open_items(today).where(ActionItem.due_date >= today, ActionItem.due_date <= horizon)
    )
    for item in items:
        days_left = (item.due_date - today).days
        window = before_window(days_left, thresholds)
        if window is None:
            continue
        yield Due(
            item.owner_id,
            f"action_due:u{item.owner_id}:i{item.id}:d{window}",
            "action",
            "action_due",
            _("Tenggat rencana aksi: %(title)s", title=item.title),
            _(
                "Butir rencana aksi %(title)s bertenggat %(date)s (%(n)d hari lagi). "
                "Progres saat ini %(p)d%%. Laporkan progres dan bukti dukungnya di Sinau.",
                title=item.title,
                date=format_day(item.due_date),
                n=days_left,
                p=item.progress,
            ),
            _item_url(item.id),
        )


@rule(
    "action_overdue",
    _l("Rencana aksi lewat tenggat"),
    _l("Sepekan sekali kepada penanggung jawab butir yang sudah lewat tenggat."),
)
def action_overdue(now: datetime) -> Iterator[Due]:
    """An action item past its due date: weekly to its owner while it stays open."""
    today = wib_today(now)
    for item in db.session.scalars(_open_items(today).where(ActionItem.due_date < today)):
        days_over = (today - item.due_date).days
        yield Due(
            item.owner_id,
            f"action_overdue:u{item.owner_id}:i{item.id}:p{overdue_period(days_over)}",
            "action",
            "action_overdue",
            _("Rencana aksi melewati tenggat: %(title)s", title=item.title),
            _(
                "Tenggat butir rencana aksi %(title)s sudah lewat %(n)d hari (%(date)s). "
                "Perbarui progresnya, atau bicarakan penyesuaian tenggat dengan kepala unit.",
                title=item.title,
                n=days_over,
                date=format_day(item.due_date),
            ),
            _item_url(item.id),
        )


@rule(
    "action_escalation",
    _l("Eskalasi rencana aksi ke kepala unit"),
    _l("Sepekan sekali kepada kepala unit: butir yang lewat tenggat lebih dari 7 hari."),
)
def action_escalation(now: datetime) -> Iterator[Due]:
    """An action item overdue more than 7 days: copied to the unit head, once a week."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HEAD_DAYS"]
    heads = _heads_by_unit()
    cutoff = today - timedelta(days=after)
    rows = db.session.execute(
        _open_items(today)
        .where(ActionItem.due_date < cutoff)
        .with_only_columns(
            ActionItem.id,
            ActionItem.title,
            ActionItem.unit_id,
            ActionItem.owner_id,
            ActionItem.due_date,
            User.full_name,
        )
    )
    for item_id, title, unit_id, owner_id, due, owner_name in rows:
        head = escalation_head(unit_id, owner_id, heads)
        if head is None:
            continue
        days_over = (today - due).days
        yield Due(
            head,
            f"action_escalation:u{head}:i{item_id}:p{overdue_period(days_over)}",
            "escalation",
            "action_escalation",
            _("Rencana aksi tertunggak di unit Anda: %(title)s", title=title),
            _(
                "Butir %(title)s (penanggung jawab %(owner)s) sudah lewat tenggat %(n)d hari "
                "(%(date)s).",
                title=title,
                owner=owner_name,
                n=days_over,
                date=format_day(due),
            )
            + "\n"
            + _(
                "Yang perlu Anda lakukan: tanyakan kendalanya kepada penanggung jawab, lalu "
                "minta progres terbaru dilaporkan, atau ubah tenggat butir ini bila memang perlu "
                "disesuaikan."
            ),
            _item_url(item_id),
        )


def unit_action_figures(unit: Unit, today: date) -> dict:
    """A unit's action plan (sub-units rolled up), for the head's weekly digest."""
    rows = rollups(today, unit_ids=[unit.id])
    if not rows or not rows[0].total:
        return {}
    r = rows[0]
    line = _(
        "Rencana aksi: %(total)d butir, %(accepted)d diterima, %(review)d menunggu tinjauan, "
        "%(overdue)d melewati tenggat, rata-rata progres %(avg)d%%",
        total=r.total,
        accepted=r.accepted,
        review=r.review,
        overdue=r.overdue,
        avg=round(r.average_progress or 0),
    )
    return {"lines": [line], "actions": {"accepted": r.accepted, "overdue": r.overdue}}


DIGEST_SECTIONS.append(unit_action_figures)


def hr_action_lines(now: datetime) -> list[str]:
    """Action items overdue more than 30 days, per OPD: for HR's digest."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HR_DAYS"]
    cutoff = today - timedelta(days=after)
    opd = aliased(Unit)
    rows = db.session.execute(
        select(opd.name, func.count(ActionItem.id))
        .select_from(ActionItem)
        .join(Unit, Unit.id == ActionItem.unit_id)
        .join(opd, and_(opd.parent_id.is_(None), Unit.path.startswith(opd.path)))
        .where(ActionItem.id.in_(_open_items(today).with_only_columns(ActionItem.id)))
        .where(ActionItem.due_date < cutoff)
        .group_by(opd.name)
        .order_by(opd.name)
    ).all()
    return [
        _(
            "%(opd)s: %(n)d butir rencana aksi lewat tenggat lebih dari %(d)d hari",
            opd=name,
            n=n,
            d=after,
        )
        for name, n in rows
    ]


HR_SECTIONS.append(hr_action_lines)
