"""Questions below a lesson, in Chromium: a learner asks (an empty question comes back with the
focus on what to fix), the course's instructor answers from the lesson page, and a classmate
reads the answer there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.courses import services as courses
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.teaching import services as teaching
from tests.factories import make_unit, make_user, sync, write_course

pytestmark = pytest.mark.browser

LESSON = "/courses/kursus-uji/lessons/materi-1"


@pytest.fixture
def people(app, db, tmp_path):
    write_course(tmp_path / "courses", lessons=2, title="Dasar AI")
    sync(tmp_path / "courses")
    course = db.session.scalar(select(Course))
    unit = make_unit("Dinas Kominfo")
    asker = make_user(unit=unit, email="rina@jatimprov.go.id", full_name="Rina Wulandari")
    classmate = make_user(unit=unit, email="budi@jatimprov.go.id")
    instructor = make_user(
        unit=make_unit("BPSDM"),
        email="sri@jatimprov.go.id",
        full_name="Sri Handayani",
        roles={"learner", "instructor"},
    )
    teaching.assign_instructor(course, instructor, None, utcnow())
    for person in (asker, classmate):
        courses.enroll(person, course, utcnow())
    db.session.commit()


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("NIP atau email").fill(email)
    page.get_by_label("Kata sandi").fill("Belajar-AI-2025")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("button", name="Keluar").wait_for()


def sign_out(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.get_by_label("NIP atau email").wait_for()


def test_a_question_asked_below_a_lesson_is_answered_there_and_shared(page, people):
    sign_in(page, "rina@jatimprov.go.id")
    page.goto(LESSON)
    page.get_by_role("button", name="Kirim pertanyaan").click()
    summary = page.locator("#ringkasan-galat")
    summary.wait_for()
    expect(summary).to_be_focused()
    assert "Pertanyaan Anda: Kolom ini wajib diisi." in summary.inner_text()
    expect(page.get_by_role("heading", name="Materi 1", level=1)).to_be_visible()
    page.get_by_label("Pertanyaan Anda").fill("Bolehkah <b>ChatGPT</b> dipakai untuk surat dinas?")
    page.get_by_role("button", name="Kirim pertanyaan").click()
    expect(page.get_by_text("Pertanyaan Anda terkirim kepada pengajar")).to_be_visible()
    assert "#tanya-" in page.url
    expect(page.locator(".question-post")).to_contain_text("Belum dijawab")
    sign_out(page)

    sign_in(page, "sri@jatimprov.go.id")
    page.locator("a.bell").click()
    note = page.locator("li.card", has_text="Pertanyaan baru di Materi 1")
    note.get_by_role("button", name="Buka").click()  # leads to the question on the lesson
    page.wait_for_url(f"**{LESSON}#tanya-*")
    post = page.locator(".question-post")
    expect(post).to_contain_text("Rina Wulandari")
    post.get_by_label("Jawaban").fill("Boleh untuk draf, periksa isinya sebelum dikirim.")
    post.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_text("Jawaban terkirim.")).to_be_visible()
    sign_out(page)

    sign_in(page, "budi@jatimprov.go.id")
    page.goto(LESSON)
    post = page.locator(".question-post")
    expect(post).to_contain_text("Bolehkah <b>ChatGPT</b> dipakai untuk surat dinas?")
    expect(post).to_contain_text("Jawaban Sri Handayani")
    expect(post).not_to_contain_text("Rina Wulandari")
