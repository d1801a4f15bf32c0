"""The queries behind the learner's hot pages (dashboard, catalogue, Pembelajaran saya,
lesson): each page's data in one or two statements, nothing left for a template to load
(issue 16).

Each statement is built once per process, with bound parameters for what changes between
requests (``functools.cache``): building a select and its cache key cost more CPU than running
it (about 0.5-0.9 ms each on this machine, against a few ms for the whole page)."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import Select, and_, bindparam, case, false, func, or_, select
from sqlalchemy.orm import defer, joinedload, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import User
from lms.courses import jp
from lms.courses.models import Course, Enrollment, Lesson, LessonProgress
from lms.extensions import db
from lms.i18n import wib_today

#: The catalogue's JP filter: value -> (lowest, highest) JP.
JP_FILTERS = {"1-2": (1, 2), "3-4": (3, 4), "5+": (5, 1000)}


@functools.cache
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


@functools.cache
def _catalogue_statement(search: bool, level: bool, mandatory: bool | None, jp: bool) -> Select:
    done, total = progress_columns()
    query = (
        select(Course, Enrollment, done, total)
        .outerjoin(
            Enrollment,
            (Enrollment.course_id == Course.id) & (Enrollment.user_id == bindparam("user_id")),
        )
        .where(Course.retired_at.is_(None))
    )
    if search:
        like = bindparam("like")
        query = query.where(or_(func.lower(Course.title).like(like),
                                func.lower(Course.summary).like(like)))  # fmt: skip
    if level:
        query = query.where(Course.level == bindparam("level"))
    if mandatory is not None:
        query = query.where(Course.mandatory.is_(mandatory))
    if jp:
        query = query.where(and_(Course.jp >= bindparam("low"), Course.jp <= bindparam("high")))
    return query.order_by(Course.mandatory.desc(), Course.title).options(raiseload("*"))


def catalogue_rows(user: User, q: str, level: str, mandatory: str, jp: str) -> list:
    """Every live course matching the filters, each with the person's enrolment (or None) and
    its progress (done, total): one statement."""
    params: dict = {"user_id": user.id, "like": f"%{q.lower()}%", "level": level}
    if jp in JP_FILTERS:
        params["low"], params["high"] = JP_FILTERS[jp]
    required = {"1": True, "0": False}.get(mandatory)
    statement = _catalogue_statement(bool(q), bool(level), required, jp in JP_FILTERS)
    return db.session.execute(statement, params).all()


@functools.cache
def _learning_statements() -> tuple[Select, Select]:
    done, total = progress_columns()
    enrolments = (
        select(Enrollment, done, total)
        .where(Enrollment.user_id == bindparam("user_id"))
        .options(
            joinedload(Enrollment.course),
            joinedload(Enrollment.certificate),
            raiseload("*"),
        )
        .order_by(Enrollment.enrolled_at.desc())
    )
    due = (
        select(Course)
        .where(
            Course.retired_at.is_(None), Course.mandatory.is_(True), Course.deadline.is_not(None)
        )
        .order_by(Course.deadline)
    )
    return enrolments, due


def learning_rows(user: User) -> tuple[list, list[Course]]:
    """Pembelajaran saya: the person's enrolments with their courses, certificates and
    progress (enrolment, done, total), newest first; and the live mandatory courses with a
    deadline, nearest first. Two statements."""
    enrolments, due = _learning_statements()
    rows = db.session.execute(enrolments, {"user_id": user.id}).all()
    return rows, list(db.session.scalars(due))


@functools.cache
def _course_statement(has_quiz) -> Select:
    return (
        select(Course, Enrollment, has_quiz)
        .outerjoin(
            Enrollment,
            (Enrollment.course_id == Course.id) & (Enrollment.user_id == bindparam("user_id")),
        )
        .where(Course.slug == bindparam("slug"), Course.retired_at.is_(None))
        .options(raiseload("*", sql_only=True))
    )


@functools.cache
def _lessons_statement(enrolled: bool) -> Select:
    mine = (LessonProgress.enrollment_id == bindparam("enrollment_id")) if enrolled else false()
    return (
        select(
            Lesson, LessonProgress.id, case((Lesson.slug == bindparam("lesson_slug"), Lesson.html))
        )
        .outerjoin(LessonProgress, (LessonProgress.lesson_id == Lesson.id) & mine)
        .where(Lesson.course_id == bindparam("course_id"), Lesson.retired_at.is_(None))
        .order_by(Lesson.position)
        .options(defer(Lesson.html), raiseload("*", sql_only=True))
    )


def lesson_page(user: User, slug: str, lesson_slug: str, has_quiz) -> dict | None:
    """What the lesson page needs, in two statements: the live course with the person's
    enrolment and whether it has a quiz (``has_quiz``: a scalar subquery on ``Course.id``, the
    same object every time, as :func:`lms.quiz.banks.has_quiz_clause` gives it);
    then the current lessons in order, each with whether it is done, and the text of the one
    asked for only. None when the course does not exist; ``lesson`` is None when the lesson
    does not, or when the person is not enrolled (see :func:`add_lessons`)."""
    found = db.session.execute(
        _course_statement(has_quiz), {"user_id": user.id, "slug": slug}
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
    params = {"course_id": course.id, "lesson_slug": lesson_slug}
    if enrollment is not None:
        params["enrollment_id"] = enrollment.id
    rows = db.session.execute(_lessons_statement(enrollment is not None), params).all()
    page["lessons"] = [lesson for lesson, _done, _html in rows]
    page["done"] = {lesson.id for lesson, done, _html in rows if done is not None}
    for lesson, _done, html in rows:
        if lesson.slug == lesson_slug:
            set_committed_value(lesson, "html", html)
            page["lesson"] = lesson
    return page


@functools.cache
def _summary_statement() -> Select:
    """The dashboard's learning panel, built once (bound: user_id, start, end)."""
    user_id = bindparam("user_id")
    completed_ids = select(Enrollment.course_id).where(
        Enrollment.user_id == user_id, Enrollment.completed_at.is_not(None)
    )
    nearest = (
        select(Course.id)
        .where(
            Course.retired_at.is_(None),
            Course.mandatory.is_(True),
            Course.deadline.is_not(None),
            Course.id.not_in(completed_ids),
        )
        .order_by(Course.deadline)
        .limit(1)
        .scalar_subquery()
    )
    in_period = and_(
        Enrollment.completed_on >= bindparam("start"), Enrollment.completed_on < bindparam("end")
    )
    counts = (
        select(
            func.count(Enrollment.id).label("enrolled"),
            func.count(Enrollment.completed_at).label("completed"),
            func.coalesce(func.sum(case((in_period, Enrollment.jp_earned), else_=0)), 0).label(
                "earned"
            ),
        )
        .where(Enrollment.user_id == user_id)
        .subquery()
    )
    return (
        select(counts.c.enrolled, counts.c.completed, counts.c.earned, Course)
        .select_from(counts)
        .outerjoin(Course, Course.id == nearest)
    )


def learning_summary(user: User, now: datetime | None = None) -> dict:
    """The dashboard's learning panel in one statement: JP by the person's rule
    (:func:`lms.courses.jp.standing`), counts, the nearest open deadline."""
    today = wib_today(now)
    start, end = jp.current_period(user, today)
    enrolled, completed, earned, next_deadline = db.session.execute(
        _summary_statement(), {"user_id": user.id, "start": start, "end": end}
    ).one()
    return {
        "year": today.year,
        "standing": jp.standing(user, today, earned=int(earned or 0)),
        "in_progress": enrolled - completed,
        "completed": completed,
        "next_deadline": next_deadline,
    }
