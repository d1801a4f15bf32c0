"""The queries behind the learner's hot pages (catalogue, Pembelajaran saya, lesson): each
page's data in one or two statements, nothing left for a template to load (issue 16)."""

from __future__ import annotations

from sqlalchemy import case, false, func, select
from sqlalchemy.orm import defer, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import User
from lms.courses.models import Course, Enrollment, Lesson, LessonProgress
from lms.extensions import db


def progress_columns() -> tuple:
    """(lessons done, current lessons) of the ``Enrollment`` row at hand, as correlated
    subqueries: a list page selects them with its enrolments, in the same statement."""
    total = (
        select(func.count(Lesson.id))
        .where(Lesson.course_id == Enrollment.course_id, Lesson.retired_at.is_(None))
        .correlate(Enrollment)
        .scalar_subquery()
    )
    done = (
        select(func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrollment_id == Enrollment.id, Lesson.retired_at.is_(None))
        .correlate(Enrollment)
        .scalar_subquery()
    )
    return done, total


def lesson_page(user: User, slug: str, lesson_slug: str, has_quiz) -> dict | None:
    """What the lesson page needs, in two statements: the live course with the person's
    enrolment and whether it has a quiz (``has_quiz``: a scalar subquery on ``Course.id``);
    then the current lessons in order, each with whether it is done, and the text of the one
    asked for only. None when the course does not exist; ``lesson`` is None when the lesson
    does not, or when the person is not enrolled (see :func:`add_lessons`)."""
    found = db.session.execute(
        select(Course, Enrollment, has_quiz)
        .outerjoin(
            Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == user.id)
        )
        .where(Course.slug == slug, Course.retired_at.is_(None))
        .options(raiseload("*", sql_only=True))
    ).first()
    if found is None:
        return None
    course, enrollment, quiz = found
    page = {"course": course, "enrollment": enrollment, "has_quiz": bool(quiz), "lesson": None}
    if enrollment is None:
        return page
    return add_lessons(page, lesson_slug)


def add_lessons(page: dict, lesson_slug: str) -> dict:
    """The second statement of :func:`lesson_page`: the course's current lessons in order, each
    with whether the enrolled person has done it, and the text of ``lesson_slug`` only. Called
    on its own for someone who may read the course without being enrolled (its instructors)."""
    course, enrollment = page["course"], page["enrollment"]
    mine = (LessonProgress.enrollment_id == enrollment.id) if enrollment is not None else false()
    rows = db.session.execute(
        select(Lesson, LessonProgress.id, case((Lesson.slug == lesson_slug, Lesson.html)))
        .outerjoin(LessonProgress, (LessonProgress.lesson_id == Lesson.id) & mine)
        .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
        .order_by(Lesson.position)
        .options(defer(Lesson.html), raiseload("*", sql_only=True))
    ).all()
    page["lessons"] = [lesson for lesson, _done, _html in rows]
    page["done"] = {lesson.id for lesson, done, _html in rows if done is not None}
    for lesson, _done, html in rows:
        if lesson.slug == lesson_slug:
            set_committed_value(lesson, "html", html)
            page["lesson"] = lesson
    return page
