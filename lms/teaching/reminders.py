"""Teaching's reminder rule, registered with the engine in lms/reminders/rules.py: essays
waiting for a grade longer than ``LMS_GRADING_REMIND_DAYS`` are brought to the course's
instructors once a week until graded. Imported by lms/teaching/views.py, so the rule exists
wherever the app does (scheduler and CLI included)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from lms.accounts.models import Role, User, UserRole
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import wib_today
from lms.quiz import services as quiz
from lms.quiz.models import Attempt, AttemptQuestion, Question
from lms.reminders.rules import Due, fresh, iso_week, rule
from lms.sql import concat
from lms.teaching.models import CourseInstructor

RULE = "essay_waiting"


@rule(
    RULE,
    _l("Esai menunggu penilaian"),
    _l(
        "Sekali sepekan kepada pengajar kursus, selama ada esai yang menunggu penilaian lebih "
        "lama dari LMS_GRADING_REMIND_DAYS hari."
    ),
)
def essays_waiting(now: datetime) -> Iterator[Due]:
    """Per instructor and course: how many essays have waited too long (one grouped query,
    this week's keys that exist already left out in it)."""
    cutoff = now - timedelta(days=current_app.config["GRADING_REMIND_DAYS"])
    week = iso_week(wib_today(now))
    # One reminder per instructor, course and week (the key names the instructor: keys are
    # unique across everyone, and a course may have several instructors).
    key = concat(f"{RULE}:", Attempt.course_id, ":", User.id, f":{week}")  # as ``key`` below
    counts = db.session.execute(
        select(User.id, Attempt.course_id, func.count(AttemptQuestion.id))
        .select_from(AttemptQuestion)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .join(CourseInstructor, CourseInstructor.course_id == Attempt.course_id)
        .join(User, User.id == CourseInstructor.user_id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.INSTRUCTOR))
        .where(
            quiz.awaiting_grade(),
            Attempt.submitted_at <= cutoff,
            Question.type == "essay",
            AttemptQuestion.fraction.is_(None),
            User.active.is_(True),
            fresh(key),
        )
        .group_by(User.id, Attempt.course_id)
    ).all()
    people = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r[0] for r in counts})))
    }
    courses = {
        c.id: c
        for c in db.session.scalars(select(Course).where(Course.id.in_({r[1] for r in counts})))
    }
    rows = [(people[uid], courses[cid], n) for uid, cid, n in counts]
    for teacher, course, count in rows:
        with force_locale(teacher.locale or "id"):
            title = _("Esai menunggu penilaian: %(course)s", course=course.title)
            body = _(
                "%(n)d esai di kursus %(course)s sudah menunggu penilaian Anda lebih dari "
                "%(days)d hari. Peserta baru dapat menyelesaikan kursus setelah esainya dinilai.",
                n=count,
                course=course.title,
                days=current_app.config["GRADING_REMIND_DAYS"],
            )
        yield Due(
            user_id=teacher.id,
            key=f"{RULE}:{course.id}:{teacher.id}:{week}",
            category="course",
            rule=RULE,
            title=title,
            body=body,
            url="/grading",
        )
