"""A learner takes a course end to end in Chromium: lessons, quiz, certificate, verification."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_unit, make_user, sync, write_course

pytestmark = pytest.mark.browser

GIFT = """::Q1:: Berapa JP paling sedikit hak pengembangan kompetensi seorang PNS per tahun? {
=20 JP
~10 JP
~5 JP
}

::Q2:: Data pribadi warga boleh ditempel ke chatbot publik. {F}
"""


@pytest.fixture
def learner(app, db, tmp_path):
    write_course(tmp_path / "courses", lessons=2, gift=GIFT, title="Literasi AI Singkat", jp=2)
    sync(tmp_path / "courses")
    user = make_user(
        unit=make_unit("Dinas Kominfo"), email="rina@jatimprov.go.id", full_name="Rina Wulandari"
    )
    db.session.commit()
    return user


def test_learner_completes_course_and_verifies_certificate(page, live_server, learner):
    page.goto("/")
    page.get_by_label("NIP atau email").fill("rina@jatimprov.go.id")
    page.get_by_label("Kata sandi").fill("Belajar-AI-2025")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Kursus", exact=True).click()
    page.get_by_role("link", name="Literasi AI Singkat").click()
    page.get_by_role("button", name="Daftar dan mulai belajar").click()

    page.get_by_role("heading", name="Materi 1").wait_for()
    page.get_by_role("button", name="Tandai selesai").click()
    page.get_by_role("heading", name="Materi 2").wait_for()
    assert page.locator("progress").get_attribute("value") == "50"
    page.get_by_role("button", name="Tandai selesai").click()

    page.get_by_role("button", name="Mulai kuis").click()
    page.get_by_label("20 JP").check()
    page.get_by_label("Salah").check()
    page.get_by_role("button", name="Kumpulkan jawaban").click()
    page.get_by_text("Nilai: 100").wait_for()

    page.get_by_role("link", name="Lihat sertifikat").click()
    page.get_by_text("Rina Wulandari").first.wait_for()
    code = page.locator(".cert-code strong").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("button", name="Keluar").click()
    page.goto(f"/verify/{code}")
    page.get_by_text("Sertifikat ini SAH").wait_for()
    assert "Literasi AI Singkat" in page.content()
    assert "rina@jatimprov.go.id" not in page.content()
