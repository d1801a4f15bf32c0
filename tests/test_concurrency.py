"""Correct under concurrency: 20 requests doing the same check-then-insert at once leave one row.

Each of the 20 threads has its own application context, so its own session and database
connection (SQLite file or PostgreSQL), and they all start together at a barrier, as twenty
browser tabs or double clicks arriving at once would. No call may fail, and the database ends
with one row: one open attempt, one enrolment, one lesson progress and completion, one
certificate, one reminder and its email.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.courses import services as courses
from lms.courses.models import Certificate, Course, Enrollment, Lesson, LessonProgress
from lms.extensions import db as _db
from lms.quiz import services as quiz
from lms.quiz.models import Attempt
from lms.reminders.models import Notification, OutboxMessage
from lms.reminders.rules import Due
from lms.reminders.services import record
from tests.factories import make_user, sync, write_course

T0 = datetime(2026, 11, 27, 3, 0)
N = 20


def race(app, work: Callable[[], object], n: int = N) -> list:
    """Run ``work`` in ``n`` threads at once, each committing on its own connection."""
    barrier = threading.Barrier(n)
    results: list = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results.append(work())
                _db.session.commit()
            except Exception as exc:
                _db.session.rollback()
                results.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == n, "a thread did not finish"
    return results


def failures(results: list) -> list:
    return [r for r in results if isinstance(r, BaseException)]


def count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def quiz_course(db, tmp_path):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    return db.session.scalar(select(Course))


@pytest.fixture
def plain_course(db, tmp_path):
    write_course(tmp_path / "plain", slug="tanpa-kuis", gift=None, lessons=1)
    sync(tmp_path / "plain")
    return db.session.scalar(select(Course).where(Course.slug == "tanpa-kuis"))


def test_twenty_starts_of_a_quiz_leave_one_open_attempt(app, db, quiz_course):
    enrollment = courses.enroll(make_user(), quiz_course, T0)
    db.session.commit()
    eid = enrollment.id

    def start():
        return quiz.start_attempt(_db.session.get(Enrollment, eid), T0).id

    results = race(app, start)
    assert failures(results) == []
    assert len(set(results)) == 1  # every tab got the same attempt
    assert count(db, Attempt, Attempt.enrollment_id == eid) == 1


def test_the_database_refuses_a_second_open_attempt(db, quiz_course):
    enrollment = courses.enroll(make_user(), quiz_course, T0)
    first = quiz.start_attempt(enrollment, T0)
    db.session.commit()
    twin = Attempt(enrollment_id=enrollment.id, user_id=enrollment.user_id,
                   course_id=quiz_course.id, number=first.number + 1, started_at=T0)  # fmt: skip
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # A submitted attempt does not count: the next one may open.
    first = db.session.get(Attempt, first.id)
    first.submitted_at, first.score, first.passed = T0, 0.0, False
    db.session.add(Attempt(enrollment_id=enrollment.id, user_id=enrollment.user_id,
                           course_id=quiz_course.id, number=2, started_at=T0))  # fmt: skip
    db.session.flush()


def test_twenty_enrolments_make_one(app, db, plain_course):
    uid, cid = make_user().id, plain_course.id
    db.session.commit()

    def enrol():
        return courses.enroll(_db.session.get(User, uid), _db.session.get(Course, cid), T0).id

    results = race(app, enrol)
    assert failures(results) == []
    assert len(set(results)) == 1
    assert count(db, Enrollment, Enrollment.user_id == uid) == 1


def test_twenty_completions_of_the_last_lesson_complete_once(app, db, plain_course):
    enrollment = courses.enroll(make_user(), plain_course, T0)
    db.session.commit()
    eid = enrollment.id
    lid = db.session.scalar(select(Lesson.id).where(Lesson.course_id == plain_course.id))

    def complete():
        return courses.complete_lesson(
            _db.session.get(Enrollment, eid), _db.session.get(Lesson, lid), T0
        )

    results = race(app, complete)
    assert failures(results) == []
    assert results.count(True) == 1  # the course was completed by exactly one of them
    assert count(db, LessonProgress, LessonProgress.enrollment_id == eid) == 1
    assert count(db, Certificate, Certificate.enrollment_id == eid) == 1
    assert db.session.get(Enrollment, eid).completed_at == T0


def test_twenty_certificate_requests_issue_one(app, db, plain_course):
    enrollment = courses.enroll(make_user(), plain_course, T0)
    enrollment.completed_at, enrollment.completed_on = T0, T0.date()
    db.session.commit()
    eid = enrollment.id

    def issue():
        return courses.issue_certificate(_db.session.get(Enrollment, eid), T0).code

    results = race(app, issue)
    assert failures(results) == []
    assert len(set(results)) == 1  # everyone was shown the same code
    assert count(db, Certificate, Certificate.enrollment_id == eid) == 1


def test_twenty_runs_of_one_reminder_claim_it_once(app, db):
    person = make_user(email="rina@jatimprov.go.id")
    db.session.commit()
    due = Due(user_id=person.id, key=f"uji:{person.id}:2026-11-27", category="course",
              rule="uji", title="Tenggat kursus", body="Segera selesaikan.", url="/")  # fmt: skip

    results = race(app, lambda: len(record([due], T0)))
    assert failures(results) == []
    assert sum(results) == 1
    assert count(db, Notification, Notification.key == due.key) == 1
    assert count(db, OutboxMessage) == 1
