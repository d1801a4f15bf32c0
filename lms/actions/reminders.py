"""The action plans' reminder rules (retreat follow-up), registered with the engine in
:mod:`lms.reminders.rules`: due and overdue items to their owner, long-overdue items to the unit
head, and the plan's lines in the head's and HR's weekly digests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.actions.models import ActionItem
from lms.actions.queries import open_clause, rollups
from lms.extensions import db
from lms.i18n import format_day, wib_today
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.reminders.rules import (
    DIGEST_TABLES,
    HR_SECTIONS,
    Due,
    escalated_to,
    escalation_table,
    fresh,
    overdue_period,
    rule,
    windows,
)
from lms.sql import concat, days_since


def _open_items(today: date):
    """Items their owner still has to work on, with owner and unit, active owners only."""
    return (
        select(ActionItem)
        .join(User, User.id == ActionItem.owner_id)
        .where(open_clause(), User.active.is_(True))
    )


#: The columns the owner's reminders need: plain rows, so committing a batch of reminders while
#: the rule runs does not expire entities and reload them one by one.
_ITEM = (
    ActionItem.id,
    ActionItem.owner_id,
    ActionItem.title,
    ActionItem.due_date,
    ActionItem.progress,
)


def _item_url(item_id: int) -> str:
    return f"/actions/items/{item_id}"


@rule(
    "action_due",
    _l("Tenggat rencana aksi"),
    _l("7 dan 1 hari sebelum tenggat, kepada penanggung jawab butir rencana aksi."),
)
def action_due(now: datetime) -> Iterator[Due]:
    """An action item due in 7 days and in 1 day: to its owner (new keys only, one query per
    window)."""
    today = wib_today(now)
    title = _("Tenggat rencana aksi: %(title)s")
    body = _(
        "Butir rencana aksi %(title)s bertenggat %(date)s (%(n)d hari lagi). "
        "Progres saat ini %(p)d%%. Laporkan progres dan bukti dukungnya di Sinau."
    )
    day = cache(format_day)
    for window, fewest, most in windows(current_app.config["REMIND_ACTION_DAYS"]):
        key = concat("action_due:u", ActionItem.owner_id, ":i", ActionItem.id, f":d{window}")
        rows = db.session.execute(
            _open_items(today)
            .where(
                ActionItem.due_date >= today + timedelta(days=fewest),
                ActionItem.due_date <= today + timedelta(days=most),
                fresh(key),
            )
            .with_only_columns(*_ITEM, key)
        )
        for item in rows:
            days_left = (item.due_date - today).days
            yield Due(
                item.owner_id,
                item[-1],
                "action",
                "action_due",
                title % {"title": item.title},
                body
                % {
                    "title": item.title,
                    "date": day(item.due_date),
                    "n": days_left,
                    "p": item.progress,
                },
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
    period = overdue_period(days_since(today, ActionItem.due_date))
    key = concat("action_overdue:u", ActionItem.owner_id, ":i", ActionItem.id, ":p", period)
    rows = db.session.execute(
        _open_items(today)
        .where(ActionItem.due_date < today, fresh(key))
        .with_only_columns(*_ITEM, key)
    ).all()
    title = _("Rencana aksi melewati tenggat: %(title)s")
    body = _(
        "Tenggat butir rencana aksi %(title)s sudah lewat %(n)d hari (%(date)s). "
        "Perbarui progresnya, atau bicarakan penyesuaian tenggat dengan kepala unit."
    )
    day = cache(format_day)
    for item in rows:
        days_over = (today - item.due_date).days
        yield Due(
            item.owner_id,
            item[-1],
            "action",
            "action_overdue",
            title % {"title": item.title},
            body % {"title": item.title, "n": days_over, "date": day(item.due_date)},
            _item_url(item.id),
        )


@rule(
    "action_escalation",
    _l("Eskalasi rencana aksi ke kepala unit"),
    _l("Sepekan sekali kepada kepala unit: butir yang lewat tenggat lebih dari 7 hari."),
)
def action_escalation(now: datetime) -> Iterator[Due]:
    """An action item overdue more than 7 days: copied to the unit head, once a week (the chain
    of heads joined in SQL, new keys only)."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HEAD_DAYS"]
    cutoff = today - timedelta(days=after)
    chain = escalation_table()
    head, _seat = escalated_to(chain, ActionItem.owner_id)
    period = overdue_period(days_since(today, ActionItem.due_date))
    key = concat("action_escalation:u", head, ":i", ActionItem.id, ":p", period)
    rows = db.session.execute(
        _open_items(today)
        .join(chain, chain.c.unit_id == ActionItem.unit_id)
        .where(ActionItem.due_date < cutoff, head.is_not(None), fresh(key))
        .with_only_columns(
            ActionItem.id,
            ActionItem.title,
            ActionItem.due_date,
            User.full_name,
            head,
            key,
        )
    )
    heading = _("Rencana aksi tertunggak di unit Anda: %(title)s")
    body = _(
        "Butir %(title)s (penanggung jawab %(owner)s) sudah lewat tenggat %(n)d hari (%(date)s)."
    )
    todo = _(
        "Yang perlu Anda lakukan: tanyakan kendalanya kepada penanggung jawab, lalu "
        "minta progres terbaru dilaporkan, atau ubah tenggat butir ini bila memang perlu "
        "disesuaikan."
    )
    day = cache(format_day)
    for item_id, title, due, owner_name, head_id, found_key in rows.all():
        days_over = (today - due).days
        yield Due(
            head_id,
            found_key,
            "escalation",
            "action_escalation",
            heading % {"title": title},
            body % {"title": title, "owner": owner_name, "n": days_over, "date": day(due)}
            + "\n"
            + todo,
            _item_url(item_id),
        )


def unit_action_table(units: list[Unit], today: date) -> dict[int, dict]:
    """Each unit's action plan (sub-units rolled up), for the heads' weekly digests: one
    grouped query for all of them."""
    found = {}
    for r in rollups(today, unit_ids=[u.id for u in units]):
        if not r.total:
            continue
        line = _(
            "Rencana aksi: %(total)d butir, %(accepted)d diterima, %(review)d menunggu "
            "tinjauan, %(overdue)d melewati tenggat, rata-rata progres %(avg)d%%",
            total=r.total,
            accepted=r.accepted,
            review=r.review,
            overdue=r.overdue,
            avg=round(r.average_progress or 0),
        )
        found[r.unit_id] = {
            "lines": [line],
            "actions": {"accepted": r.accepted, "overdue": r.overdue},
        }
    return found


DIGEST_TABLES.append(unit_action_table)


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
