"""The reminder rules: each finds due work for everyone at once, with a few grouped queries.

A rule returns :class:`Due` rows; the key (person, rule, subject, period) decides whether a
reminder already exists. Periods are windows, not single days, so a run that was missed (the
server was down at 07.00) still sends the reminder of that window later, and only once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from babel.dates import format_date
from flask import current_app
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import Role, User, UserRole
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.i18n import format_day, to_wib, wib_today
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.reminders.models import Notification
from lms.reports import jp as jp_report


@dataclass
class Due:
    user_id: int
    key: str
    category: str
    rule: str
    title: str
    body: str
    url: str
    data: dict | None = field(default=None)


Rule = Callable[[datetime], Iterator[Due]]
RULES: dict[str, Rule] = {}


@dataclass(frozen=True)
class RuleInfo:
    """What the admin page says about a rule: its name and one line on what it does."""

    label: object
    about: object


#: Rule name -> its Indonesian name and description (lazy strings: read in the page's language).
RULE_INFO: dict[str, RuleInfo] = {}


def rule(name: str, label, about) -> Callable[[Rule], Rule]:
    """Register a rule with the name and the line the admin reads on the reminders page."""

    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        RULE_INFO[name] = RuleInfo(label, about)
        return fn

    return register


def before_window(days_left: int, thresholds: list[int]) -> int | None:
    """The reminder window ``days_left`` falls in: 14 for 14..8 days, 7 for 7..2, 1 for 1..0."""
    for i, threshold in enumerate(thresholds):
        following = thresholds[i + 1] if i + 1 < len(thresholds) else -1
        if following < days_left <= threshold:
            return threshold
    return None


def overdue_period(days_over: int) -> int:
    """Weekly while overdue: days 1..7 are period 0, 8..14 period 1, and so on."""
    return (days_over - 1) // current_app.config["REMIND_OVERDUE_EVERY_DAYS"]


def _learners():
    """Active people who hold the learner role (a select of user ids)."""
    return (
        select(User.id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.LEARNER.value))
        .where(User.active.is_(True))
    )


@dataclass
class Obligation:
    """A mandatory course owed by a set of people by a deadline."""

    course: Course
    deadline: date | None
    assigned_on: date
    people: object  # a select of user ids


def obligations() -> list[Obligation]:
    """Courses people owe by a deadline, and who owes them.

    A course HR has assigned is owed by the people its live assignments cover, each by their
    earliest deadline: one obligation per (course, deadline), counted from the day the first
    assignment with that deadline was made. A mandatory course of course.toml that has no
    assignment stays owed by every learner by its own deadline. A mandatory course without a
    deadline is owed by nobody (as in the reports): it is recommended until HR assigns it.
    """
    from lms.assignments.models import Assignment
    from lms.assignments.services import assigned_deadlines

    found: list[Obligation] = []
    assigned = assigned_deadlines().subquery("assigned")
    groups = db.session.execute(
        select(Assignment.course_id, Assignment.deadline, func.min(Assignment.created_at))
        .join(Course, Course.id == Assignment.course_id)
        .where(Assignment.cancelled_at.is_(None), Course.retired_at.is_(None))
        .group_by(Assignment.course_id, Assignment.deadline)
        .order_by(Assignment.course_id, Assignment.deadline)
    ).all()
    courses = {
        c.id: c
        for c in db.session.scalars(select(Course).where(Course.id.in_({g[0] for g in groups})))
    }
    for course_id, deadline, first_at in groups:
        people = select(assigned.c.user_id).where(
            assigned.c.course_id == course_id, assigned.c.deadline == deadline
        )
        found.append(Obligation(courses[course_id], deadline, to_wib(first_at).date(), people))
    mandatory = db.session.scalars(
        select(Course).where(
            Course.retired_at.is_(None),
            Course.mandatory.is_(True),
            Course.deadline.is_not(None),
            Course.id.not_in(list(courses)),
        )
    ).all()
    found += [
        Obligation(c, c.deadline, to_wib(c.created_at).date(), _learners()) for c in mandatory
    ]
    return found


def _not_completed(obligation: Obligation):
    done = exists().where(
        Enrollment.user_id == User.id,
        Enrollment.course_id == obligation.course.id,
        Enrollment.completed_at.is_not(None),
    )
    return select(User.id).where(User.id.in_(obligation.people), ~done)


def _course_url(course: Course) -> str:
    return f"/courses/{course.slug}"


def _when(deadline: date, today: date) -> str:
    """ "30 Juni 2026 (7 hari lagi)", or "(hari ini)" on the day itself."""
    days = (deadline - today).days
    left = _("hari ini") if days == 0 else _("%(n)d hari lagi", n=days)
    return f"{format_day(deadline)} ({left})"


@rule(
    "course_due",
    _l("Tenggat kursus wajib"),
    _l("14, 7 dan 1 hari sebelum tenggat, kepada pegawai yang belum menyelesaikan kursus wajib."),
)
def course_due(now: datetime) -> Iterator[Due]:
    """A mandatory course not finished: 14, 7 and 1 days before its deadline."""
    today = wib_today(now)
    thresholds = current_app.config["REMIND_COURSE_DAYS"]
    for ob in obligations():
        if ob.deadline is None:
            continue
        window = before_window((ob.deadline - today).days, thresholds)
        if window is None:
            continue
        days_left = (ob.deadline - today).days
        title = _("Tenggat kursus wajib: %(title)s", title=ob.course.title)
        body = _(
            "Kursus wajib %(title)s harus diselesaikan paling lambat %(date)s (%(n)d hari lagi).",
            title=ob.course.title,
            date=format_day(ob.deadline),
            n=days_left,
        )
        for user_id in db.session.scalars(_not_completed(ob)):
            yield Due(
                user_id,
                f"course_due:u{user_id}:c{ob.course.id}:d{window}",
                "course",
                "course_due",
                title,
                body,
                _course_url(ob.course),
            )


@rule(
    "course_overdue",
    _l("Kursus wajib lewat tenggat"),
    _l("Sepekan sekali kepada pegawai yang kursus wajibnya sudah lewat tenggat."),
)
def course_overdue(now: datetime) -> Iterator[Due]:
    """A mandatory course past its deadline: weekly while it stays unfinished."""
    today = wib_today(now)
    for ob in obligations():
        if ob.deadline is None or ob.deadline >= today:
            continue
        days_over = (today - ob.deadline).days
        period = overdue_period(days_over)
        title = _("Kursus wajib melewati tenggat: %(title)s", title=ob.course.title)
        body = _(
            "Tenggat kursus wajib %(title)s sudah lewat %(n)d hari (%(date)s). "
            "Mohon segera diselesaikan.",
            title=ob.course.title,
            n=days_over,
            date=format_day(ob.deadline),
        )
        for user_id in db.session.scalars(_not_completed(ob)):
            yield Due(
                user_id,
                f"course_overdue:u{user_id}:c{ob.course.id}:p{period}",
                "course",
                "course_overdue",
                title,
                body,
                _course_url(ob.course),
            )


@rule(
    "course_not_started",
    _l("Kursus wajib belum dimulai"),
    _l("Sekali, sepekan setelah kursus ditugaskan, bila pegawai belum membuka materi apa pun."),
)
def course_not_started(now: datetime) -> Iterator[Due]:
    """A mandatory course never started a week after it was assigned: one nudge."""
    today = wib_today(now)
    wait = current_app.config["REMIND_NOT_STARTED_DAYS"]
    for ob in obligations():
        if (today - ob.assigned_on).days < wait or (ob.deadline and ob.deadline < today):
            continue
        started = exists().where(
            Enrollment.user_id == User.id,
            Enrollment.course_id == ob.course.id,
            Enrollment.last_activity_at.is_not(None),
        )
        people = select(User.id).where(User.id.in_(ob.people), ~started)
        title = _("Yuk, mulai kursus %(title)s", title=ob.course.title)
        body = _(
            "Kursus wajib %(title)s ditugaskan kepada Anda sejak %(since)s, tetapi belum Anda "
            "mulai. Selesaikan paling lambat %(when)s: buka kursusnya dan mulai dari materi "
            "pertama.",
            title=ob.course.title,
            since=format_day(ob.assigned_on),
            when=_when(ob.deadline, today),
        )
        for user_id in db.session.scalars(people):
            yield Due(
                user_id,
                f"course_not_started:u{user_id}:c{ob.course.id}",
                "course",
                "course_not_started",
                title,
                body,
                _course_url(ob.course),
            )


@rule(
    "course_stalled",
    _l("Kursus terhenti"),
    _l("Sekali, bila kursus yang sudah dimulai tidak ada kemajuan selama 14 hari."),
)
def course_stalled(now: datetime) -> Iterator[Due]:
    """A course started but without progress for 14 days: one nudge per pause."""
    days = current_app.config["REMIND_STALLED_DAYS"]
    today = wib_today(now)
    rows = db.session.execute(
        select(Enrollment.user_id, Enrollment.last_activity_at, Enrollment.deadline, Course)
        .join(Course, Course.id == Enrollment.course_id)
        .join(User, User.id == Enrollment.user_id)
        .where(
            User.active.is_(True),
            Course.retired_at.is_(None),
            Enrollment.completed_at.is_(None),
            Enrollment.last_activity_at.is_not(None),
            Enrollment.last_activity_at <= now - timedelta(days=days),
        )
    )
    for user_id, last, deadline, course in rows:
        body = _(
            "Sudah %(n)d hari tidak ada kemajuan pada kursus %(title)s. "
            "Lanjutkan dari materi terakhir Anda.",
            n=(now - last).days,
            title=course.title,
        )
        if deadline is not None and deadline >= today:
            body += " " + _("Tenggatnya %(when)s.", when=_when(deadline, today))
        yield Due(
            user_id,
            f"course_stalled:u{user_id}:c{course.id}:a{to_wib(last):%Y%m%d}",
            "course",
            "course_stalled",
            _("Lanjutkan kursus %(title)s", title=course.title),
            body,
            _course_url(course),
        )


def _heads_by_unit(seats: dict[int, int] | None = None) -> dict[int, int]:
    """For each unit, who receives escalations: its head, or the nearest head above it.

    ``seats``, when given, is filled with the unit each of those heads heads (whose report
    lists the person), for the link of an escalation.
    """
    units = db.session.execute(select(Unit.id, Unit.parent_id, Unit.head_id)).all()
    parent = {u: p for u, p, _ in units}
    head = {u: h for u, _, h in units}
    resolved: dict[int, int] = {}
    for unit in parent:
        cursor, seen = unit, set()
        while cursor is not None and cursor not in seen and head.get(cursor) is None:
            seen.add(cursor)
            cursor = parent.get(cursor)
        if cursor is not None and head.get(cursor):
            resolved[unit] = head[cursor]
            if seats is not None:
                seats[unit] = cursor
    return resolved


def escalation_head(unit_id: int | None, person_id: int, heads: dict[int, int]) -> int | None:
    """The head a person's overdue work goes to; a head's own work goes one level up."""
    unit_id = escalation_unit(unit_id, person_id, heads)
    return heads.get(unit_id) if unit_id is not None else None


def escalation_unit(unit_id: int | None, person_id: int, heads: dict[int, int]) -> int | None:
    """The unit whose head hears of a person's overdue work: the person's own unit, or its
    parent when the person is that head."""
    if unit_id not in heads:
        return None  # nobody heads the unit or any unit above it
    if heads[unit_id] == person_id:
        unit = db.session.get(Unit, unit_id)
        return unit.parent_id if unit and unit.parent_id in heads else None
    return unit_id


@rule(
    "course_escalation",
    _l("Eskalasi kursus ke kepala unit"),
    _l("Sepekan sekali kepada kepala unit: siapa di unitnya yang lewat tenggat lebih dari 7 hari."),
)
def course_escalation(now: datetime) -> Iterator[Due]:
    """Mandatory courses overdue more than 7 days: each unit head hears who, once a week."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HEAD_DAYS"]
    seats: dict[int, int] = {}
    heads = _heads_by_unit(seats)
    for ob in obligations():
        if ob.deadline is None or (today - ob.deadline).days <= after:
            continue
        period = overdue_period((today - ob.deadline).days)
        late: dict[int, list[str]] = defaultdict(list)
        seat_of: dict[int, int] = {}
        rows = db.session.execute(
            select(User.id, User.unit_id, User.full_name).where(User.id.in_(_not_completed(ob)))
        )
        for person_id, unit_id, name in rows:
            unit = escalation_unit(unit_id, person_id, heads)
            if unit is not None:
                late[heads[unit]].append(name)
                seat_of.setdefault(heads[unit], seats[unit])
        for head, names in late.items():
            listed = ", ".join(sorted(names)[:20]) + (" …" if len(names) > 20 else "")
            yield Due(
                head,
                f"course_escalation:u{head}:c{ob.course.id}:p{period}",
                "escalation",
                "course_escalation",
                _(
                    "%(n)d pegawai di unit Anda melewati tenggat %(title)s",
                    n=len(names),
                    title=ob.course.title,
                ),
                _(
                    "Tenggat kursus wajib %(title)s (%(date)s) sudah lewat lebih dari %(d)d "
                    "hari untuk: %(names)s.",
                    title=ob.course.title,
                    date=format_day(ob.deadline),
                    d=after,
                    names=listed,
                )
                + "\n"
                + _(
                    "Yang perlu Anda lakukan: ingatkan mereka untuk menyelesaikannya pekan ini, "
                    "dan tanyakan bila ada kendala (waktu, akses, atau perangkat). Laporan unit "
                    "Anda menunjukkan progres setiap pegawai."
                ),
                f"/reports/units/{seat_of[head]}/people?course={ob.course.id}"
                "&sort=overdue&dir=desc",
                {"count": len(names)},
            )


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


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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


#: Each section gives figures for one unit's digest; "lines" are shown as they are.
DIGEST_SECTIONS: list[Callable[[Unit, date], dict]] = [unit_training_figures]


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


HR_SECTIONS: list[Callable[[datetime], list[str]]] = []


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


HR_SECTIONS.append(hr_course_lines)


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


# -- retreat action plans ---------------------------------------------------------------------


def _open_items(today: date):
    """Items their owner still has to work on, with owner and unit, active owners only."""
    from lms.actions.models import ActionItem
    from lms.actions.services import open_clause

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
    from lms.actions.models import ActionItem

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
    from lms.actions.models import ActionItem

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
    from lms.actions.models import ActionItem

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
    from lms.actions.services import rollups

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
    from lms.actions.models import ActionItem

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
