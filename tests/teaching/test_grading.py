"""Essays graded by people: waiting, grading, completion, notification, scope, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.courses import services as courses
from lms.courses.models import Course, Enrollment
from lms.quiz import services as quiz
from lms.reminders import services as reminders
from lms.reminders.models import Notification
from lms.reports import services as report
from lms.teaching import grading
from lms.teaching import services as teaching
from tests.factories import (
    ESSAY_GIFT,
    essay_attempt,
    make_user,
    page_statements,
    sync,
    write_course,
)

T0 = datetime(2026, 11, 27, 3, 0)


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, slug="esai", lessons=1, gift=ESSAY_GIFT)
    sync(tmp_path)
    return db.session.scalar(select(Course).where(Course.slug == "esai"))


@pytest.fixture
def instructor(db, course):
    person = make_user(roles={"learner", "instructor"})
    teaching.assign_instructor(course, person, None, T0)
    db.session.commit()
    return person


def essay_of(attempt):
    return next(aq for aq in attempt.questions if aq.question.type == "essay")


def test_an_essay_keeps_the_attempt_waiting_and_the_course_open(db, course):
    attempt = essay_attempt(make_user(), course, now=T0)
    assert attempt.submitted_at is not None
    assert attempt.score is None and attempt.passed is None
    assert essay_of(attempt).fraction is None
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    assert enrollment.completed_at is None and enrollment.attempts == 1


def test_no_new_attempt_while_one_waits_for_a_grade(db, course):
    attempt = essay_attempt(make_user(), course, now=T0)
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    with pytest.raises(quiz.QuizError, match="menunggu penilaian"):
        quiz.start_attempt(enrollment, T0)


def test_grading_scores_the_attempt_completes_the_course_and_tells_the_learner(
    db, course, instructor
):
    learner = make_user()
    attempt = essay_attempt(learner, course, now=T0)
    later = T0 + timedelta(days=1)
    assert grading.grade_essay(essay_of(attempt), instructor, 80, "Contoh yang baik.", later)
    db.session.commit()
    assert attempt.score == 90.0 and attempt.passed is True  # (1 + 0.8) / 2
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    assert enrollment.completed_at == later and enrollment.certificate is not None
    note = db.session.scalar(select(Notification).where(Notification.user_id == learner.id))
    assert note.rule == grading.GRADED_RULE and "90" in note.body


def test_a_failing_grade_leaves_the_course_open(db, course, instructor):
    attempt = essay_attempt(make_user(), course, now=T0)
    grading.grade_essay(essay_of(attempt), instructor, 0, "", T0)
    assert attempt.score == 50.0 and attempt.passed is False
    assert db.session.get(Enrollment, attempt.enrollment_id).completed_at is None


def test_feedback_is_escaped_and_cleaned(client, login_as, db, course, instructor):
    learner = make_user()
    attempt = essay_attempt(learner, course, now=T0)
    grading.grade_essay(
        essay_of(attempt), instructor, 100, '<script>alert(1)</script><a href="x">a</a>', T0
    )
    db.session.commit()
    login_as(learner)
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_review_says_waiting_until_graded(client, login_as, db, course):
    learner = make_user()
    attempt = essay_attempt(learner, course, "Jawaban esai saya.", now=T0)
    db.session.commit()
    login_as(learner)
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Menunggu penilaian" in page and "Jawaban esai saya." in page
    overview = client.get(f"/courses/{course.slug}/quiz").get_data(as_text=True)
    assert "Menunggu penilaian" in overview


def test_an_instructor_grades_only_their_courses(
    client, login_as, db, course, instructor, tmp_path
):
    write_course(tmp_path, slug="esai-lain", lessons=1, gift=ESSAY_GIFT)
    sync(tmp_path)
    other = db.session.scalar(select(Course).where(Course.slug == "esai-lain"))
    mine = essay_attempt(make_user(), course, now=T0)
    theirs = essay_attempt(make_user(), other, now=T0)
    db.session.commit()
    login_as(instructor)
    queue = client.get("/grading").get_data(as_text=True)
    assert f"/grading/{essay_of(mine).id}" in queue
    assert f"/grading/{essay_of(theirs).id}" not in queue
    assert client.get(f"/grading/{essay_of(theirs).id}").status_code == 403
    assert client.get(f"/attempts/{theirs.id}/review").status_code == 403
    assert client.get(f"/attempts/{mine.id}/review").status_code == 200


def test_grading_through_the_page_is_audited(client, login_as, db, course, instructor):
    attempt = essay_attempt(make_user(), course, now=T0)
    db.session.commit()
    login_as(instructor)
    url = f"/grading/{essay_of(attempt).id}"
    assert client.get(url).status_code == 200
    viewed = select(AuditEvent.action).where(AuditEvent.actor_id == instructor.id)
    assert db.session.scalars(viewed).all() == ["quiz.essay.view"]  # a look alone is kept
    refused = client.post(url, data={"score": "101", "feedback": ""})
    assert "antara 0 dan 100" in refused.get_data(as_text=True)
    assert client.post(url, data={"score": "70", "feedback": "Baik"}).status_code == 302
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == instructor.id)
    ).all()
    assert "quiz.essay.view" in actions and "quiz.essay.grade" in actions
    db.session.refresh(attempt)
    assert attempt.score == 85.0


def test_an_essay_still_being_written_is_not_graded(client, login_as, db, course, instructor):
    enrollment = courses.enroll(make_user(), course, T0)
    attempt = quiz.start_attempt(enrollment, T0)
    db.session.commit()
    login_as(instructor)
    assert client.get(f"/grading/{essay_of(attempt).id}").status_code == 404


def test_taking_the_role_away_ends_the_teaching(client, login_as, db, course, instructor):
    attempt = essay_attempt(make_user(), course, now=T0)
    instructor.set_roles({"learner"})
    db.session.commit()
    login_as(instructor)
    assert client.get(f"/grading/{essay_of(attempt).id}").status_code == 403
    assert client.get("/grading").status_code == 403


def test_instructors_are_reminded_weekly_of_essays_waiting_too_long(app, db, course, instructor):
    essay_attempt(make_user(), course, now=T0)
    db.session.commit()
    days = app.config["GRADING_REMIND_DAYS"]

    def run(at):
        return reminders.run_rules(at, ["essay_waiting"])["essay_waiting"]

    assert run(T0 + timedelta(days=days - 1)) == 0
    assert run(T0 + timedelta(days=days, hours=1)) == 1
    assert run(T0 + timedelta(days=days, hours=2)) == 0  # same week: once
    assert run(T0 + timedelta(days=days + 7)) == 1
    note = db.session.scalar(select(Notification).where(Notification.user_id == instructor.id))
    assert note.url == "/grading" and "menunggu penilaian" in note.title.lower()


def test_every_instructor_of_the_course_is_reminded(app, db, course, instructor):
    second = make_user(roles={"learner", "instructor"})
    teaching.assign_instructor(course, second, None, T0)
    essay_attempt(make_user(), course, now=T0)
    db.session.commit()
    later = T0 + timedelta(days=app.config["GRADING_REMIND_DAYS"] + 1)
    assert reminders.run_rules(later, ["essay_waiting"])["essay_waiting"] == 2
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.rule == "essay_waiting")
    )
    assert set(told) == {instructor.id, second.id}
    assert reminders.run_rules(later, ["essay_waiting"])["essay_waiting"] == 0


def test_a_graded_essay_is_not_reminded(app, db, course, instructor):
    attempt = essay_attempt(make_user(), course, now=T0)
    grading.grade_essay(essay_of(attempt), instructor, 50, "", T0)
    db.session.commit()
    later = T0 + timedelta(days=app.config["GRADING_REMIND_DAYS"] + 1)
    assert reminders.run_rules(later, ["essay_waiting"])["essay_waiting"] == 0


def test_reports_count_waiting_for_a_grade_apart(db, course, instructor):
    attempt = essay_attempt(make_user(), course, now=T0)
    essay_attempt(make_user(), course, now=T0)
    db.session.commit()
    today = T0.date()
    rows, _total = report.course_report(None, report.Filters(year=today.year), today)
    row = next(r for r in rows if r.key == course.id)
    assert (row.awaiting_grade, row.in_progress, row.completed) == (2, 0, 0)
    grading.grade_essay(essay_of(attempt), instructor, 100, "", T0)
    db.session.commit()
    rows, _total = report.course_report(None, report.Filters(year=today.year), today)
    row = next(r for r in rows if r.key == course.id)
    assert (row.awaiting_grade, row.completed) == (1, 1)


def test_the_queue_and_learners_pages_do_not_query_per_essay(
    client, login_as, db, course, instructor
):
    essay_attempt(make_user(), course, now=T0)
    db.session.commit()
    login_as(instructor)
    pages = ["/grading", f"/courses/{course.slug}/learners", "/teaching"]
    for url in pages:
        page_statements(client, url)  # the first request of a session also records its start
    before = [page_statements(client, url) for url in pages]
    for _ in range(3):
        essay_attempt(make_user(), course, now=T0)
    db.session.commit()
    assert [page_statements(client, url) for url in pages] == before
