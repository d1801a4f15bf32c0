"""The courses' reminder rules, registered with the engine in :mod:`lms.reminders.rules`.

Mandatory courses coming due, overdue, never started or stalled go to the learner; long-overdue
ones to the unit head; the head's weekly digest and HR's get the courses' lines. Every rule is
set-based: a query per obligation (course and deadline) finds who to remind and leaves out keys
that exist already. Imported by lms/courses/views.py, so the rules exist wherever the app does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.assignments.coverage import apply_assignments
from lms.courses.models import Course, Enrollment
from lms.courses.obligations import Obligation, not_completed, obligations, owing
from lms.extensions import db
from lms.i18n import format_day, wib_today
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.reminders.rules import (
    BEFORE_RUN,
    DIGEST_TABLES,
    HR_SECTIONS,
    Batch,
    Due,
    Step,
    before_window,
    escalated_to,
    escalation_table,
    fresh,
    overdue_period,
    rule,
)
from lms.sql import concat, wib_day_text


def _course_groups(n: int) -> list[list[int]]:
    """The courses in at most ``n`` groups (every n-th id), for passes side by side."""
    ids = db.session.scalars(select(Course.id).order_by(Course.id)).all()
    return [group for group in (ids[i::n] for i in range(n)) if group]


def _enrol_owed(now: datetime, courses: list[int] | None = None) -> int:
    """The full assignments pass, over every course or over ``courses``."""
    return apply_assignments(now, courses=courses)


#: The daily run first enrols people who joined an assigned unit since yesterday by a path
#: nothing else watched (a direct database change, a unit moved), so nothing is missed; on
#: PostgreSQL a group of courses per connection.
BEFORE_RUN["assignments_enrolled"] = Step(_enrol_owed, parts=_course_groups)


def _course_url(course) -> str:
    return f"/courses/{course.slug}"


def _when(deadline: date, today: date) -> str:
    """ "30 Juni 2026 (7 hari lagi)", or "(hari ini)" on the day itself."""
    days = (deadline - today).days
    left = _("hari ini") if days == 0 else _("%(n)d hari lagi", n=days)
    return f"{format_day(deadline)} ({left})"


def _batch(ob: Obligation, name: str, suffix: str, title: str, body: str, done=None) -> Batch:
    """The people of ``ob`` not done, keyed ``<name>:u<id>:c<course><suffix>`` (the engine leaves
    out the keys that exist).

    SQLite tests a query's conditions in the order written: there the existing keys are left
    out first as well, so a run with nothing new looks up one index per person (the key)
    instead of two (the enrolment, then the key). PostgreSQL plans the anti-join itself, once
    for all the batches of the rule (in the engine).
    """
    key = concat(f"{name}:u", User.id, f":c{ob.course.id}{suffix}")
    first = fresh(key) if db.session.get_bind().dialect.name == "sqlite" else None
    people = owing(ob, User.id, key, first=first, **({"done": done} if done is not None else {}))
    return Batch(people, "course", name, title, body, _course_url(ob.course))


@rule(
    "course_due",
    _l("Tenggat kursus wajib"),
    _l("14, 7 dan 1 hari sebelum tenggat, kepada pegawai yang belum menyelesaikan kursus wajib."),
)
def course_due(now: datetime) -> Iterator[Batch]:
    """A mandatory course not finished: 14, 7 and 1 days before its deadline."""
    today = wib_today(now)
    thresholds = current_app.config["REMIND_COURSE_DAYS"]
    for ob in obligations():
        if ob.deadline is None:
            continue
        days_left = (ob.deadline - today).days
        window = before_window(days_left, thresholds)
        if window is None:
            continue
        title = _("Tenggat kursus wajib: %(title)s", title=ob.course.title)
        body = _(
            "Kursus wajib %(title)s harus diselesaikan paling lambat %(date)s (%(n)d hari lagi).",
            title=ob.course.title,
            date=format_day(ob.deadline),
            n=days_left,
        )
        yield _batch(ob, "course_due", f":d{window}", title, body)


@rule(
    "course_overdue",
    _l("Kursus wajib lewat tenggat"),
    _l("Sepekan sekali kepada pegawai yang kursus wajibnya sudah lewat tenggat."),
)
def course_overdue(now: datetime) -> Iterator[Batch]:
    """A mandatory course past its deadline: weekly while it stays unfinished."""
    today = wib_today(now)
    for ob in obligations():
        if ob.deadline is None or ob.deadline >= today:
            continue
        days_over = (today - ob.deadline).days
        title = _("Kursus wajib melewati tenggat: %(title)s", title=ob.course.title)
        body = _(
            "Tenggat kursus wajib %(title)s sudah lewat %(n)d hari (%(date)s). "
            "Mohon segera diselesaikan.",
            title=ob.course.title,
            n=days_over,
            date=format_day(ob.deadline),
        )
        yield _batch(ob, "course_overdue", f":p{overdue_period(days_over)}", title, body)


@rule(
    "course_not_started",
    _l("Kursus wajib belum dimulai"),
    _l("Sekali, sepekan setelah kursus ditugaskan, bila pegawai belum membuka materi apa pun."),
)
def course_not_started(now: datetime) -> Iterator[Batch]:
    """A mandatory course never started a week after it was assigned: one nudge."""
    today = wib_today(now)
    wait = current_app.config["REMIND_NOT_STARTED_DAYS"]
    for ob in obligations():
        if (today - ob.assigned_on).days < wait or (ob.deadline and ob.deadline < today):
            continue
        title = _("Yuk, mulai kursus %(title)s", title=ob.course.title)
        body = _(
            "Kursus wajib %(title)s ditugaskan kepada Anda sejak %(since)s, tetapi belum Anda "
            "mulai. Selesaikan paling lambat %(when)s: buka kursusnya dan mulai dari materi "
            "pertama.",
            title=ob.course.title,
            since=format_day(ob.assigned_on),
            when=_when(ob.deadline, today),
        )
        yield _batch(ob, "course_not_started", "", title, body, Enrollment.last_activity_at)


@rule(
    "course_stalled",
    _l("Kursus terhenti"),
    _l("Sekali, bila kursus yang sudah dimulai tidak ada kemajuan selama 14 hari."),
)
def course_stalled(now: datetime) -> Iterator[Due]:
    """A course started but without progress for 14 days: one nudge per pause."""
    days = current_app.config["REMIND_STALLED_DAYS"]
    today = wib_today(now)
    key = concat(
        "course_stalled:u",
        Enrollment.user_id,
        ":c",
        Enrollment.course_id,
        ":a",
        wib_day_text(Enrollment.last_activity_at),
    )
    rows = db.session.execute(
        select(
            Enrollment.user_id,
            key,
            Enrollment.last_activity_at,
            Enrollment.deadline,
            Course.slug,
            Course.title,
        )
        .join(Course, Course.id == Enrollment.course_id)
        .join(User, User.id == Enrollment.user_id)
        .where(
            User.active.is_(True),
            Course.retired_at.is_(None),
            Enrollment.completed_at.is_(None),
            Enrollment.last_activity_at.is_not(None),
            Enrollment.last_activity_at <= now - timedelta(days=days),
            fresh(key),
        )
    ).all()
    # The words once per rule, filled per row (thousands of rows: no lookup per row).
    title = _("Lanjutkan kursus %(title)s")
    body = _(
        "Sudah %(n)d hari tidak ada kemajuan pada kursus %(title)s. "
        "Lanjutkan dari materi terakhir Anda."
    )
    due_on = _("Tenggatnya %(when)s.")
    when = cache(lambda deadline: _when(deadline, today))
    for user_id, found_key, last, deadline, slug, course_title in rows:
        text = body % {"n": (now - last).days, "title": course_title}
        if deadline is not None and deadline >= today:
            text += " " + due_on % {"when": when(deadline)}
        yield Due(
            user_id,
            found_key,
            "course",
            "course_stalled",
            title % {"title": course_title},
            text,
            f"/courses/{slug}",
        )


@rule(
    "course_escalation",
    _l("Eskalasi kursus ke kepala unit"),
    _l("Sepekan sekali kepada kepala unit: siapa di unitnya yang lewat tenggat lebih dari 7 hari."),
)
def course_escalation(now: datetime) -> Iterator[Due]:
    """Mandatory courses overdue more than 7 days: each unit head hears who, once a week.

    One query per obligation finds the late people whose head has not heard of this course
    this week yet (the chain of heads joined in SQL, the key checked there too).
    """
    today = wib_today(now)
    after = current_app.config["ESCALATE_HEAD_DAYS"]
    chain = escalation_table()
    for ob in obligations():
        if ob.deadline is None or (today - ob.deadline).days <= after:
            continue
        period = overdue_period((today - ob.deadline).days)
        head, seat = escalated_to(chain, User.id)
        key = concat("course_escalation:u", head, f":c{ob.course.id}:p{period}")
        rows = db.session.execute(
            owing(ob, head, seat, key, User.full_name)
            .join(chain, chain.c.unit_id == User.unit_id)
            .where(head.is_not(None), fresh(key))
        )
        late: dict[int, list[str]] = defaultdict(list)
        seat_of: dict[int, int] = {}
        keys: dict[int, str] = {}
        for head_id, seat_id, found_key, name in rows:
            late[head_id].append(name)
            seat_of.setdefault(head_id, seat_id)
            keys[head_id] = found_key
        for head_id, names in late.items():
            listed = ", ".join(sorted(names)[:20]) + (" …" if len(names) > 20 else "")
            yield Due(
                head_id,
                keys[head_id],
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
                f"/reports/units/{seat_of[head_id]}/people?course={ob.course.id}"
                "&sort=overdue&dir=desc",
                {"count": len(names)},
            )


def unit_training_table(units: list[Unit], today: date) -> dict[int, dict]:
    """For each of ``units`` (its sub-units rolled up): active people and, per course they owe
    (an enrolment with a deadline, as in the reports), how many owe it and how many finished.

    Two grouped queries per member unit for the whole province, rolled up along the units'
    paths in Python: the cost does not grow with the number of heads.
    """
    wanted = {u.id: {"people": 0, "courses": {}} for u in units}
    paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())

    def above(unit_id: int) -> list[dict]:
        ids = [int(p) for p in (paths.get(unit_id) or "").strip("/").split("/") if p]
        return [wanted[i] for i in ids if i in wanted]

    people = db.session.execute(
        select(User.unit_id, func.count(User.id))
        .where(User.active.is_(True), User.unit_id.is_not(None))
        .group_by(User.unit_id)
    )
    for unit_id, n in people:
        for figures in above(unit_id):
            figures["people"] += n
    owed = db.session.execute(
        select(
            User.unit_id,
            Course.slug,
            Course.title,
            func.count(Enrollment.id),
            func.count(Enrollment.completed_at),
        )
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            Course.retired_at.is_(None),
            Enrollment.deadline.is_not(None),
            User.active.is_(True),
            User.unit_id.is_not(None),
        )
        .group_by(User.unit_id, Course.id, Course.slug, Course.title)
    )
    for unit_id, slug, title, n_owed, n_done in owed:
        for figures in above(unit_id):
            course = figures["courses"].setdefault(slug, {"title": title, "owed": 0, "done": 0})
            course["owed"] += n_owed
            course["done"] += n_done
    for figures in wanted.values():
        figures["courses"] = dict(
            sorted(figures["courses"].items(), key=lambda item: item[1]["title"])
        )
    return wanted


DIGEST_TABLES.insert(0, unit_training_table)  # the courses come first in the digest


def hr_course_lines(now: datetime) -> list[str]:
    """Mandatory courses overdue more than 30 days, by course: for HR's digest."""
    today = wib_today(now)
    after = current_app.config["ESCALATE_HR_DAYS"]
    lines = []
    for ob in obligations():
        if ob.deadline is None or (today - ob.deadline).days <= after:
            continue
        n = db.session.scalar(select(func.count()).select_from(not_completed(ob).subquery()))
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
