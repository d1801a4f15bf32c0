"""Questions to the instructor on a lesson: asked, notified, answered, shared or private, hidden."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.courses import services as courses
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.reminders.models import Notification
from lms.teaching import services as teaching
from tests.factories import make_user, page_statements, sync, write_course


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    return db.session.scalar(select(Course))


@pytest.fixture
def instructor(db, course):
    person = make_user(roles={"learner", "instructor"})
    teaching.assign_instructor(course, person, None, utcnow())
    db.session.commit()
    return person


def learner_of(course, db, **fields):
    person = make_user(**fields)
    courses.enroll(person, course, utcnow())
    db.session.commit()
    return person


def url(course, suffix=""):
    return f"/courses/{course.slug}/lessons/materi-1/questions{suffix}"


def ask(client, login_as, person, course, body, private=False):
    login_as(person)
    data = {"body": body} | ({"private": "y"} if private else {})
    return client.post(url(course, "/ask"), data=data)


def question_id(db):
    from lms.teaching.models import LessonQuestion

    return db.session.scalar(select(LessonQuestion.id).order_by(LessonQuestion.id.desc()))


def test_asking_tells_the_course_instructors(client, login_as, db, course, instructor):
    asker = learner_of(course, db)
    assert ask(client, login_as, asker, course, "Apa itu JP?").status_code == 302
    notes = db.session.scalars(select(Notification).where(Notification.rule == "lesson_question"))
    assert [n.user_id for n in notes] == [instructor.id]


def test_only_the_course_learners_ask(client, login_as, db, course, instructor):
    outsider = make_user()
    db.session.commit()
    assert ask(client, login_as, outsider, course, "Boleh ikut bertanya?").status_code == 403
    assert client.get(url(course)).status_code == 403


def test_answered_public_questions_are_shared_without_the_askers_name(
    client, login_as, db, course, instructor
):
    asker = learner_of(course, db, full_name="Ani Rahayu")
    other = learner_of(course, db)
    ask(client, login_as, asker, course, "Apa itu JP?")
    login_as(other)
    assert "Apa itu JP?" not in client.get(url(course)).get_data(as_text=True)  # unanswered
    login_as(instructor)
    client.post(f"/questions/{question_id(db)}/answer", data={"body": "Jam pelajaran, 45 menit."})
    login_as(other)
    page = client.get(url(course)).get_data(as_text=True)
    assert "Apa itu JP?" in page and "Jam pelajaran, 45 menit." in page
    assert "Ani Rahayu" not in page
    answered = db.session.scalar(select(Notification).where(Notification.rule == "lesson_answer"))
    assert answered.user_id == asker.id


def test_a_private_question_stays_between_asker_and_instructors(
    client, login_as, db, course, instructor
):
    asker = learner_of(course, db)
    other = learner_of(course, db)
    ask(client, login_as, asker, course, "Pertanyaan pribadi saya", private=True)
    login_as(instructor)
    assert "Pertanyaan pribadi saya" in client.get(url(course)).get_data(as_text=True)
    client.post(f"/questions/{question_id(db)}/answer", data={"body": "Jawaban pribadi."})
    login_as(other)
    assert "Pertanyaan pribadi saya" not in client.get(url(course)).get_data(as_text=True)
    login_as(asker)
    assert "Jawaban pribadi." in client.get(url(course)).get_data(as_text=True)


def test_an_instructor_hides_a_question_from_other_learners(
    client, login_as, db, course, instructor
):
    asker = learner_of(course, db)
    other = learner_of(course, db)
    ask(client, login_as, asker, course, "Iklan tidak pantas")
    qid = question_id(db)
    login_as(instructor)
    client.post(f"/questions/{qid}/answer", data={"body": "Bukan tempatnya."})
    client.post(f"/questions/{qid}/hide")
    login_as(other)
    assert "Iklan tidak pantas" not in client.get(url(course)).get_data(as_text=True)
    login_as(instructor)
    client.post(f"/questions/{qid}/hide")  # shown again
    login_as(other)
    assert "Iklan tidak pantas" in client.get(url(course)).get_data(as_text=True)


def test_a_learner_cannot_answer_or_hide(client, login_as, db, course, instructor):
    asker = learner_of(course, db)
    ask(client, login_as, asker, course, "Apa itu JP?")
    qid = question_id(db)
    assert client.post(f"/questions/{qid}/answer", data={"body": "x"}).status_code == 403
    assert client.post(f"/questions/{qid}/hide").status_code == 403


def test_question_text_is_escaped_and_cleaned(client, login_as, db, course, instructor):
    asker = learner_of(course, db)
    ask(client, login_as, asker, course, '<img src=x onerror="alert(1)">Halo')
    login_as(instructor)
    page = client.get(url(course)).get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=" in page


def test_the_questions_page_does_not_query_per_question(client, login_as, db, course, instructor):
    def ask_and_answer(n):
        for i in range(n):
            ask(client, login_as, learner_of(course, db), course, f"Pertanyaan {i}")
            login_as(instructor)
            client.post(f"/questions/{question_id(db)}/answer", data={"body": "Jawaban."})

    ask_and_answer(1)
    login_as(instructor)
    page_statements(client, url(course))
    before = page_statements(client, url(course))
    ask_and_answer(3)
    login_as(instructor)
    page_statements(client, url(course))
    assert page_statements(client, url(course)) == before
