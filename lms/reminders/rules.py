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

from flask import current_app
from sqlalchemy import exists, func, select

from lms.accounts.models import Role, User, UserRole
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.i18n import format_day, to_wib, wib_today
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit


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


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


#: Each section gives figures for one unit's head digest (:mod:`lms.reminders.digests`);
#: "lines" are shown as they are. Features append theirs (action plans, the AI register).
DIGEST_SECTIONS: list[Callable[[Unit, date], dict]] = []
#: Each section gives lines of HR's weekly digest, from features that have overdue work.
HR_SECTIONS: list[Callable[[datetime], list[str]]] = []
