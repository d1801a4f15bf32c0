"""The digests: each unit head's weekly summary, HR's weekly digest of what is long overdue, and
HR's monthly summary. Rules like the others (:mod:`lms.reminders.rules`); features add their part
of a digest through ``DIGEST_SECTIONS`` and ``HR_SECTIONS`` there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from babel.dates import format_date
from flask import current_app
from sqlalchemy import and_, func, select

from lms.accounts.models import Role, User, UserRole
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import to_wib, wib_today
from lms.org.models import Unit
from lms.reminders.models import Notification
from lms.reminders.rules import (
    DIGEST_SECTIONS,
    HR_SECTIONS,
    Due,
    _not_completed,
    iso_week,
    obligations,
    rule,
)
from lms.reports import jp as jp_report


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


def digest_due(now: datetime) -> bool:
    """Whether this week's digest time (Monday 07.00 WIB by default) has come."""
    local = to_wib(now)
    config = current_app.config
    if local.weekday() != config["DIGEST_WEEKDAY"]:
        return local.weekday() > config["DIGEST_WEEKDAY"]
    return local.hour >= config["DIGEST_HOUR"]


def unit_training_figures(unit: Unit, today: date) -> dict:
    """Active people in a unit's subtree and, per course they owe (an enrolment with a
    deadline, as in the reports), how many owe it and how many finished it: one grouped query."""
    people = (
        select(User.id)
        .join(Unit, Unit.id == User.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True), User.active.is_(True))
    )
    total = db.session.scalar(select(func.count()).select_from(people.subquery()))
    figures = {"people": total, "courses": {}}
    rows = db.session.execute(
        select(
            Course.slug,
            Course.title,
            func.count(Enrollment.id),
            func.count(Enrollment.completed_at),
        )
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            Course.retired_at.is_(None),
            Enrollment.deadline.is_not(None),
            Enrollment.user_id.in_(people),
        )
        .group_by(Course.id, Course.slug, Course.title)
        .order_by(Course.title)
    )
    for slug, title, owed, done in rows:
        figures["courses"][slug] = {"title": title, "owed": owed, "done": done}
    return figures


DIGEST_SECTIONS.insert(0, unit_training_figures)  # the courses come first in the digest


@rule(
    "head_digest",
    _l("Ringkasan mingguan kepala unit"),
    _l("Senin pukul 07.00 WIB: penyelesaian kursus wajib dan rencana aksi unit yang dipimpin."),
)
def head_digest(now: datetime) -> Iterator[Due]:
    """Monday 07.00 WIB: each unit head gets the unit's training and action plan status."""
    if not digest_due(now):
        return
    today = wib_today(now)
    week = iso_week(today)
    units = db.session.scalars(
        select(Unit).join(User, User.id == Unit.head_id).where(User.active.is_(True))
    ).all()
    for unit in units:
        figures: dict = {"lines": []}
        for section in DIGEST_SECTIONS:
            found = section(unit, today)
            figures["lines"] += found.pop("lines", [])
            figures.update(found)
        previous = db.session.scalar(
            select(Notification.data)
            .where(Notification.user_id == unit.head_id, Notification.rule == "head_digest")
            .order_by(Notification.created_at.desc())
            .limit(1)
        )
        lines = [_("Pegawai aktif: %(n)d", n=figures["people"])]
        if not figures["courses"]:
            lines.append(
                _(
                    "Kursus wajib: belum ada kursus wajib bertenggat bagi pegawai unit ini, "
                    "jadi belum ada persentase penyelesaian."
                )
            )
        for slug, course in figures["courses"].items():
            before = ((previous or {}).get(str(unit.id)) or {}).get("courses", {}).get(slug, {})
            change = course["done"] - before.get("done", course["done"])
            line = _(
                "%(title)s: %(done)d dari %(owed)d pegawai selesai (%(pct)d%%)",
                title=course["title"],
                done=course["done"],
                owed=course["owed"],
                pct=round(100 * course["done"] / course["owed"]),
            )
            if previous is not None:
                line += " · " + _("%(change)+d dibanding pekan lalu", change=change)
            lines.append(line)
        lines += figures["lines"]
        actions = figures.get("actions")
        before = ((previous or {}).get(str(unit.id)) or {}).get("actions")
        if actions and before:
            lines.append(
                _(
                    "Butir rencana aksi diterima: %(change)+d dibanding pekan lalu",
                    change=actions["accepted"] - before.get("accepted", 0),
                )
            )
        yield Due(
            unit.head_id,
            f"head_digest:u{unit.head_id}:n{unit.id}:{week}",
            "digest",
            "head_digest",
            _("Ringkasan mingguan %(unit)s", unit=unit.name),
            "\n".join(
                [*lines, _("Siapa yang belum selesai, dan progres tiap sub-unit: laporan unit.")]
            ),
            f"/reports/units/{unit.id}",
            {str(unit.id): {k: v for k, v in figures.items() if k != "lines"}},
        )


def hr_course_lines(now: datetime) -> list[str]:
    """Mandatory courses overdue more than 30 days, by course: for HR's digest."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HR_DAYS"]
    lines = []
    for ob in obligations():
        if ob.deadline is None or (today - ob.deadline).days <= after:
            continue
        n = db.session.scalar(select(func.count()).select_from(_not_completed(ob).subquery()))
        if n:
            lines.append(
                _(
                    "%(title)s: %(n)d pegawai belum selesai, lewat tenggat lebih dari %(d)d hari",
                    title=ob.course.title,
                    n=n,
                    d=after,
                )
            )
    return lines


HR_SECTIONS.insert(0, hr_course_lines)


@rule(
    "hr_digest",
    _l("Ringkasan mingguan BKD"),
    _l("Senin pukul 07.00 WIB, kepada BKD: tunggakan lebih dari 30 hari di seluruh provinsi."),
)
def hr_digest(now: datetime) -> Iterator[Due]:
    """Weekly, for HR: what is overdue more than 30 days across the province."""
    if not digest_due(now):
        return
    lines = [line for section in HR_SECTIONS for line in section(now)]
    if not lines:
        return
    week = iso_week(wib_today(now))
    for hr in people_with_role(Role.HR):
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
    for hr in people_with_role(Role.HR):
        yield Due(
            hr,
            f"hr_summary:u{hr}:{month}",
            "summary",
            "hr_summary",
            _("Ringkasan bulanan Sinau: %(month)s", month=month_name(previous_month_start)),
            body,
            "/reports/units/",
        )
