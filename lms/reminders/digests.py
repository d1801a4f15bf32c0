"""The digests: each unit head's weekly summary, HR's weekly digest of what is long overdue, and
HR's monthly summary. Rules like the others (:mod:`lms.reminders.rules`); features add their part
of a digest through ``DIGEST_SECTIONS`` and ``HR_SECTIONS`` there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from babel.dates import format_date
from flask import current_app
from sqlalchemy import and_, exists, func, select

from lms.accounts.models import Role, User, UserRole
from lms.courses.models import Enrollment
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import to_wib, wib_today
from lms.org.models import Unit
from lms.reminders.models import Notification
from lms.reminders.rules import DIGEST_SECTIONS, DIGEST_TABLES, HR_SECTIONS, Due, iso_week, rule
from lms.reports import jp as jp_report
from lms.sql import concat


def month_name(day: date) -> str:
    """November 2026 (always Indonesian: reminders are written in Indonesian)."""
    return format_date(day, "MMMM y", locale="id")


def people_with_role(role: Role) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == role.value))
            .where(User.active.is_(True))
        )
    )


def _previous_digests(heads: list[int]) -> dict[int, dict | None]:
    """Each head's latest weekly digest figures (to say what changed): one query."""
    latest = (
        select(Notification.user_id, func.max(Notification.id).label("id"))
        .where(Notification.rule == "head_digest", Notification.user_id.in_(heads))
        .group_by(Notification.user_id)
        .subquery("latest")
    )
    return dict(
        db.session.execute(
            select(Notification.user_id, Notification.data).join(
                latest, latest.c.id == Notification.id
            )
        ).all()
    )


def _exists(key: str) -> bool:
    return bool(db.session.scalar(select(exists().where(Notification.key == key))))


def digest_due(now: datetime) -> bool:
    """Whether this week's digest time (Monday 07.00 WIB by default) has come."""
    local = to_wib(now)
    config = current_app.config
    if local.weekday() != config["DIGEST_WEEKDAY"]:
        return local.weekday() > config["DIGEST_WEEKDAY"]
    return local.hour >= config["DIGEST_HOUR"]


@rule(
    "head_digest",
    _l("Ringkasan mingguan kepala unit"),
    _l("Senin pukul 07.00 WIB: penyelesaian kursus wajib dan rencana aksi unit yang dipimpin."),
    last=True,
)
def head_digest(now: datetime) -> Iterator[Due]:
    """Monday 07.00 WIB: each unit head gets the unit's training and action plan status."""
    if not digest_due(now):
        return
    today = wib_today(now)
    week = iso_week(today)
    key = concat("head_digest:u", Unit.head_id, ":n", Unit.id, f":{week}")
    units = db.session.scalars(
        select(Unit)
        .join(User, User.id == Unit.head_id)
        .where(User.active.is_(True), ~exists().where(Notification.key == key))
        .order_by(Unit.id)
    ).all()
    if not units:
        return
    tables = [table(units, today) for table in DIGEST_TABLES]
    previous = _previous_digests([u.head_id for u in units])
    for unit in units:
        figures: dict = {"lines": []}
        for found in [t.get(unit.id, {}) for t in tables] + [
            section(unit, today) for section in DIGEST_SECTIONS
        ]:
            found = dict(found)
            figures["lines"] += found.pop("lines", [])
            figures.update(found)
        previous_data = previous.get(unit.head_id)
        figures.setdefault("people", 0)
        figures.setdefault("courses", {})
        lines = [_("Pegawai aktif: %(n)d", n=figures["people"])]
        if not figures["courses"]:
            lines.append(
                _(
                    "Kursus wajib: belum ada kursus wajib bertenggat bagi pegawai unit ini, "
                    "jadi belum ada persentase penyelesaian."
                )
            )
        for slug, course in figures["courses"].items():
            before = (
                ((previous_data or {}).get(str(unit.id)) or {}).get("courses", {}).get(slug, {})
            )
            change = course["done"] - before.get("done", course["done"])
            line = _(
                "%(title)s: %(done)d dari %(owed)d pegawai selesai (%(pct)d%%)",
                title=course["title"],
                done=course["done"],
                owed=course["owed"],
                pct=round(100 * course["done"] / course["owed"]),
            )
            if previous_data is not None:
                line += " · " + _("%(change)+d dibanding pekan lalu", change=change)
            lines.append(line)
        lines += figures["lines"]
        actions = figures.get("actions")
        before = ((previous_data or {}).get(str(unit.id)) or {}).get("actions")
        if actions and before:
            lines.append(
                _(
                    "Butir rencana aksi diterima: %(change)+d dibanding pekan lalu",
                    change=actions["accepted"] - before.get("accepted", 0),
                )
            )
        yield Due(
            unit.head_id,
            f"head_digest:u{unit.head_id}:n{unit.id}:{week}",  # as ``key`` above
            "digest",
            "head_digest",
            _("Ringkasan mingguan %(unit)s", unit=unit.name),
            "\n".join(
                [*lines, _("Siapa yang belum selesai, dan progres tiap sub-unit: laporan unit.")]
            ),
            f"/reports/units/{unit.id}",
            {str(unit.id): {k: v for k, v in figures.items() if k != "lines"}},
        )


@rule(
    "hr_digest",
    _l("Ringkasan mingguan BKD"),
    _l("Senin pukul 07.00 WIB, kepada BKD: tunggakan lebih dari 30 hari di seluruh provinsi."),
    last=True,
)
def hr_digest(now: datetime) -> Iterator[Due]:
    """Weekly, for HR: what is overdue more than 30 days across the province."""
    if not digest_due(now):
        return
    week = iso_week(wib_today(now))
    hr_people = [hr for hr in people_with_role(Role.HR) if not _exists(f"hr_digest:u{hr}:{week}")]
    if not hr_people:
        return  # this week's digest went out already: nothing to count
    lines = [line for section in HR_SECTIONS for line in section(now)]
    if not lines:
        return
    for hr in hr_people:
        yield Due(
            hr,
            f"hr_digest:u{hr}:{week}",
            "digest",
            "hr_digest",
            _(
                "Ringkasan mingguan BKD: tunggakan lebih dari %(d)d hari",
                d=current_app.config["ESCALATE_HR_DAYS"],
            ),
            "\n".join(
                [*lines, _("Rincian per Perangkat Daerah dan per pegawai: laporan provinsi.")]
            ),
            "/reports/units/",
        )


@rule(
    "hr_summary",
    _l("Ringkasan bulanan BKD"),
    _l("Awal bulan, kepada BKD: kursus yang diselesaikan dan JP yang diperoleh bulan lalu."),
    last=True,
)
def hr_summary(now: datetime) -> Iterator[Due]:
    """Monthly, for HR: completions and JP across the province."""
    local = to_wib(now)
    config = current_app.config
    if local.day < config["SUMMARY_DAY"] or (
        local.day == config["SUMMARY_DAY"] and local.hour < config["DIGEST_HOUR"]
    ):
        return
    month = f"{local:%Y-%m}"
    hr_people = [hr for hr in people_with_role(Role.HR) if not _exists(f"hr_summary:u{hr}:{month}")]
    if not hr_people:
        return  # this month's summary went out already: nothing to count
    first = local.date().replace(day=1)
    previous_month_start = (first - timedelta(days=1)).replace(day=1)
    completions = db.session.scalar(
        select(func.count(Enrollment.id)).where(
            Enrollment.completed_on >= previous_month_start, Enrollment.completed_on < first
        )
    )
    jp = db.session.scalar(
        select(func.coalesce(func.sum(Enrollment.jp_earned), 0)).where(
            Enrollment.completed_on >= previous_month_start, Enrollment.completed_on < first
        )
    )
    people = db.session.scalar(select(func.count(User.id)).where(User.active.is_(True)))
    body = "\n".join(
        [
            _("Pegawai aktif: %(n)d", n=people),
            _("Kursus diselesaikan bulan lalu: %(n)d", n=completions),
            _("JP diperoleh bulan lalu: %(n)d", n=jp),
            *jp_report.summary_lines(local.date()),
        ]
    )
    for hr in hr_people:
        yield Due(
            hr,
            f"hr_summary:u{hr}:{month}",
            "summary",
            "hr_summary",
            _("Ringkasan bulanan Sinau: %(month)s", month=month_name(previous_month_start)),
            body,
            "/reports/units/",
        )
