"""Who teaches what (pengajar), and what that lets them do: the teaching rules."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.extensions import db
from lms.policy import is_staff, rule
from lms.teaching.models import CourseInstructor


def taught_course_ids(user: User) -> set[int]:
    """Ids of the courses ``user`` teaches: assigned to them, and they hold the instructor role
    (read once per request). Taking the role away ends every assignment's rights at once."""
    if not user.has_role(Role.INSTRUCTOR):
        return set()
    cache = g.setdefault("taught_courses", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = set(
            db.session.scalars(
                select(CourseInstructor.course_id).where(CourseInstructor.user_id == user.id)
            )
        )
    return cache[user.id]


def teaches(user: User, course: Any) -> bool:
    """Whether ``user`` is an instructor of ``course`` (a Course or its id)."""
    course_id = getattr(course, "id", course)
    return course_id is not None and course_id in taught_course_ids(user)


@rule("courses.edit", "course.teach", "quiz.statistics")
def _course_teacher(user: User, course: Any) -> bool:
    """HR and admin, and the course's own instructors: edit the course, follow its learners'
    progress and attempts, grade its essays, answer and moderate its questions."""
    return is_staff(user) or (course is not None and teaches(user, course))


@rule("instructors.manage")
def _instructors(user: User, course: Any) -> bool:
    """HR and admin decide who teaches which course."""
    return is_staff(user)


@rule("grading.queue")
def _grading_queue(user: User, obj: Any) -> bool:
    """The essays waiting for a grade: HR, admin, and anyone who teaches a course."""
    return is_staff(user) or bool(taught_course_ids(user))


@rule("lesson.questions")
def _lesson_questions(user: User, enrollment_or_course: Any) -> bool:
    """Questions on a lesson: read and asked by the course's learners (pass their enrolment),
    read by its instructors and staff (pass the course)."""
    obj = enrollment_or_course
    if obj is None:
        return False
    if hasattr(obj, "user_id"):
        return obj.user_id == user.id
    return _course_teacher(user, obj)
