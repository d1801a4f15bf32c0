"""The AI register's reminder rules, registered with the engine in lms/reminders/rules.py.

Reviews coming due and overdue go to the entry's responsible person; a high-risk entry without
a signed-off DPIA too. After ``LMS_ESCALATE_HEAD_DAYS`` the unit head hears of it once a week
(the head above, when the head is the one responsible), and BKD's weekly digest lists, per
Perangkat Daerah, what has waited longer than ``LMS_ESCALATE_HR_DAYS``; the head's weekly digest
gets a line on the unit's register. Imported by
lms/aiuse/views.py, so the rules exist wherever the app does (scheduler and CLI included).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.aiuse.models import AiUse, Dpia, Risk, Status
from lms.extensions import db
from lms.i18n import format_day, to_wib, wib_today
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


def _url(entry_id: int) -> str:
    return f"/ai/entries/{entry_id}"


def _current():
    """Entries still in use (not stopped) whose responsible person is active."""
    return (
        select(AiUse)
        .join(User, User.id == AiUse.responsible_id)
        .where(AiUse.status != Status.STOPPED.value, User.active.is_(True))
    )


def _dpia_missing():
    """High risk, and no DPIA signed off."""
    return and_(
        AiUse.risk == Risk.HIGH.value,
        ~AiUse.id.in_(select(Dpia.entry_id).where(Dpia.signed_off_at.is_not(None))),
    )


def _waiting_days(entry: AiUse, today: date) -> int:
    return (today - to_wib(entry.created_at).date()).days


@rule(
    "aiuse_review_due",
    _l("Tinjauan pemanfaatan AI"),
    _l("7 dan 1 hari sebelum tanggal tinjauan, kepada penanggung jawab pemanfaatan AI."),
)
def review_due(now: datetime) -> Iterator[Due]:
    """A review coming due: to the entry's responsible person."""
    today = wib_today(now)
    thresholds = current_app.config["REMIND_ACTION_DAYS"]
    horizon = today + timedelta(days=max(thresholds))
    entries = db.session.scalars(
        _current().where(AiUse.next_review_on >= today, AiUse.next_review_on <= horizon)
    )
    for entry in entries:
        days_left = (entry.next_review_on - today).days
        window = before_window(days_left, thresholds)
        if window is None:
            continue
        yield Due(
            entry.responsible_id,
            f"aiuse_review_due:u{entry.responsible_id}:e{entry.id}:"
            f"r{entry.next_review_on:%Y%m%d}:d{window}",
            "action",
            "aiuse_review_due",
            _("Tinjauan pemanfaatan AI: %(name)s", name=entry.name),
            _(
                "Pemanfaatan AI %(name)s dijadwalkan ditinjau pada %(date)s (%(n)d hari lagi). "
                "Periksa kembali jawaban, risiko, dan pengawasannya, lalu tetapkan tanggal "
                "tinjauan berikutnya.",
                name=entry.name,
                date=format_day(entry.next_review_on),
                n=days_left,
            ),
            _url(entry.id),
        )


@rule(
    "aiuse_review_overdue",
    _l("Tinjauan pemanfaatan AI terlewat"),
    _l("Sepekan sekali kepada penanggung jawab pemanfaatan AI yang tinjauannya terlewat."),
)
def review_overdue(now: datetime) -> Iterator[Due]:
    """A review past its date: weekly to the responsible person until a new date is set."""
    today = wib_today(now)
    for entry in db.session.scalars(_current().where(AiUse.next_review_on < today)):
        days_over = (today - entry.next_review_on).days
        yield Due(
            entry.responsible_id,
            f"aiuse_review_overdue:u{entry.responsible_id}:e{entry.id}:"
            f"r{entry.next_review_on:%Y%m%d}:p{overdue_period(days_over)}",
            "action",
            "aiuse_review_overdue",
            _("Tinjauan pemanfaatan AI terlewat: %(name)s", name=entry.name),
            _(
                "Tinjauan pemanfaatan AI %(name)s sudah lewat %(n)d hari (%(date)s). Tinjau "
                "sekarang dan tetapkan tanggal tinjauan berikutnya.",
                name=entry.name,
                n=days_over,
                date=format_day(entry.next_review_on),
            ),
            _url(entry.id),
        )


@rule(
    "aiuse_dpia_missing",
    _l("DPIA pemanfaatan AI belum ada"),
    _l("Sepekan sekali kepada penanggung jawab pemanfaatan AI berisiko tinggi tanpa DPIA."),
)
def dpia_missing(now: datetime) -> Iterator[Due]:
    """A high-risk entry without a signed-off DPIA: weekly to the responsible person."""
    today = wib_today(now)
    for entry in db.session.scalars(_current().where(_dpia_missing())):
        period = max(_waiting_days(entry, today), 0) // 7
        yield Due(
            entry.responsible_id,
            f"aiuse_dpia_missing:u{entry.responsible_id}:e{entry.id}:p{period}",
            "action",
            "aiuse_dpia_missing",
            _("DPIA belum lengkap: %(name)s", name=entry.name),
            _(
                "Pemanfaatan AI %(name)s berisiko tinggi. Penilaian dampak pelindungan data "
                "pribadi (DPIA) perlu diisi dan disetujui kepala unit sebelum statusnya boleh "
                "berjalan (UU 27/2022 Pasal 34).",
                name=entry.name,
            ),
            _url(entry.id) + "/dpia",
        )


@rule(
    "aiuse_escalation",
    _l("Eskalasi registri AI ke kepala unit"),
    _l(
        "Sepekan sekali kepada kepala unit: tinjauan yang terlewat dan DPIA yang belum ada "
        "lebih dari 7 hari."
    ),
)
def escalation(now: datetime) -> Iterator[Due]:
    """Reviews overdue and DPIAs missing for more than the escalation delay: to the head."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HEAD_DAYS"]
    cutoff = today - timedelta(days=after)
    heads = _heads_by_unit()
    late_review = and_(AiUse.next_review_on.is_not(None), AiUse.next_review_on < cutoff)
    entries = db.session.execute(
        _current()
        .where(or_(late_review, _dpia_missing()))
        .add_columns(User.full_name, late_review.label("late_review"))
    ).all()
    for entry, owner, is_late in entries:
        head = escalation_head(entry.unit_id, entry.responsible_id, heads)
        if head is None:
            continue
        if is_late:
            days = (today - entry.next_review_on).days
            kind, reason = (
                "r",
                _("tinjauannya terlewat %(n)d hari (%(date)s)", n=days,
                  date=format_day(entry.next_review_on)),
            )  # fmt: skip
        else:
            days = _waiting_days(entry, today)
            if days <= after:
                continue
            kind, reason = "d", _("berisiko tinggi dan belum memiliki DPIA yang disetujui")
        yield Due(
            head,
            f"aiuse_escalation:u{head}:e{entry.id}:{kind}:p{overdue_period(days)}",
            "escalation",
            "aiuse_escalation",
            _("Registri AI unit Anda perlu perhatian: %(name)s", name=entry.name),
            _(
                "Pemanfaatan AI %(name)s (penanggung jawab %(owner)s) %(reason)s.",
                name=entry.name,
                owner=owner,
                reason=reason,
            )
            + "\n"
            + _(
                "Yang perlu Anda lakukan: minta penanggung jawab menyelesaikannya, atau ubah "
                "statusnya bila pemanfaatan ini sudah dihentikan."
            ),
            _url(entry.id),
        )


def unit_register_figures(unit: Unit, today: date) -> dict:
    """A line for the head's weekly digest: the unit's register (sub-units rolled up), when it
    has entries in use: one grouped query."""
    row = db.session.execute(
        select(
            func.count(AiUse.id),
            func.count(AiUse.id).filter(_dpia_missing()),
            func.count(AiUse.id).filter(AiUse.next_review_on < today),
        )
        .join(Unit, Unit.id == AiUse.unit_id)
        .where(
            Unit.path.startswith(unit.path, autoescape=True),
            AiUse.status != Status.STOPPED.value,
        )
    ).one()
    total, missing, late = row
    if not total:
        return {}
    line = _(
        "Registri AI: %(total)d pemanfaatan, %(missing)d berisiko tinggi tanpa DPIA yang "
        "disetujui, %(late)d tinjauan terlewat",
        total=total,
        missing=missing,
        late=late,
    )
    return {"lines": [line]}


DIGEST_SECTIONS.append(unit_register_figures)


def hr_lines(now: datetime) -> list[str]:
    """Per Perangkat Daerah: reviews overdue and DPIAs missing longer than HR's delay."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HR_DAYS"]
    cutoff = today - timedelta(days=after)
    opd = aliased(Unit)
    late_review = and_(AiUse.next_review_on.is_not(None), AiUse.next_review_on < cutoff)
    old_dpia = and_(
        _dpia_missing(), AiUse.created_at < datetime.combine(cutoff, datetime.min.time())
    )
    rows = db.session.execute(
        select(
            opd.name,
            func.count(AiUse.id).filter(late_review),
            func.count(AiUse.id).filter(old_dpia),
        )
        .select_from(AiUse)
        .join(Unit, Unit.id == AiUse.unit_id)
        .join(opd, and_(opd.parent_id.is_(None), Unit.path.startswith(opd.path)))
        .where(AiUse.id.in_(_current().with_only_columns(AiUse.id)), or_(late_review, old_dpia))
        .group_by(opd.name)
        .order_by(opd.name)
    ).all()
    return [
        _(
            "%(opd)s: registri AI dengan %(reviews)d tinjauan terlewat dan %(dpias)d DPIA belum "
            "ada, lebih dari %(d)d hari",
            opd=name,
            reviews=reviews,
            dpias=dpias,
            d=after,
        )
        for name, reviews, dpias in rows
    ]


HR_SECTIONS.append(hr_lines)
