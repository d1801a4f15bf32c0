"""An essay in Chromium: a learner hands it in, the course's instructor grades it from the
queue, and the learner's certificate appears."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.courses.models import Course
from lms.i18n import utcnow
from lms.teaching import services as teaching
from tests.browser.steps import sign_in
from tests.factories import make_unit, make_user, sync, write_course

pytestmark = pytest.mark.browser

GIFT = """::Pilihan:: Berapa JP paling sedikit hak pengembangan kompetensi PNS per tahun? {
=20 JP
~10 JP
}

::Esai:: Ceritakan satu layanan di unit Anda yang dapat dibantu AI, dan satu risikonya. {}
"""


@pytest.fixture
def people(app, db, tmp_path):
    write_course(tmp_path / "courses", lessons=1, gift=GIFT, title="Menulis Kasus AI", jp=2)
    sync(tmp_path / "courses")
    unit = make_unit("Dinas Kominfo")
    learner = make_user(unit=unit, email="rina@jatimprov.go.id", full_name="Rina Wulandari")
    instructor = make_user(
        unit=make_unit("BPSDM"),
        email="sri@jatimprov.go.id",
        full_name="Sri Handayani",
        roles={"learner", "instructor"},
    )
    course = db.session.scalar(select(Course))
    teaching.assign_instructor(course, instructor, None, utcnow())
    db.session.commit()
    return learner, instructor


def test_instructor_grades_an_essay_and_the_certificate_appears(page, people):
    sign_in(page, "rina@jatimprov.go.id")
    page.get_by_role("link", name="Kursus", exact=True).click()
    page.get_by_role("link", name="Menulis Kasus AI").click()
    page.get_by_role("button", name="Daftar dan mulai belajar").click()
    page.get_by_role("button", name="Tandai selesai").click()
    page.get_by_role("button", name="Mulai kuis").click()
    page.get_by_label("20 JP").check()
    page.get_by_label("Jawaban Anda").fill(
        "Layanan pengaduan: AI memilah aduan. Risikonya aduan mendesak terlewat."
    )
    page.get_by_role("button", name="Kumpulkan jawaban").click()
    page.get_by_text("Menunggu penilaian").first.wait_for()
    assert page.get_by_role("link", name="Lihat sertifikat").count() == 0
    page.get_by_role("button", name="Keluar").click()

    sign_in(page, "sri@jatimprov.go.id")
    page.get_by_role("link", name="Pengajaran").click()
    page.get_by_role("link", name="Esai menunggu penilaian").click()
    page.get_by_role("link", name="Nilai Rina Wulandari").click()
    page.get_by_text("AI memilah aduan").wait_for()
    page.get_by_label("Nilai (0–100)").fill("80")
    page.get_by_label("Umpan balik untuk peserta").fill(
        "Risiko yang tepat; tambahkan <b>mitigasi</b>."
    )
    page.get_by_role("button", name="Simpan nilai").click()
    page.get_by_text("Nilai esai disimpan.").wait_for()
    page.get_by_text("Tidak ada esai yang menunggu penilaian.").wait_for()
    page.get_by_role("button", name="Keluar").click()

    sign_in(page, "rina@jatimprov.go.id")
    page.goto("/notifications")
    note = page.locator("li.card", has_text="Esai Anda sudah dinilai")
    note.get_by_role("button", name="Buka").click()
    page.get_by_text("Nilai: 90").wait_for()
    page.get_by_text("tambahkan <b>mitigasi</b>.").wait_for()  # shown as typed, never as HTML
    page.get_by_role("link", name="Lihat sertifikat").click()
    page.get_by_text("Rina Wulandari").first.wait_for()
    page.get_by_text("Menulis Kasus AI").first.wait_for()
