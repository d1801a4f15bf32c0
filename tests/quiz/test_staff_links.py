"""Staff reach the quiz settings from the course they manage; learners see no such link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.courses.models import Course
from tests.factories import sync, write_course


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    return db.session.scalar(select(Course))


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_course_page_links_staff_to_quiz_settings_and_statistics(client, login_as, course, role):
    login_as(role)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f'href="/courses/{course.slug}/quiz/settings">Pengaturan kuis</a>' in page
    assert f'href="/courses/{course.slug}/quiz/statistics">Statistik soal</a>' in page
    statistics = client.get(f"/courses/{course.slug}/quiz/statistics").get_data(as_text=True)
    assert f'href="/courses/{course.slug}/quiz/settings">Pengaturan kuis</a>' in statistics


def test_learner_gets_no_link_to_quiz_settings(client, login_as, course):
    login_as("learner")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "/quiz/settings" not in page and "Kelola kursus" not in page
