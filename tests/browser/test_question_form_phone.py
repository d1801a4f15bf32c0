"""The question-by-question editor in Chromium with JavaScript off, on a 390 px phone: a trainer
adds a question, is told what is wrong at the field, changes the type, and nothing is wider
than the screen."""

from __future__ import annotations

import pytest

from lms.authoring import services
from lms.courses.source import QUIZ_FILE
from lms.i18n import utcnow
from lms.quiz.gift import parse_gift
from tests.authoring.helpers import SETTINGS
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, app, db):
    unit = make_unit("Badan Pengembangan Sumber Daya Manusia")
    make_user(unit=unit, email="wi@jatimprov.go.id", roles={"learner", "hr"})
    draft = services.create_draft("etika-ai", SETTINGS, {"pass_mark": 70}, None, utcnow())
    services.save_quiz(draft, "::Data:: NIK boleh ditempel ke chatbot publik. {F}\n", utcnow())
    db.session.commit()
    context = browser.new_context(
        base_url=live_server, locale="id-ID", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/")
    page.get_by_label("NIP atau email").fill("wi@jatimprov.go.id")
    page.get_by_label("Kata sandi").fill("Belajar-AI-2025")
    page.get_by_role("button", name="Masuk").click()
    yield page
    context.close()


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def test_a_question_is_added_in_the_form_without_javascript(phone, db):
    page = phone
    page.goto("/authoring/etika-ai")
    page.get_by_role("link", name="Sunting soal satu per satu").click()
    fits(page)
    page.get_by_role("link", name="Pilihan ganda", exact=True).click()
    fits(page)
    page.get_by_label("Teks soal").fill("Siapa yang bertanggung jawab atas hasil kerja AI?")
    page.locator("#answers-0-text").fill("Pegawai yang memakainya")
    page.locator("#answers-1-text").fill("Penyedia AI")
    page.get_by_role("button", name="Simpan soal").click()
    # No answer ticked: the error is at the answers, the summary links to it, nothing is lost.
    summary = page.get_by_role("alert")
    summary.get_by_text("tepat satu jawaban benar").wait_for()
    assert page.locator("#answers-1-text").input_value() == "Penyedia AI"
    fits(page)
    page.locator("#answers-0-correct").check()
    page.locator("#answers-0-feedback").fill("Tanggung jawab tidak berpindah.")
    page.locator("#answers-1-text").press("Enter")  # Enter saves, as the button does
    page.get_by_text("Soal ditambahkan ke bank soal").wait_for()
    fits(page)
    text = services.draft_files(services.find_draft("etika-ai"))[QUIZ_FILE].decode()
    added = parse_gift(text)[-1]
    assert added.type == "multichoice" and added.answers[0].fraction == 1
    assert added.answers[0].feedback == "Tanggung jawab tidak berpindah."

    # Another type without JavaScript: choose it and press "Ganti jenis"; what was typed stays.
    page.get_by_role("link", name="Ubah butir 2").click()
    page.get_by_label("Jenis soal").select_option("matching")
    page.get_by_role("button", name="Ganti jenis").click()
    page.get_by_label("Butir kiri").first.wait_for()
    assert page.locator("#answers-0-text").input_value() == "Pegawai yang memakainya"
    fits(page)
