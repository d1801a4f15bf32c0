"""What people owe: the mandatory courses owed by a deadline, and who owes them.

Worked out once per reminder run (:func:`obligations`) and read by the courses' reminder rules
(:mod:`lms.courses.reminders`) and their digest lines: a course HR assigned is owed by the
people its live assignments cover, a mandatory course nobody assigned by every learner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select

from lms.accounts.models import Role, User, UserRole
from lms.assignments.coverage import assigned_deadlines
from lms.assignments.models import Assignment
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.i18n import to_wib
from lms.reminders.rules import once_per_run


def learners():
    """Active people who hold the learner role (a select of user ids)."""
    return (
        select(User.id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.LEARNER.value))
        .where(User.active.is_(True))
    )


@dataclass
class Obligation:
    """A mandatory course owed by a set of people by a deadline."""

    #: The course's id, slug and title (a plain row: committing a batch of reminders does
    #: not expire it, so no rule reloads it).
    course: object
    deadline: date | None
    assigned_on: date
    people: object  # a select of user ids
    #: Owed by every learner (a mandatory course nobody assigned): the rules join the learners
    #: instead of looking each person up in ``people`` (a list of 100,000 ids built per query).
    everyone: bool = False


@once_per_run
def obligations() -> list[Obligation]:
    """Courses people owe by a deadline, and who owes them (computed once per reminder run).

    A course HR has assigned is owed by the people its live assignments cover, each by their
    earliest deadline: one obligation per (course, deadline), counted from the day the first
    assignment with that deadline was made. A mandatory course of course.toml that has no
    assignment stays owed by every learner by its own deadline. A mandatory course without a
    deadline is owed by nobody (as in the reports): it is recommended until HR assigns it.
    """
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
        for c in db.session.execute(
            select(Course.id, Course.slug, Course.title).where(
                Course.id.in_({g[0] for g in groups})
            )
        )
    }
    for course_id, deadline, first_at in groups:
        people = select(assigned.c.user_id).where(
            assigned.c.course_id == course_id, assigned.c.deadline == deadline
        )
        found.append(Obligation(courses[course_id], deadline, to_wib(first_at).date(), people))
    mandatory = db.session.execute(
        select(Course.id, Course.slug, Course.title, Course.deadline, Course.created_at).where(
            Course.retired_at.is_(None),
            Course.mandatory.is_(True),
            Course.deadline.is_not(None),
            Course.id.not_in(list(courses)),
        )
    ).all()
    found += [
        Obligation(c, c.deadline, to_wib(c.created_at).date(), learners(), everyone=True)
        for c in mandatory
    ]
    return found


def owing(obligation: Obligation, *columns, done=Enrollment.completed_at, first=None):
    """A select of ``columns`` for the people of ``obligation`` whose enrolment has no
    ``done`` yet (not completed, or, with ``last_activity_at``, not started); ``first``, when
    given, is a condition tested before the enrolment is looked up."""
    finished = exists().where(
        Enrollment.user_id == User.id,
        Enrollment.course_id == obligation.course.id,
        done.is_not(None),
    )
    query = select(*columns).select_from(User)
    if obligation.everyone:
        learner = (UserRole.user_id == User.id) & (UserRole.role == Role.LEARNER.value)
        query = query.join(UserRole, learner).where(User.active.is_(True))
    else:
        query = query.where(User.id.in_(obligation.people))
    return query.where(*([first] if first is not None else []), ~finished)


def not_completed(obligation: Obligation):
    return owing(obligation, User.id)
