"""Who teaches which course: HR or an admin assigns instructors (pengajar) to courses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, select

from lms.accounts.models import Role, User, UserRole
from lms.courses import services as courses
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.quiz.models import Attempt
from lms.signals import course_created
from lms.teaching.models import CourseInstructor


class TeachingError(ValueError):
    """Something the teaching rules do not allow (shown to the person as it is)."""


def instructors_of(course_id: int) -> list[User]:
    """The course's instructors, by name (people who still hold the instructor role)."""
    return list(
        db.session.scalars(
            select(User)
            .join(CourseInstructor, CourseInstructor.user_id == User.id)
            .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.INSTRUCTOR))
            .where(CourseInstructor.course_id == course_id, User.active.is_(True))
            .order_by(User.full_name)
        )
    )


def instructor_ids(course_id: int) -> list[int]:
    return [u.id for u in instructors_of(course_id)]


def instructor_candidates() -> list[User]:
    """Active people who hold the instructor role: those HR may assign to a course."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.INSTRUCTOR))
            .where(User.active.is_(True))
            .order_by(User.full_name)
        )
    )


def assign_instructor(course: Course, person: User, by: User | None, now: datetime) -> bool:
    """Make ``person`` an instructor of ``course``; False when they already are."""
    if not person.has_role(Role.INSTRUCTOR):
        raise TeachingError("Orang ini belum memegang peran pengajar.")
    if db.session.get(CourseInstructor, (course.id, person.id)) is not None:
        return False
    db.session.add(
        CourseInstructor(
            course_id=course.id,
            user_id=person.id,
            assigned_by_id=by.id if by else None,
            assigned_at=now,
        )
    )
    db.session.flush()
    return True


@course_created.connect
def on_course_created(
    course: Course, *, author_id: int | None, by: User | None, now: datetime, **_kw
) -> bool:
    """The instructor who wrote a course in the browser teaches it once it is live: they grade
    its essays and answer its questions (HR may change that like any assignment)."""
    author = db.session.get(User, author_id) if author_id is not None else None
    if author is None or not author.active or not author.has_role(Role.INSTRUCTOR):
        return False
    return assign_instructor(course, author, by, now)


def remove_instructor(course: Course, person_id: int) -> bool:
    """End ``person_id``'s teaching of ``course``; False when they did not teach it."""
    removed = db.session.execute(
        delete(CourseInstructor).where(
            CourseInstructor.course_id == course.id, CourseInstructor.user_id == person_id
        )
    ).rowcount
    db.session.flush()
    return bool(removed)


def taught_courses(user: User) -> list[Course]:
    """The live courses ``user`` teaches, by title."""
    return list(
        db.session.scalars(
            select(Course)
            .join(CourseInstructor, CourseInstructor.course_id == Course.id)
            .where(CourseInstructor.user_id == user.id, Course.retired_at.is_(None))
            .order_by(Course.title)
        )
    )


def learners_of(course: Course) -> list[dict]:
    """The course's learners with lessons done, attempts (the latest one handed in, to open),
    best score, essays waiting for a grade and completion: five queries, whatever their number."""
    rows = db.session.execute(
        select(Enrollment, User.full_name, User.nip)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id)
        .order_by(User.full_name, Enrollment.id)
    ).all()
    progress = courses.progress_by_enrollment([e.id for e, _name, _nip in rows])
    pending = dict(
        db.session.execute(
            select(Attempt.enrollment_id, func.count())
            .where(Attempt.course_id == course.id, awaiting_grade())
            .group_by(Attempt.enrollment_id)
        ).all()
    )
    latest = dict(
        db.session.execute(
            select(Attempt.enrollment_id, func.max(Attempt.id))
            .where(Attempt.course_id == course.id, Attempt.submitted_at.is_not(None))
            .group_by(Attempt.enrollment_id)
        ).all()
    )
    return [
        {
            "enrollment": e,
            "latest": latest.get(e.id),
            "name": name,
            "nip": nip,
            "progress": progress.get(e.id, (0, 0)),
            "pending": pending.get(e.id, 0),
        }
        for e, name, nip in rows
    ]


def awaiting_grade():
    """SQL condition on Attempt: handed in, an essay still waits for a person's grade."""
    return and_(Attempt.submitted_at.is_not(None), Attempt.score.is_(None))
