"""Verbs on courses: check and sync content, enrol, mark lessons done, complete, certify."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, select, update

from lms.accounts.models import User
from lms.audit.services import record
from lms.courses import jp
from lms.courses.content import load_courses
from lms.courses.models import (
    DATABASE_ONLY,
    Certificate,
    Course,
    CourseVersion,
    Enrollment,
    Lesson,
    LessonProgress,
)
from lms.courses.source import CourseSource, Problem
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import wib_today
from lms.quiz.banks import check_quiz, quiz_passed, sync_quiz
from lms.sql import insert_or_ignore

# Crockford-like alphabet: no 0/O, 1/I/L, U, so a code read aloud or typed is unambiguous.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 16
JP_TARGET = jp.PNS_TARGET


class CourseError(ValueError):
    """Something a learner asked for that cannot be done; the message says why."""


def asset_url(slug: str, name: str) -> str:
    """Where a course's image or attachment is served."""
    return f"/courses/{quote(slug)}/files/{quote(name)}"


# -- content ----------------------------------------------------------------------------------


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check_courses(root: Path) -> tuple[list[CourseSource], list[Problem]]:
    """Read every course under ``root`` and its quiz; return them with all problems found."""
    courses, problems = load_courses(root, asset_url=asset_url)
    for course in courses:
        problems.extend(check_quiz(course, root))
    return courses, problems


#: Checks other features add to ``courses sync``: function(sources) -> problems. Browser
#: authoring refuses a folder whose slug belongs to a course written in the browser.
SYNC_GUARDS: list[Callable[[list[CourseSource]], list[Problem]]] = []


def sync_courses(root: Path, now: datetime, retire_missing: bool = True) -> SyncReport:
    """Load or update every course under ``root``; with any problem, write nothing at all."""
    sources, problems = check_courses(root)
    for guard in SYNC_GUARDS:
        problems.extend(guard(sources))
    report = SyncReport(problems=problems)
    if problems:
        return report
    existing = {c.slug: c for c in db.session.scalars(select(Course))}
    for source in sources:
        course = existing.pop(source.slug, None)
        if course is None:
            course = Course(slug=source.slug, created_at=now)
            db.session.add(course)
            report.created.append(source.slug)
        elif course.content_hash == source.content_hash and course.retired_at is None:
            report.unchanged.append(source.slug)
            continue
        else:
            report.updated.append(source.slug)
        _apply_source(course, source, now)
    if retire_missing:
        for course in existing.values():
            if course.retired_at is None and course.content_hash != DATABASE_ONLY:
                course.retired_at = now
                report.retired.append(course.slug)
    db.session.flush()
    return report


def publish_source(source: CourseSource, now: datetime) -> Course:
    """Make one checked course live exactly as ``courses sync`` would (by slug), outside sync.

    Browser authoring publishes with it; the course is marked :data:`DATABASE_ONLY` so that a
    sync of courses/ never retires it.
    """
    course = db.session.scalar(select(Course).where(Course.slug == source.slug))
    if course is None:
        course = Course(slug=source.slug, created_at=now)
        db.session.add(course)
    _apply_source(course, source, now)
    course.content_hash = DATABASE_ONLY
    db.session.flush()
    return course


def _apply_source(course: Course, source: CourseSource, now: datetime) -> None:
    quiz = source.quiz
    course.title = source.title
    course.summary = source.summary
    course.level = source.level
    course.jp = source.jp
    course.minutes = source.minutes
    course.mandatory = source.mandatory
    course.assignment_only = source.assignment_only
    course.deadline = source.deadline
    course.version = source.version
    course.tags = list(source.tags)
    course.content_hash = source.content_hash
    course.retired_at = None
    course.pass_mark = quiz.pass_mark
    course.max_attempts = quiz.max_attempts
    course.time_limit_minutes = quiz.time_limit_minutes
    course.shuffle_questions = quiz.shuffle_questions
    course.shuffle_answers = quiz.shuffle_answers
    course.draw = quiz.draw
    course.show_answers = quiz.show_answers
    course.synced_at = now
    db.session.flush()

    lessons = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))
    }
    changes: dict[str, list[str]] = {"added": [], "updated": [], "retired": []}
    for src in source.lessons:
        lesson = lessons.pop(src.slug, None)
        if lesson is None:
            lesson = Lesson(course_id=course.id, slug=src.slug)
            db.session.add(lesson)
            changes["added"].append(src.slug)
        elif (lesson.title, lesson.html, lesson.position) != (src.title, src.html, src.number):
            changes["updated"].append(src.slug)
        elif lesson.retired_at is not None:
            changes["added"].append(src.slug)
        lesson.position = src.number
        lesson.title = src.title
        lesson.html = src.html
        lesson.words = src.words
        lesson.reading_minutes = src.reading_minutes
        lesson.retired_at = None
        lesson.updated_at = now
    for lesson in lessons.values():  # gone from the folder: retired, progress kept
        if lesson.retired_at is None:
            lesson.retired_at = now
            changes["retired"].append(lesson.slug)
    db.session.add(
        CourseVersion(
            course_id=course.id,
            version=source.version,
            content_hash=source.content_hash,
            changes=changes,
            synced_at=now,
        )
    )
    sync_quiz(course, source, now)
    db.session.flush()


# -- learning ---------------------------------------------------------------------------------


def live_course(slug: str) -> Course | None:
    """The course with this slug, unless it does not exist or was retired."""
    return db.session.scalar(select(Course).where(Course.slug == slug, Course.retired_at.is_(None)))


def current_lessons(course: Course) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
            .order_by(Lesson.position)
        )
    )


def find_enrollment(user: User, course: Course) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )


def enroll(user: User, course: Course, now: datetime, source: str = "self") -> Enrollment:
    """Enrol ``user`` in ``course`` (once; enrolling again returns the same enrolment).

    The unique key decides between requests racing to enrol the same person: the insert of
    the later ones does nothing and they read the row the first one made.
    """
    enrollment = find_enrollment(user, course)
    if enrollment is not None:
        return enrollment
    if course.retired_at is not None:
        raise CourseError(_("Kursus ini sudah tidak tersedia."))
    db.session.execute(
        insert_or_ignore(Enrollment).values(
            user_id=user.id, course_id=course.id, source=source, enrolled_at=now
        )
    )
    return find_enrollment(user, course)


def done_lesson_ids(enrollment: Enrollment) -> set[int]:
    return set(
        db.session.scalars(
            select(LessonProgress.lesson_id).where(LessonProgress.enrollment_id == enrollment.id)
        )
    )


def first_unfinished(lessons: list[Lesson], done: set[int]) -> Lesson | None:
    """Where "Lanjutkan" resumes: the first lesson, in course order, not marked done."""
    return next((lesson for lesson in lessons if lesson.id not in done), None)


def visit_lesson(enrollment: Enrollment, lesson: Lesson) -> bool:
    """Remember the lesson the learner opened last ("Lanjutkan" goes by what is done instead).

    Returns whether that changed (a page shown again writes nothing)."""
    if enrollment.last_lesson_id == lesson.id:
        return False
    enrollment.last_lesson_id = lesson.id
    db.session.flush()
    return True


def complete_lesson(enrollment: Enrollment, lesson: Lesson, now: datetime) -> bool:
    """Mark ``lesson`` done (idempotent) and complete the course when it was the last step.

    Returns whether the course became complete by this.
    """
    if lesson.course_id != enrollment.course_id or lesson.retired_at is not None:
        raise CourseError(_("Materi ini bukan bagian dari kursus Anda."))
    if lesson.id not in done_lesson_ids(enrollment):
        # Two clicks at once: the unique key keeps one row, the other insert does nothing.
        db.session.execute(
            insert_or_ignore(LessonProgress).values(
                enrollment_id=enrollment.id, lesson_id=lesson.id, completed_at=now
            )
        )
    enrollment.last_lesson_id = lesson.id
    enrollment.last_activity_at = now
    db.session.flush()
    return try_complete(enrollment, now)


def progress(enrollment: Enrollment) -> tuple[int, int]:
    """(current lessons done, current lessons) for one enrolment."""
    total = db.session.scalar(
        select(func.count(Lesson.id)).where(
            Lesson.course_id == enrollment.course_id, Lesson.retired_at.is_(None)
        )
    )
    done = db.session.scalar(
        select(func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrollment_id == enrollment.id, Lesson.retired_at.is_(None))
    )
    return done or 0, total or 0


def progress_by_enrollment(enrollment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Progress of many enrolments in two grouped queries (no query per row)."""
    if not enrollment_ids:
        return {}
    totals = dict(
        db.session.execute(
            select(Enrollment.id, func.count(Lesson.id))
            .join(Lesson, (Lesson.course_id == Enrollment.course_id) & Lesson.retired_at.is_(None))
            .where(Enrollment.id.in_(enrollment_ids))
            .group_by(Enrollment.id)
        ).all()
    )
    done = dict(
        db.session.execute(
            select(LessonProgress.enrollment_id, func.count(LessonProgress.id))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.enrollment_id.in_(enrollment_ids), Lesson.retired_at.is_(None))
            .group_by(LessonProgress.enrollment_id)
        ).all()
    )
    return {i: (done.get(i, 0), totals.get(i, 0)) for i in enrollment_ids}


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


def try_complete(enrollment: Enrollment, now: datetime) -> bool:
    """Complete the enrolment if every current lesson is done and the quiz (if any) passed.

    The conditional UPDATE makes completion, its JP and its certificate happen once, even
    when two requests race.
    """
    if enrollment.completed_at is not None:
        return False
    done, total = progress(enrollment)
    if total == 0 or done < total:
        return False
    if not quiz_passed(enrollment):
        return False
    course = db.session.get(Course, enrollment.course_id)
    claimed = db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.completed_at.is_(None))
        .values(completed_at=now, completed_on=wib_today(now), jp_earned=course.jp)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(enrollment)
    if claimed != 1:
        return False
    issue_certificate(enrollment, now)
    return True


# -- certificates -----------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What a person typed or scanned, as stored: upper case, no dashes or spaces."""
    return "".join(c for c in (raw or "").upper() if c.isalnum())


def issue_certificate(enrollment: Enrollment, now: datetime) -> Certificate:
    """The certificate of a completed enrolment (issued once).

    Requests racing to issue it insert with ``ON CONFLICT DO NOTHING`` and all read the one
    row that won, so everyone is shown the same code. A code already taken by another
    certificate (a random clash) is drawn again.
    """
    if enrollment.certificate is not None:
        return enrollment.certificate
    user = db.session.get(User, enrollment.user_id)
    course = db.session.get(Course, enrollment.course_id)
    values = {
        "enrollment_id": enrollment.id,
        "holder_name": user.full_name,
        "holder_nip": user.nip,
        "course_title": course.title,
        "jp": enrollment.jp_earned,
        "completed_on": enrollment.completed_on,
        "issued_at": now,
    }
    for _draw in range(5):
        db.session.execute(insert_or_ignore(Certificate).values(code=new_code(), **values))
        db.session.expire(enrollment, ["certificate"])
        if enrollment.certificate is not None:
            return enrollment.certificate
    raise RuntimeError("no free certificate code after five draws")


def find_certificate(code: str) -> Certificate | None:
    code = normalize_code(code)
    if not code:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def revoke_certificate(
    certificate: Certificate, by: User, reason: str, now: datetime, *, ip: str | None = None
) -> None:
    """Revoke a certificate (audited); the public verification page says so from now on."""
    if certificate.revoked_at is not None:
        raise CourseError(_("Sertifikat ini sudah dicabut."))
    certificate.revoked_at = now
    certificate.revoked_by_id = by.id
    certificate.revoke_reason = reason.strip()
    record(
        by,
        "certificate.revoke",
        f"user:{certificate.enrollment.user_id}",
        now=now,
        ip=ip,
        certificate=certificate.id,
    )
    db.session.flush()


def jp_by_year(user_id: int) -> dict[int, int]:
    """JP earned per WIB calendar year."""
    year = func.extract("year", Enrollment.completed_on)
    rows = db.session.execute(
        select(year, func.sum(Enrollment.jp_earned))
        .where(Enrollment.user_id == user_id, Enrollment.completed_on.is_not(None))
        .group_by(year)
    ).all()
    return {int(y): int(jp or 0) for y, jp in rows}
