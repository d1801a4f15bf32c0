"""The story of issue 14 in Chromium, start to end, through the pages only.

HR creates an instructor's account (the real "Tambah akun" page, role Pengajar); the instructor
signs in, replaces the temporary password, writes a course with two Markdown lessons, a PNG
shown in the first one and a GIFT quiz with an essay, and publishes it. A learner takes it: the
essay leaves the attempt "menunggu penilaian" and no certificate. The instructor, who became the
course's instructor by publishing it, grades the essay from the queue; the learner's certificate
appears. The course's ZIP, downloaded from the page, passes the real ``flask lms courses check``
run as a separate process on the unzipped folder.

Only the HR officer and the learner are made by factories (HR accounts are made by admins, and
the learner's account is not what is under test).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.authoring.helpers import tiny_png
from tests.browser.steps import sign_in, sign_out, wait_for_image
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SLUG = "menulis-kasus-ai"
NEW_PASSWORD = "Widyaiswara-2026-Jatim"
GIFT = """::Hak JP:: Berapa JP paling sedikit hak pengembangan kompetensi PNS per tahun? {
=20 JP
~10 JP
~40 JP
}

::Data:: Data pribadi warga boleh ditempel ke chatbot AI publik. {F}

::Esai:: Ceritakan satu layanan di unit Anda yang dapat dibantu AI, dan satu risikonya. {}
"""


@pytest.fixture
def people(app, db):
    bpsdm = make_unit("Badan Pengembangan Sumber Daya Manusia")
    make_user(unit=bpsdm, email="hr@jatimprov.go.id", roles={"learner", "hr"})
    make_user(
        unit=make_unit("Dinas Kominfo"), email="rina@jatimprov.go.id", full_name="Rina Wulandari"
    )
    db.session.commit()


def hr_creates_the_instructor(page) -> str:
    """HR adds Sri as an instructor; returns the temporary password the page shows once."""
    sign_in(page, "hr@jatimprov.go.id")
    page.get_by_role("link", name="Pegawai", exact=True).click()
    page.get_by_role("link", name="Tambah akun").click()
    page.get_by_label("Nama lengkap").fill("Sri Handayani, S.Pd., M.Pd.")
    page.get_by_label("Email").fill("sri@jatimprov.go.id")
    page.get_by_label("Unit kerja").select_option(label="Badan Pengembangan Sumber Daya Manusia")
    page.get_by_label("Peserta (ASN)").check()
    page.get_by_label("Pengajar (", exact=False).check()
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("heading", name="Akun telah dibuat").wait_for()
    temporary = page.locator("p.secret code").inner_text().strip()
    sign_out(page)
    return temporary


def instructor_signs_in_first(page, temporary: str) -> None:
    """The first sign-in: replace the temporary password, then read the privacy notice."""
    sign_in(page, "sri@jatimprov.go.id", temporary)
    page.get_by_role("heading", name="Ganti kata sandi").wait_for()
    page.get_by_label("Kata sandi saat ini").fill(temporary)
    page.get_by_label("Kata sandi baru", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()
    read = page.get_by_role("button", name="Saya telah membaca pemberitahuan ini")
    read.click()
    page.get_by_role("link", name="Penulisan Kursus").wait_for()


def instructor_writes_and_publishes(page, tmp_path: Path) -> None:
    # An instructor sees "Penulisan Kursus" but teaches nothing yet: no "Pengajaran".
    assert page.get_by_role("link", name="Pengajaran").count() == 0
    page.get_by_role("link", name="Penulisan Kursus").click()
    page.get_by_role("link", name="Kursus baru").click()
    page.get_by_label("Nama kursus di alamat").fill(SLUG)
    page.get_by_label("Judul", exact=True).fill("Menulis Kasus AI")
    page.get_by_label("Ringkasan").fill("Menulis kasus pemanfaatan AI di layanan publik.")
    page.get_by_label("JP (1 JP = 45 menit)").fill("2")
    page.get_by_label("Durasi (menit)").fill("90")
    page.get_by_label("Versi (misalnya 2026.1)").fill("2026.1")
    page.get_by_role("button", name="Buat kursus").click()
    page.get_by_text("Kursus dibuat sebagai draf").wait_for()

    image = tmp_path / "alur-layanan.png"
    image.write_bytes(tiny_png((20, 120, 200)))
    page.get_by_label("Gambar (PNG, JPEG, GIF, atau WebP)").set_input_files(image)
    page.get_by_role("button", name="Unggah gambar").click()
    page.get_by_text("Gambar disimpan").wait_for()

    page.get_by_role("link", name="Tambah materi").click()
    page.get_by_label("Judul materi").fill("Mengenali layanan")
    page.get_by_label("Isi (Markdown)").fill(
        "## Alur layanan\n\nPilih layanan yang **berulang** dan punya data yang jelas.\n\n"
        "![Alur layanan](gambar/alur-layanan.png)"
    )
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Materi disimpan di draf.").wait_for()
    page.get_by_role("link", name="Tambah materi").click()
    page.get_by_label("Judul materi").fill("Menimbang risiko")
    page.get_by_label("Isi (Markdown)").fill("Setiap manfaat AI punya *risiko*; tuliskan keduanya.")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Materi disimpan di draf.").wait_for()

    page.get_by_role("link", name="Sunting bank soal (GIFT)").click()
    page.get_by_label("Bank soal (format GIFT)").fill(GIFT)
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Bank soal disimpan di draf.").wait_for()
    page.get_by_role("button", name="Terbitkan versi baru").click()
    page.get_by_text("Versi 1 diterbitkan.").wait_for()


def exported_zip_passes_courses_check(page, tmp_path: Path) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh ZIP draf").click()
    archive = tmp_path / f"{SLUG}.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        zipped.extractall(tmp_path / "courses")
    assert f"{SLUG}/gambar/alur-layanan.png" in names
    assert f"{SLUG}/quiz.gift" in names
    assert len([n for n in names if n.endswith(".md")]) == 2
    check = ["lms", "courses", "check", str(tmp_path / "courses")]
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "lms", *check],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kursus diperiksa, tidak ada masalah." in result.stdout


def learner_takes_the_course(page) -> None:
    sign_in(page, "rina@jatimprov.go.id")
    page.get_by_role("link", name="Kursus", exact=True).click()
    page.get_by_role("link", name="Menulis Kasus AI").click()
    page.get_by_role("button", name="Daftar dan mulai belajar").click()
    page.get_by_role("heading", name="Mengenali layanan").wait_for()
    image = page.get_by_role("img", name="Alur layanan")
    wait_for_image(image, 2)
    page.get_by_role("button", name="Tandai selesai").click()
    page.get_by_role("heading", name="Menimbang risiko").wait_for()
    page.get_by_role("button", name="Tandai selesai").click()
    page.get_by_role("button", name="Mulai kuis").click()
    page.get_by_label("20 JP").check()
    page.get_by_label("Salah").check()
    page.get_by_label("Jawaban Anda").fill(
        "Layanan pengaduan: AI memilah aduan. Risikonya aduan mendesak terlewat."
    )
    page.get_by_role("button", name="Kumpulkan jawaban").click()
    page.get_by_text("Menunggu penilaian").first.wait_for()
    assert page.get_by_role("link", name="Lihat sertifikat").count() == 0
    page.get_by_role("link", name="Pembelajaran saya").click()
    assert page.get_by_role("link", name="Lihat sertifikat").count() == 0
    sign_out(page)


def instructor_grades_the_essay(page) -> None:
    sign_in(page, "sri@jatimprov.go.id", NEW_PASSWORD)
    page.get_by_role("link", name="Pengajaran").click()  # they teach the course they published
    page.get_by_role("link", name="Esai menunggu penilaian").click()
    page.get_by_role("link", name="Nilai Rina Wulandari").click()
    page.get_by_text("AI memilah aduan").wait_for()
    page.get_by_label("Nilai (0–100)").fill("70")
    page.get_by_label("Umpan balik untuk peserta").fill("Risiko yang tepat; tambahkan mitigasi.")
    page.get_by_role("button", name="Simpan nilai").click()
    page.get_by_text("Nilai esai disimpan.").wait_for()
    page.get_by_text("Tidak ada esai yang menunggu penilaian.").wait_for()
    sign_out(page)


def test_an_instructor_writes_a_course_a_learner_takes_it_the_essay_is_graded(
    page, app, people, tmp_path
):
    temporary = hr_creates_the_instructor(page)
    instructor_signs_in_first(page, temporary)
    instructor_writes_and_publishes(page, tmp_path)
    exported_zip_passes_courses_check(page, tmp_path)
    sign_out(page)

    learner_takes_the_course(page)
    instructor_grades_the_essay(page)

    sign_in(page, "rina@jatimprov.go.id")
    page.goto("/notifications")
    note = page.locator("li.card", has_text="Esai Anda sudah dinilai")
    note.get_by_role("button", name="Buka").click()
    page.get_by_text("Nilai: 90").wait_for()  # (100 + 100 + 70) / 3 questions
    page.get_by_text("tambahkan mitigasi").wait_for()
    page.get_by_role("link", name="Lihat sertifikat").click()
    page.get_by_text("Rina Wulandari").first.wait_for()
    page.get_by_text("Menulis Kasus AI").first.wait_for()
