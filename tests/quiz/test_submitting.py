"""Handing in: unanswered questions are named and confirmed first; Enter saves one question;
staff see an attempt under way without being sent round in circles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.courses.models import Course, Enrollment
from lms.i18n import utcnow
from lms.quiz import services
from lms.quiz.models import Attempt
from tests.factories import make_user, sync, write_course
from tests.quiz.test_attempts import by_name, right_form


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=1, quiz_toml="pass_mark = 70\nmax_attempts = 3\n")
    sync(tmp_path)
    return db.session.scalar(select(Course))


def start(client, course, db) -> Attempt:
    client.post(f"/courses/{course.slug}/enroll")
    response = client.post(f"/courses/{course.slug}/quiz/start")
    return db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))


def test_unanswered_questions_are_listed_and_nothing_is_graded_before_confirming(
    client, login_as, course, db
):
    login_as("learner")
    attempt = start(client, course, db)
    questions = by_name(attempt)
    form = right_form(attempt)
    blank = {questions["Q2 Benar salah"].position, questions["Q4 Isian"].position}
    answers = {k: v for k, v in form.items() if int(re.match(r"q(\d+)", k)[1]) not in blank}

    response = client.post(f"/attempts/{attempt.id}/submit", data=answers)

    assert response.headers["Location"] == f"/attempts/{attempt.id}/confirm"
    db.session.refresh(attempt)
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    assert attempt.submitted_at is None and attempt.score is None
    assert not enrollment.attempts  # no attempt spent
    assert services.unanswered(attempt) == sorted(blank)  # the rest was saved, not lost
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ada 2 soal yang belum dijawab" in page
    for position in blank:
        assert f'href="/attempts/{attempt.id}?focus={position}">Soal {position}</a>' in page
    answered = (set(range(1, 7)) - blank).pop()
    assert f">Soal {answered}</a>" not in page
    assert 'name="confirm" value="1"' in page and "Ya, kumpulkan sekarang" in page
    assert course.max_attempts == 3 and "Sisa percobaan setelah ini: 2." in page


def test_confirming_grades_the_attempt_with_what_was_saved(client, login_as, course, db):
    login_as("learner")
    attempt = start(client, course, db)
    client.post(f"/attempts/{attempt.id}/submit", data={})
    assert db.session.get(Attempt, attempt.id).submitted_at is None

    response = client.post(f"/attempts/{attempt.id}/submit", data={"confirm": "1"})

    assert response.headers["Location"] == f"/attempts/{attempt.id}/review"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.score == 0
    assert db.session.get(Enrollment, attempt.enrollment_id).attempts == 1


def test_every_question_answered_is_graded_without_asking(client, login_as, course, db):
    login_as("learner")
    attempt = start(client, course, db)
    response = client.post(f"/attempts/{attempt.id}/submit", data=right_form(attempt))
    assert response.headers["Location"] == f"/attempts/{attempt.id}/review"
    db.session.refresh(attempt)
    assert attempt.score == 100


def test_time_up_grades_without_asking(client, login_as, course, db):
    login_as("learner")
    attempt = start(client, course, db)
    attempt.deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = client.post(f"/attempts/{attempt.id}/submit", data={})
    assert response.headers["Location"] == f"/attempts/{attempt.id}/review"
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.expired


def test_confirmation_page_of_a_handed_in_attempt_goes_to_its_review(client, login_as, course, db):
    login_as("learner")
    attempt = start(client, course, db)
    client.post(f"/attempts/{attempt.id}/submit", data=right_form(attempt))
    response = client.get(f"/attempts/{attempt.id}/confirm")
    assert response.headers["Location"] == f"/attempts/{attempt.id}/review"


def test_enter_without_javascript_saves_and_comes_back_to_that_question(
    client, login_as, course, db
):
    login_as("learner")
    attempt = start(client, course, db)
    short = by_name(attempt)["Q5 Singkat"].position
    # The whole form is posted through the hidden default button; only q<short> was typed in.
    form = {"enter": "1", "shown": [str(aq.position) for aq in attempt.questions]}
    form[f"q{short}"] = "ASN"

    response = client.post(f"/attempts/{attempt.id}/save", data=form)

    assert response.headers["Location"] == f"/attempts/{attempt.id}?focus={short}"
    assert by_name(attempt)["Q5 Singkat"].response == {"text": "ASN"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(rf'<input id="q{short}-input"[^>]* autofocus>', page)
    assert page.count("autofocus") == 1


def test_the_first_button_of_the_attempt_form_saves_without_naming_a_question(
    client, login_as, course, db
):
    """Enter submits through a form's first submit button: it must not be question 1's."""
    login_as("learner")
    attempt = start(client, course, db)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    form = page[page.index('id="attempt-form"') :]
    first = re.search(r"<button[^>]*>", form)[0]
    assert 'name="enter"' in first and 'name="only"' not in first
    assert 'tabindex="-1"' in first and 'aria-hidden="true"' in first


def test_staff_see_an_attempt_under_way_without_a_redirect_loop(client, login_as, db, course):
    owner = make_user()
    db.session.commit()
    login_as(owner)
    attempt = start(client, course, db)
    client.post(f"/attempts/{attempt.id}/save", data={"q1": "0", "only": "1", "shown": "1"})
    login_as("hr")

    for url in (f"/attempts/{attempt.id}", f"/attempts/{attempt.id}/review"):
        response = client.get(url, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "belum dikumpulkan" in page and "1 dari 6" in page
        assert 'type="radio"' not in page and "Jam pelajaran" not in page
