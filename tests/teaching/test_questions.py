"""Questions to the instructor, below each lesson: asked from the lesson page, the instructors
told, answered, shared with the course's other learners or kept private, hidden; the lesson page
stays within its statements."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.courses import services as courses
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.reminders.models import Notification
from lms.teaching import services as teaching
from lms.teaching.models import LessonQuestion
from tests.factories import login_id, make_user, page_sql, page_statements, sync, write_course

LESSON = "/courses/kursus-uji/lessons/materi-1"


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=2)
    write_course(tmp_path, slug="kursus-lain", title="Kursus Lain", lessons=1)
    sync(tmp_path)
    return db.session.scalar(select(Course).where(Course.slug == "kursus-uji"))


@pytest.fixture
def instructor(db, course):
    """An instructor of the course, not enrolled in it."""
    person = make_user(roles={"learner", "instructor"}, full_name="Bu Guru Wati")
    teaching.assign_instructor(course, person, None, utcnow())
    db.session.commit()
    return person


def learner_of(db, course, **fields):
    person = make_user(**fields)
    courses.enroll(person, course, utcnow())
    db.session.commit()
    return person


def ask(client, login_as, person, body, private=False):
    login_as(person)
    data = {"body": body} | ({"private": "y"} if private else {})
    return client.post(f"{LESSON}/questions/ask", data=data)


def answer(client, login_as, teacher, question_id, body):
    login_as(teacher)
    return client.post(f"/questions/{question_id}/answer", data={"body": body})


def last_question(db) -> int:
    return db.session.scalar(select(func.max(LessonQuestion.id)))


def lesson_page(client, login_as, person) -> str:
    login_as(person)
    response = client.get(LESSON)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_learner_asks_from_the_lesson_page_and_the_instructors_are_told(
    client, login_as, db, course, instructor
):
    asker = learner_of(db, course)
    page = lesson_page(client, login_as, asker)
    form = re.search(r'<form method="post" action="([^"]+)" class="card" novalidate>', page)
    assert form and form.group(1) == f"{LESSON}/questions/ask"
    assert "Ajukan pertanyaan" in page and 'name="private"' in page
    assert '<label for="tanya-teks">Pertanyaan Anda</label>' in page
    assert re.search(r'<label class="check"><input id="tanya-pribadi" name="private"', page)
    assert "Hanya untuk pengajar" in page

    response = ask(client, login_as, asker, "Apa itu JP?")
    qid = last_question(db)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LESSON}#tanya-{qid}"
    notes = db.session.scalars(
        select(Notification).where(Notification.rule == "lesson_question")
    ).all()
    assert [(n.user_id, n.url) for n in notes] == [(instructor.id, f"{LESSON}#tanya-{qid}")]
    # The asker sees their own question, still waiting, on the lesson.
    page = lesson_page(client, login_as, asker)
    assert f'id="tanya-{qid}"' in page and "Apa itu JP?" in page and "Belum dijawab" in page


def test_an_answered_public_question_is_read_by_the_course_learners_only(
    client, login_as, db, course, instructor, app
):
    asker = learner_of(db, course, full_name="Ani Rahayu")
    classmate = learner_of(db, course)
    elsewhere = learner_of(db, db.session.scalar(select(Course).where(Course.slug != course.slug)))
    ask(client, login_as, asker, "Apa itu JP?")
    qid = last_question(db)
    assert "Apa itu JP?" not in lesson_page(client, login_as, classmate)  # not answered yet
    assert (
        answer(client, login_as, instructor, qid, "Jam pelajaran, 45 menit.").headers["Location"]
        == f"{LESSON}#tanya-{qid}"
    )
    page = lesson_page(client, login_as, classmate)
    assert "Apa itu JP?" in page and "Jam pelajaran, 45 menit." in page
    assert "Jawaban Bu Guru Wati" in page and "Ani Rahayu" not in page
    told = db.session.scalar(select(Notification).where(Notification.rule == "lesson_answer"))
    assert (told.user_id, told.url) == (asker.id, f"{LESSON}#tanya-{qid}")

    # A learner of another course is sent to enrol; the question is nowhere on the way.
    login_as(elsewhere)
    response = client.get(LESSON, follow_redirects=True)
    assert response.request.path == "/courses/kursus-uji"
    assert "Apa itu JP?" not in response.get_data(as_text=True)
    assert client.get(f"{LESSON}/questions").status_code == 403
    # Someone not signed in is sent to sign in.
    anonymous = app.test_client()
    response = anonymous.get(LESSON)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Apa itu JP?" not in anonymous.get(LESSON, follow_redirects=True).get_data(as_text=True)


def test_a_private_question_stays_between_asker_and_instructors(
    client, login_as, db, course, instructor
):
    asker = learner_of(db, course)
    classmate = learner_of(db, course)
    ask(client, login_as, asker, "Pertanyaan pribadi saya", private=True)
    qid = last_question(db)
    page = lesson_page(client, login_as, instructor)
    assert "Pertanyaan pribadi saya" in page and "Hanya untuk pengajar" in page
    answer(client, login_as, instructor, qid, "Jawaban pribadi.")
    page = lesson_page(client, login_as, classmate)
    assert "Pertanyaan pribadi saya" not in page and "Jawaban pribadi." not in page
    page = lesson_page(client, login_as, asker)
    assert "Pertanyaan pribadi saya" in page and "Jawaban pribadi." in page


def test_instructors_see_every_question_with_answer_and_hide_on_the_lesson(
    client, login_as, db, course, instructor
):
    asker = learner_of(db, course, full_name="Ani Rahayu")
    ask(client, login_as, asker, "Pertanyaan pribadi", private=True)
    private_id = last_question(db)
    ask(client, login_as, asker, "Iklan tidak pantas")
    hidden_id = last_question(db)
    login_as(instructor)
    client.post(f"/questions/{hidden_id}/hide")
    course_page = client.get("/courses/kursus-uji").get_data(as_text=True)
    assert f'<a href="{LESSON}">Materi 1</a>' in course_page  # the lessons open to them
    page = lesson_page(client, login_as, instructor)  # not enrolled: read-only, no progress
    assert "Tandai selesai" not in page and "sebagai pengajar" in page
    assert "Pertanyaan pribadi" in page and "Iklan tidak pantas" in page
    assert "Disembunyikan pengajar" in page and "Ani Rahayu" in page
    for qid in (private_id, hidden_id):
        assert f'action="/questions/{qid}/answer"' in page
        assert f'action="/questions/{qid}/hide"' in page
    assert "<summary>Jawab</summary>" in page and ">Sembunyikan</button>" in page
    assert ">Tampilkan lagi</button>" in page
    assert "Ajukan pertanyaan" not in page  # instructors answer, they do not ask here


def test_a_hidden_post_is_gone_for_the_other_learners(client, login_as, db, course, instructor):
    asker = learner_of(db, course)
    classmate = learner_of(db, course)
    ask(client, login_as, asker, "Iklan tidak pantas")
    qid = last_question(db)
    answer(client, login_as, instructor, qid, "Bukan tempatnya.")
    assert "Iklan tidak pantas" in lesson_page(client, login_as, classmate)
    login_as(instructor)
    response = client.post(f"/questions/{qid}/hide")
    assert response.headers["Location"] == f"{LESSON}#tanya-{qid}"
    page = lesson_page(client, login_as, classmate)
    assert "Iklan tidak pantas" not in page and "Bukan tempatnya." not in page
    login_as(instructor)
    client.post(f"/questions/{qid}/hide")  # shown again
    assert "Iklan tidak pantas" in lesson_page(client, login_as, classmate)


def test_a_learner_cannot_answer_or_hide(client, login_as, db, course, instructor):
    asker = learner_of(db, course)
    ask(client, login_as, asker, "Apa itu JP?")
    qid = last_question(db)
    assert client.post(f"/questions/{qid}/answer", data={"body": "x"}).status_code == 403
    assert client.post(f"/questions/{qid}/hide").status_code == 403
    page = lesson_page(client, login_as, asker)
    assert f'action="/questions/{qid}/hide"' not in page


def test_only_the_course_learners_ask(client, login_as, db, course, instructor):
    outsider = make_user()
    db.session.commit()
    assert ask(client, login_as, outsider, "Boleh ikut bertanya?").status_code == 403
    assert db.session.scalar(select(func.count(LessonQuestion.id))) == 0


def test_scripts_in_questions_and_answers_are_escaped(client, login_as, db, course, instructor):
    asker = learner_of(db, course)
    classmate = learner_of(db, course)
    ask(client, login_as, asker, '<script>alert("tanya")</script><img src=x onerror="alert(1)">')
    answer(client, login_as, instructor, last_question(db), "<script>alert('jawab')</script>Oke")
    for person in (instructor, classmate):
        page = lesson_page(client, login_as, person)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=" in page
        assert "Oke" in page


def test_a_question_that_does_not_pass_comes_back_at_its_field_as_typed(
    client, login_as, db, course, instructor
):
    asker = learner_of(db, course)
    typed = "Mengapa <b>JP</b> " + "panjang " * 400  # over 3,000 characters
    response = ask(client, login_as, asker, typed, private=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('<div class="error-summary"') == 1
    assert '<a href="#tanya-teks">Pertanyaan Anda: Paling banyak 3000 karakter.</a>' in page
    assert 'id="tanya-teks-err">Paling banyak 3000 karakter.</p>' in page
    assert re.search(r'<textarea aria-describedby="tanya-teks-err" aria-invalid="true"', page)
    assert "Mengapa &lt;b&gt;JP&lt;/b&gt; panjang panjang" in page  # kept, escaped
    assert re.search(r'<input checked[^>]*id="tanya-pribadi"', page)
    assert "Isi materi ke-1" in page  # still the lesson page
    empty = ask(client, login_as, asker, "   ").get_data(as_text=True)
    assert 'id="tanya-teks-err">Kolom ini wajib diisi.</p>' in empty
    assert db.session.scalar(select(func.count(LessonQuestion.id))) == 0


def test_the_questions_former_page_leads_to_the_lesson(client, login_as, db, course, instructor):
    asker = learner_of(db, course)
    login_as(asker)
    response = client.get(f"{LESSON}/questions")
    assert response.headers["Location"] == f"{LESSON}#tanya-pengajar"
    login_as(instructor)
    assert client.get(f"{LESSON}/questions").headers["Location"] == f"{LESSON}#tanya-pengajar"


def _writes_and_count(client, db, url):
    """How many statements a GET of ``url`` runs, and its writes (a fresh identity map)."""
    found = page_sql(client, url)
    writes = [s for s in found if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    return len(found), writes


def test_the_lesson_page_with_questions_stays_within_four_statements(
    client, login_as, db, course, instructor
):
    asker = learner_of(db, course)
    reader = learner_of(db, course)

    def ask_and_answer(n):
        for i in range(n):
            ask(client, login_as, asker, f"Pertanyaan {i}", private=i == 1)
            answer(client, login_as, instructor, last_question(db), f"Jawaban {i}.")
            answer(client, login_as, instructor, last_question(db), f"Tambahan {i}.")

    ask_and_answer(1)
    login_as(reader)
    _writes_and_count(client, db, LESSON)  # the first visit records the lesson opened last
    count, writes = _writes_and_count(client, db, LESSON)
    assert count <= 4 and writes == []
    ask_and_answer(3)
    login_as(reader)
    _writes_and_count(client, db, LESSON)
    page = client.get(LESSON).get_data(as_text=True)
    assert page.count('class="card question-post"') == 3  # the private one is not shown
    assert "Tambahan 2." in page
    assert _writes_and_count(client, db, LESSON) == (count, [])
    # Instructors: the same page plus one statement for the courses they teach.
    login_as(instructor)
    before = page_statements(client, LESSON)
    ask_and_answer(2)
    login_as(instructor)
    assert page_statements(client, LESSON) == before <= 5


def test_asking_needs_the_csrf_token(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from lms.extensions import db

        write_course(tmp_path, lessons=1)
        sync(tmp_path)
        asker = make_user()
        courses.enroll(asker, db.session.scalar(select(Course)), utcnow())
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = login_id(asker)
        page = client.get(LESSON).get_data(as_text=True)
        ask_form = page.split(f'action="{LESSON}/questions/ask"', 1)[1]
        token = ask_form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        refused = client.post(f"{LESSON}/questions/ask", data={"body": "Tanpa token?"})
        assert refused.status_code == 400  # refused by the app's CSRF protection
        assert db.session.scalar(select(func.count(LessonQuestion.id))) == 0
        sent = client.post(f"{LESSON}/questions/ask", data={"body": "Ada?", "csrf_token": token})
        assert sent.status_code == 302
        assert db.session.scalar(select(func.count(LessonQuestion.id))) == 1
