"""Instructors: HR assigns them to courses; what teaching holds about a person is exported and
erased."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.courses.models import Course, Enrollment, Lesson
from lms.erasure import services as erasure
from lms.privacy.registry import REDACTED
from lms.privacy.services import collect
from lms.teaching import grading, questions
from lms.teaching import services as teaching
from lms.teaching.models import CourseInstructor, LessonQuestion
from tests.accounts.test_accounts import _user_form
from tests.factories import ESSAY_GIFT, essay_attempt, make_unit, make_user, sync, write_course

T0 = datetime(2026, 11, 27, 3, 0)


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, slug="esai", lessons=1, gift=ESSAY_GIFT)
    sync(tmp_path)
    return db.session.scalar(select(Course).where(Course.slug == "esai"))


def test_hr_assigns_and_removes_an_instructor(client, login_as, db, course):
    person = make_user(roles={"learner", "instructor"}, full_name="Sri Handayani")
    plain = make_user(full_name="Bukan Pengajar")
    db.session.commit()
    hr = login_as("hr")
    page = client.get(f"/courses/{course.slug}/instructors").get_data(as_text=True)
    assert "Sri Handayani" in page and "Bukan Pengajar" not in page  # only the role is offered
    refused = client.post(f"/courses/{course.slug}/instructors", data={"user_id": plain.id})
    assert refused.status_code == 200  # not a choice: the form comes back
    client.post(f"/courses/{course.slug}/instructors", data={"user_id": person.id})
    row = db.session.get(CourseInstructor, (course.id, person.id))
    assert row is not None and row.assigned_by_id == hr.id
    client.post(f"/courses/{course.slug}/instructors/{person.id}/remove")
    assert db.session.get(CourseInstructor, (course.id, person.id)) is None


def test_an_instructor_sees_their_learners_progress(client, login_as, db, course):
    person = make_user(roles={"learner", "instructor"})
    teaching.assign_instructor(course, person, None, T0)
    learner = make_user(full_name="Budi Santoso")
    essay_attempt(learner, course, now=T0)
    db.session.commit()
    login_as(person)
    page = client.get(f"/courses/{course.slug}/learners").get_data(as_text=True)
    assert "Budi Santoso" in page and "Menunggu penilaian" in page
    review = page.split('href="/attempts/', 1)[1].split('"', 1)[0]
    assert client.get(f"/attempts/{review}").status_code == 200  # the latest attempt opens
    home = client.get("/teaching").get_data(as_text=True)
    assert course.title in home


def test_teaching_data_is_exported_and_erased(db, course):
    person = make_user(roles={"learner", "instructor"}, full_name="Sri Handayani")
    learner = make_user(full_name="Budi Santoso")
    teaching.assign_instructor(course, person, None, T0)
    attempt = essay_attempt(learner, course, now=T0)
    essay = next(aq for aq in attempt.questions if aq.question.type == "essay")
    grading.grade_essay(essay, person, 90, "Bagus, Budi Santoso.", T0)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    asked = questions.ask(
        db.session.get(Enrollment, attempt.enrollment_id),
        lesson,
        learner,
        "Saya Budi Santoso.",
        False,
        T0,
    )
    questions.answer(asked, person, "Terima kasih, Budi Santoso.", T0)
    db.session.commit()
    mine = collect(person)["teaching"]
    assert mine["teaches"][0]["course"] == "esai" and len(mine["grades_given"]) == 1
    theirs = collect(learner)["teaching"]
    assert theirs["grades_received"][0]["fraction"] == 0.9
    assert theirs["questions"][0]["body_html"] == "Saya Budi Santoso."
    erasure.erase(learner, T0, reason="request", actor=None)
    db.session.commit()
    assert db.session.get(LessonQuestion, asked.id).body_html == REDACTED
    assert "Budi Santoso" not in asked.answers[0].body_html
    assert "Budi Santoso" not in db.session.scalar(select(grading.EssayGrade.feedback_html))


def test_hr_gives_the_instructor_role_in_the_user_form(client, login_as, db):
    login_as("hr")
    person = make_user(unit=make_unit())
    db.session.commit()
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Pengajar (menulis kursus, mengajar kursus yang ditugaskan)" in page
    form = _user_form(
        person.unit_id, nip=person.nip, email=person.email, roles=["learner", "instructor"]
    )
    assert client.post(f"/admin/users/{person.id}", data=form).status_code == 302
    assert db.session.get(User, person.id).roles == {"learner", "instructor"}
