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
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.aiuse.models import AiUse, Dpia, Risk, Status
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
from lms.sql import concat, day_text, days_since, wib_days_since


def _url(entry_id: int) -> str:
    return f"/ai/entries/{entry_id}"


def _current(*columns):
    """``columns`` of the entries still in use (not stopped) whose responsible person is
    active."""
    return (
        select(*columns)
        .select_from(AiUse)
        .join(User, User.id == AiUse.responsible_id)
        .where(AiUse.status != Status.STOPPED.value, User.active.is_(True))
    )


def _dpia_missing():
    """High risk, and no DPIA signed off."""
    return and_(
        AiUse.risk == Risk.HIGH.value,
        ~AiUse.id.in_(select(Dpia.entry_id).where(Dpia.signed_off_at.is_not(None))),
    )


def _key(rule_name: str, person, *parts):
    """``<rule>:u<person>:e<entry>...`` in SQL, as the reminders of the register are keyed."""
    return concat(f"{rule_name}:u", person, ":e", AiUse.id, *parts)


def _to_responsible(
    rule_name: str, key_parts: tuple, condition, title: str, body: str, today: date, page: str = ""
) -> Iterator[Due]:
    """The reminders of ``rule_name`` to the responsible person of each entry in use that meets
    ``condition`` (new keys only, one query). ``title`` and ``body`` may use the entry's
    ``name``, its review ``date`` and ``n``, the days between today and that date."""
    key = _key(rule_name, AiUse.responsible_id, *key_parts)
    rows = db.session.execute(
        _current(AiUse.id, AiUse.responsible_id, AiUse.name, AiUse.next_review_on, key).where(
            condition, fresh(key)
        )
    ).all()
    for entry_id, person, name, review_on, found_key in rows:
        words = {"name": name}
        if review_on is not None:
            words.update(date=format_day(review_on), n=abs((review_on - today).days))
        yield Due(
            person,
            found_key,
            "action",
            rule_name,
            title % words,
            body % words,
            _url(entry_id) + page,
        )


@rule(
    "aiuse_review_due",
    _l("Tinjauan pemanfaatan AI"),
    _l("7 dan 1 hari sebelum tanggal tinjauan, kepada penanggung jawab pemanfaatan AI."),
)
def review_due(now: datetime) -> Iterator[Due]:
    """A review coming due: to the entry's responsible person (new keys only, one query per
    window)."""
    today = wib_today(now)
    title = _("Tinjauan pemanfaatan AI: %(name)s")
    body = _(
        "Pemanfaatan AI %(name)s dijadwalkan ditinjau pada %(date)s (%(n)d hari lagi). "
        "Periksa kembali jawaban, risiko, dan pengawasannya, lalu tetapkan tanggal "
        "tinjauan berikutnya."
    )
    for window, fewest, most in windows(current_app.config["REMIND_ACTION_DAYS"]):
        due = and_(
            AiUse.next_review_on >= today + timedelta(days=fewest),
            AiUse.next_review_on <= today + timedelta(days=most),
        )
        key_parts = (":r", day_text(AiUse.next_review_on), f":d{window}")
        yield from _to_responsible("aiuse_review_due", key_parts, due, title, body, today)


@rule(
    "aiuse_review_overdue",
    _l("Tinjauan pemanfaatan AI terlewat"),
    _l("Sepekan sekali kepada penanggung jawab pemanfaatan AI yang tinjauannya terlewat."),
)
def review_overdue(now: datetime) -> Iterator[Due]:
    """A review past its date: weekly to the responsible person until a new date is set."""
    today = wib_today(now)
    period = overdue_period(days_since(today, AiUse.next_review_on))
    key_parts = (":r", day_text(AiUse.next_review_on), ":p", period)
    title = _("Tinjauan pemanfaatan AI terlewat: %(name)s")
    body = _(
        "Tinjauan pemanfaatan AI %(name)s sudah lewat %(n)d hari (%(date)s). Tinjau "
        "sekarang dan tetapkan tanggal tinjauan berikutnya."
    )
    late = AiUse.next_review_on < today
    yield from _to_responsible("aiuse_review_overdue", key_parts, late, title, body, today)


@rule(
    "aiuse_dpia_missing",
    _l("DPIA pemanfaatan AI belum ada"),
    _l("Sepekan sekali kepada penanggung jawab pemanfaatan AI berisiko tinggi tanpa DPIA."),
)
def dpia_missing(now: datetime) -> Iterator[Due]:
    """A high-risk entry without a signed-off DPIA: weekly to the responsible person."""
    today = wib_today(now)
    waiting = wib_days_since(today, AiUse.created_at)
    period = case((waiting < 0, 0), else_=waiting) // 7
    title = _("DPIA belum lengkap: %(name)s")
    body = _(
        "Pemanfaatan AI %(name)s berisiko tinggi. Penilaian dampak pelindungan data "
        "pribadi (DPIA) perlu diisi dan disetujui kepala unit sebelum statusnya boleh "
        "berjalan (UU 27/2022 Pasal 34)."
    )
    yield from _to_responsible(
        "aiuse_dpia_missing", (":p", period), _dpia_missing(), title, body, today, "/dpia"
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
    """Reviews overdue and DPIAs missing for more than the escalation delay: to the head (the
    chain of heads joined in SQL, new keys only). A late review is what the head hears of
    when both apply."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HEAD_DAYS"]
    cutoff = today - timedelta(days=after)
    chain = escalation_table()
    head, _seat = escalated_to(chain, AiUse.responsible_id)
    late_review = and_(AiUse.next_review_on.is_not(None), AiUse.next_review_on < cutoff)
    waiting = wib_days_since(today, AiUse.created_at)
    days = case((late_review, days_since(today, AiUse.next_review_on)), else_=waiting)
    kind = case((late_review, literal("r")), else_=literal("d"))
    key = _key("aiuse_escalation", head, ":", kind, ":p", overdue_period(days))
    rows = db.session.execute(
        _current(
            AiUse.id,
            AiUse.name,
            AiUse.next_review_on,
            User.full_name,
            late_review,
            days,
            head,
            key,
        )
        .join(chain, chain.c.unit_id == AiUse.unit_id)
        .where(
            head.is_not(None),
            or_(late_review, and_(_dpia_missing(), waiting > after)),
            fresh(key),
        )
    ).all()
    title = _("Registri AI unit Anda perlu perhatian: %(name)s")
    body = _("Pemanfaatan AI %(name)s (penanggung jawab %(owner)s) %(reason)s.")
    late = _("tinjauannya terlewat %(n)d hari (%(date)s)")
    no_dpia = _("berisiko tinggi dan belum memiliki DPIA yang disetujui")
    todo = _(
        "Yang perlu Anda lakukan: minta penanggung jawab menyelesaikannya, atau ubah "
        "statusnya bila pemanfaatan ini sudah dihentikan."
    )
    for entry_id, name, review_on, owner, is_late, n, head_id, found_key in rows:
        reason = late % {"n": n, "date": format_day(review_on)} if is_late else no_dpia
        yield Due(
            head_id,
            found_key,
            "escalation",
            "aiuse_escalation",
            title % {"name": name},
            body % {"name": name, "owner": owner, "reason": reason} + "\n" + todo,
            _url(entry_id),
        )


def unit_register_table(units: list[Unit], today: date) -> dict[int, dict]:
    """A line for each of ``units``' heads' weekly digest: the unit's register (sub-units
    rolled up), when it has entries in use. One grouped query for all of them, rolled up along
    the units' paths in Python."""
    rows = db.session.execute(
        select(
            Unit.path,
            func.count(AiUse.id),
            func.count(AiUse.id).filter(_dpia_missing()),
            func.count(AiUse.id).filter(AiUse.next_review_on < today),
        )
        .join(Unit, Unit.id == AiUse.unit_id)
        .where(AiUse.status != Status.STOPPED.value)
        .group_by(Unit.path)
    ).all()
    wanted = {u.id: u for u in units}
    figures: dict[int, list[int]] = {}
    for path, *counts in rows:
        for unit_id in {int(p) for p in path.strip("/").split("/") if p} & wanted.keys():
            summed = figures.setdefault(unit_id, [0, 0, 0])
            summed[:] = [a + b for a, b in zip(summed, counts, strict=True)]
    line = _(
        "Registri AI: %(total)d pemanfaatan, %(missing)d berisiko tinggi tanpa DPIA yang "
        "disetujui, %(late)d tinjauan terlewat"
    )
    return {
        unit_id: {"lines": [line % {"total": total, "missing": missing, "late": late}]}
        for unit_id, (total, missing, late) in figures.items()
        if total
    }


DIGEST_TABLES.append(unit_register_table)  # after the action plans' line, as before


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
        .where(AiUse.id.in_(_current(AiUse.id)), or_(late_review, old_dpia))
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
