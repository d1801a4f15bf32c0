"""With the keyboard alone (no clicks, no programmatic focus): log in, finish a course, hand in
the quiz after the unanswered question is named, pass, open the certificate. Enter in a text
answer saves that question and keeps the focus there, with JavaScript and without."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.i18n import utcnow
from lms.quiz.models import Attempt, AttemptQuestion
from tests.factories import make_unit, make_user, sync, write_course

pytestmark = pytest.mark.browser

GIFT = """::Q1:: Berapa JP yang menjadi hak setiap ASN PNS per tahun? {
=20 JP
~10 JP
~5 JP
}

::Q2:: Data pribadi warga boleh ditempel ke chatbot publik. {F}

::Q3:: Singkatan dari Aparatur Sipil Negara adalah ... {=ASN}
"""
PASSWORD = "Belajar-AI-2025"  # tests.factories' password for everyone it makes


@pytest.fixture
def learner(app, db, tmp_path):
    write_course(tmp_path / "courses", lessons=2, gift=GIFT, title="Literasi AI Singkat", jp=2)
    sync(tmp_path / "courses")
    user = make_user(
        unit=make_unit("Dinas Kominfo"), email="rina@jatimprov.go.id", full_name="Rina Wulandari"
    )
    db.session.commit()
    return user


def focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def wait_focused(page, locator) -> None:
    """Wait until ``locator`` has the focus (autofocus happens once the page is rendered)."""
    page.wait_for_function("e => e === document.activeElement", arg=locator.element_handle())


def tab_to(page, locator, limit: int = 60) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        if focused(locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def activate(page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    page.keyboard.press(key)


def choose(page, group_first, wanted) -> None:
    """Tab into a radio group, then move with the arrow keys until ``wanted`` is checked."""
    tab_to(page, group_first)
    page.keyboard.press("Space")
    for _ in range(6):
        if wanted.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError("the arrow keys never reached the wanted answer")


def sign_in(page) -> None:
    page.goto("/")
    tab_to(page, page.get_by_label("NIP atau email"))
    page.keyboard.type("rina@jatimprov.go.id")
    page.keyboard.press("Tab")
    assert focused(page.get_by_label("Kata sandi"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Halo, Rina Wulandari").wait_for()


def test_keyboard_only_learner_finishes_a_course_and_passes_its_quiz(page, learner, db):
    sign_in(page)
    activate(
        page,
        page.get_by_role("navigation", name="Menu utama").get_by_role(
            "link", name="Kursus", exact=True
        ),
    )
    activate(page, page.get_by_role("link", name="Literasi AI Singkat"))
    activate(page, page.get_by_role("button", name="Daftar dan mulai belajar"))
    for n in (1, 2):
        page.get_by_role("heading", name=f"Materi {n}").wait_for()
        activate(page, page.get_by_role("button", name="Tandai selesai"))
    activate(page, page.get_by_role("button", name="Mulai kuis"))

    q1, q3 = page.locator("#q1"), page.locator("#q3")
    choose(page, q1.get_by_role("radio").first, q1.get_by_label("20 JP"))
    answer = q3.get_by_role("textbox", name="Jawaban Anda")
    tab_to(page, answer)
    page.keyboard.type("ASN")
    url = page.url
    page.keyboard.press("Enter")  # saves question 3, stays in it (JavaScript on)
    q3.get_by_text("Tersimpan").wait_for()
    assert page.url == url and focused(answer)
    saved = db.session.scalars(select(AttemptQuestion).order_by(AttemptQuestion.position)).all()
    db.session.expire_all()
    assert {aq.position: aq.response for aq in saved}[3] == {"text": "ASN"}

    # Question 2 is left blank: handing in asks first and names it.
    activate(page, page.get_by_role("button", name="Kumpulkan jawaban"))
    page.get_by_role("heading", name="Kumpulkan jawaban?").wait_for()
    assert "Ada 1 soal yang belum dijawab" in page.content()
    activate(page, page.get_by_role("link", name="Soal 2"))
    q2 = page.locator("#q2")
    wait_focused(page, q2.get_by_role("button", name="Simpan jawaban soal 2"))  # at question 2
    page.keyboard.press("Shift+Tab")  # into its radio group, from the end: "Salah"
    page.keyboard.press("Space")
    assert q2.get_by_label("Salah").is_checked()
    activate(page, page.get_by_role("button", name="Kumpulkan jawaban"))

    page.get_by_text("Nilai: 100").wait_for()
    activate(page, page.get_by_role("link", name="Lihat sertifikat"))
    page.get_by_text("Rina Wulandari").first.wait_for()
    assert "Literasi AI Singkat" in page.content()


def test_enter_in_a_text_answer_without_javascript_comes_back_to_it(browser, live_server, learner):
    context = browser.new_context(base_url=live_server, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page)
        page.goto("/courses/kursus-uji")
        activate(page, page.get_by_role("button", name="Daftar dan mulai belajar"))
        page.get_by_role("heading", name="Materi 1").wait_for()  # enrolled: the first lesson
        page.goto("/courses/kursus-uji/quiz")
        activate(page, page.get_by_role("button", name="Mulai kuis"))
        answer = page.locator("#q3").get_by_role("textbox", name="Jawaban Anda")
        tab_to(page, answer)
        page.keyboard.type("ASN")
        page.keyboard.press("Enter")  # the whole form goes, through the hidden default button
        page.get_by_text("Jawaban tersimpan.").wait_for()
        assert page.url.endswith("?focus=3")
        wait_focused(page, answer)
        assert answer.input_value() == "ASN"
    finally:
        context.close()


def test_when_time_runs_out_the_attempt_is_handed_in_without_asking(page, learner, db):
    sign_in(page)
    page.goto("/courses/kursus-uji")
    activate(page, page.get_by_role("button", name="Daftar dan mulai belajar"))
    page.get_by_role("heading", name="Materi 1").wait_for()  # enrolled: the first lesson
    page.goto("/courses/kursus-uji/quiz")
    activate(page, page.get_by_role("button", name="Mulai kuis"))
    page.locator("#q1").wait_for()
    attempt = db.session.scalar(select(Attempt))
    attempt.deadline_at = utcnow() + timedelta(seconds=3)  # as if the time limit were nearly up
    db.session.commit()
    page.reload()  # the timer counts the 3 seconds down, then hands in (nothing answered)
    page.get_by_role("heading", name="Hasil percobaan ke-1").wait_for()
    assert "Kumpulkan jawaban?" not in page.content()
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).submitted_at is not None
