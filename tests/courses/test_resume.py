""" "Lanjutkan" resumes at the first unfinished lesson, wherever the learner wandered before."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.courses.models import Course
from tests.factories import sync, write_course


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=5)
    sync(tmp_path)
    return db.session.scalar(select(Course))


def lanjutkan(page: str) -> str:
    """Where the page's "Lanjutkan ..." link or button leads."""
    return re.search(r'href="([^"]+)"[^>]*>\s*Lanjutkan', page)[1]


def test_after_the_first_lesson_every_lanjutkan_leads_to_lesson_two(client, login_as, course):
    login_as("learner")
    base = f"/courses/{course.slug}"
    client.post(f"{base}/enroll")
    client.post(f"{base}/lessons/materi-1/complete")
    # Wandering about: back to the finished first lesson, a peek at the last one, the quiz.
    client.get(f"{base}/lessons/materi-1")
    client.get(f"{base}/lessons/materi-5")
    client.get(f"{base}/quiz")

    assert lanjutkan(client.get(base).get_data(as_text=True)) == f"{base}/lessons/materi-2"
    learning = lanjutkan(client.get("/learning").get_data(as_text=True))
    assert learning == f"{base}/resume"
    assert client.get(learning).headers["Location"] == f"{base}/lessons/materi-2"
    # "Lanjutkan" on the finished first lesson (it posts the lesson as done again).
    assert "Lanjutkan</button>" in client.get(f"{base}/lessons/materi-1").get_data(as_text=True)
    again = client.post(f"{base}/lessons/materi-1/complete")
    assert again.headers["Location"] == f"{base}/lessons/materi-2"


def test_a_gap_is_filled_before_going_on(client, login_as, course):
    login_as("learner")
    base = f"/courses/{course.slug}"
    client.post(f"{base}/enroll")
    for n in (1, 2, 4, 5):
        client.post(f"{base}/lessons/materi-{n}/complete")
    assert client.get(f"{base}/resume").headers["Location"] == f"{base}/lessons/materi-3"
    assert lanjutkan(client.get(base).get_data(as_text=True)) == f"{base}/lessons/materi-3"


def test_with_every_lesson_done_lanjutkan_leads_to_the_quiz(client, login_as, course):
    login_as("learner")
    base = f"/courses/{course.slug}"
    client.post(f"{base}/enroll")
    for n in range(1, 6):
        client.post(f"{base}/lessons/materi-{n}/complete")
    assert client.get(f"{base}/resume").headers["Location"] == f"{base}/quiz"


def test_resume_before_enrolling_goes_to_the_course_page(client, login_as, course):
    login_as("learner")
    response = client.get(f"/courses/{course.slug}/resume")
    assert response.headers["Location"] == f"/courses/{course.slug}"
