"""Course authoring in Chromium: HR writes a course with two lessons, an image and a quiz,
publishes it, a learner takes it; the exported ZIP passes ``flask lms courses check``."""

from __future__ import annotations

import zipfile

import pytest

from tests.authoring.helpers import tiny_png
from tests.browser.steps import sign_in, wait_for_image
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.browser

GIFT = """::Data:: Data pribadi warga boleh ditempel ke chatbot AI publik. {F}

::Tanggung jawab:: Siapa yang bertanggung jawab atas hasil kerja yang dibantu AI? {
=Pegawai yang memakainya
~Penyedia AI
}
"""


@pytest.fixture
def people(app, db):
    unit = make_unit("Badan Pengembangan Sumber Daya Manusia")
    make_user(unit=unit, email="wi@jatimprov.go.id", roles={"learner", "hr"})
    make_user(unit=unit, email="rina@jatimprov.go.id", full_name="Rina Wulandari")
    db.session.commit()


def test_author_publishes_a_course_a_learner_takes_it(page, app, people, tmp_path):
    sign_in(page, "wi@jatimprov.go.id")
    page.get_by_role("link", name="Penulisan Kursus").click()
    page.get_by_role("link", name="Kursus baru").click()
    page.get_by_label("Nama kursus di alamat").fill("etika-ai-asn")
    page.get_by_label("Judul", exact=True).fill("Etika AI untuk ASN")
    page.get_by_label("Ringkasan").fill("Memakai AI dengan aman dan bertanggung jawab.")
    page.get_by_label("JP (1 JP = 45 menit)").fill("2")
    page.get_by_label("Durasi (menit)").fill("90")
    page.get_by_label("Versi (misalnya 2026.1)").fill("2026.1")
    page.get_by_role("button", name="Buat kursus").click()
    page.get_by_text("Kursus dibuat sebagai draf").wait_for()

    image = tmp_path / "rapat.png"
    image.write_bytes(tiny_png())
    page.get_by_label("Gambar (PNG, JPEG, GIF, atau WebP)").set_input_files(image)
    page.get_by_role("button", name="Unggah gambar").click()
    page.get_by_text("Gambar disimpan").wait_for()

    page.get_by_role("link", name="Tambah materi").click()
    page.get_by_label("Judul materi").fill("Mengapa etika AI")
    page.get_by_label("Isi (Markdown)").fill(
        "## Data warga\n\nData **pribadi** warga tidak pernah masuk chatbot publik.\n\n"
        "![Rapat tim](gambar/rapat.png)"
    )
    # with JavaScript the preview follows the text; "Pratinjau" does the same without it
    page.locator("#pratinjau strong", has_text="pribadi").wait_for()
    page.get_by_role("button", name="Pratinjau").click()
    preview = page.locator("article.lesson")
    preview.locator("strong", has_text="pribadi").wait_for()
    assert preview.locator("img").evaluate("img => img.complete && img.naturalWidth") == 2
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("link", name="Tambah materi").click()
    page.get_by_label("Judul materi").fill("Penutup")
    page.get_by_label("Isi (Markdown)").fill("Terima kasih telah belajar.")
    page.get_by_role("button", name="Simpan").click()

    page.get_by_role("link", name="Sunting bank soal (GIFT)").click()
    page.get_by_label("Bank soal (format GIFT)").fill(GIFT)
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("button", name="Terbitkan versi baru").click()
    page.get_by_text("Versi 1 diterbitkan.").wait_for()

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh ZIP draf").click()
    archive = tmp_path / "kursus.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "courses")
    result = app.test_cli_runner().invoke(
        args=["lms", "courses", "check", str(tmp_path / "courses")]
    )
    assert result.exit_code == 0, result.output
    assert "1 kursus diperiksa, tidak ada masalah." in result.output

    page.get_by_role("button", name="Keluar").click()
    sign_in(page, "rina@jatimprov.go.id")
    page.get_by_role("link", name="Kursus", exact=True).click()
    page.get_by_role("link", name="Etika AI untuk ASN").click()
    page.get_by_role("button", name="Daftar dan mulai belajar").click()
    page.get_by_role("heading", name="Mengapa etika AI").wait_for()
    image = page.get_by_role("img", name="Rapat tim")
    wait_for_image(image, 2)
    page.get_by_role("button", name="Tandai selesai").click()
    page.get_by_role("heading", name="Penutup").wait_for()
    page.get_by_role("button", name="Tandai selesai").click()
    page.get_by_role("button", name="Mulai kuis").click()
    page.get_by_label("Salah").check()
    page.get_by_label("Pegawai yang memakainya").check()
    page.get_by_role("button", name="Kumpulkan jawaban").click()
    page.get_by_text("Nilai: 100").wait_for()
    page.get_by_role("link", name="Lihat sertifikat").click()
    page.get_by_text("Rina Wulandari").first.wait_for()
