"""The demo unit head plans an action, its owner reports it done with a PDF, the head accepts it."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "Demo-Sinau-2025"


def minimal_pdf() -> bytes:
    """A small but well-formed one-page PDF (header, objects, xref table, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture
def demo(app):
    from lms.demo import load_demo

    load_demo(PASSWORD)


def log_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("NIP atau email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    # A first sign-in shows the privacy notice first.
    read = page.get_by_role("button", name="Saya telah membaca pemberitahuan ini")
    read.or_(page.get_by_role("heading", name="Halo,")).wait_for()
    if read.is_visible():
        read.click()
    page.get_by_role("heading", name="Halo,").wait_for()


def log_out(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("heading", name="Masuk ke akun Anda").wait_for()


def test_head_plans_owner_reports_with_pdf_head_accepts(page, demo, tmp_path):
    from lms.i18n import utcnow, wib_today

    due = (wib_today(utcnow()) + timedelta(days=30)).isoformat()
    evidence = tmp_path / "berita-acara-uji-coba.pdf"
    evidence.write_bytes(minimal_pdf())

    # The head of Bidang Aplikasi Informatika plans a new action for Rina.
    log_in(page, "kepala@demo.test")
    page.get_by_role("link", name="Rencana Aksi", exact=True).click()
    page.get_by_role("heading", name="Rencana Aksi Bidang Aplikasi Informatika").wait_for()
    page.get_by_role("link", name="Tambah butir").click()
    page.get_by_label("Judul aksi").fill("Asisten AI untuk menjawab surat masyarakat")
    page.get_by_label("Output yang diharapkan").fill("Draf jawaban surat otomatis")
    page.get_by_label("Penanggung jawab", exact=True).select_option(
        label="Rina Wulandari, S.Kom. (Pranata Komputer Ahli Muda)"
    )
    page.get_by_label("Tenggat", exact=True).fill(due)
    page.get_by_label("Status", exact=True).select_option(label="Berjalan")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Butir rencana aksi telah ditambahkan.").wait_for()
    item_url = page.url
    log_out(page)

    # Rina reports it done, with a PDF as evidence.
    log_in(page, "asn@demo.test")
    page.goto(item_url)
    page.get_by_role("link", name="Laporkan progres").click()
    page.get_by_label("Progres (%)").fill("100")
    page.get_by_label("Status", exact=True).select_option(label="Selesai")
    page.get_by_label("Catatan progres").fill("Uji coba selesai; berita acara terlampir.")
    page.get_by_label("Berkas bukti dukung").set_input_files(str(evidence))
    page.get_by_role("button", name="Kirim laporan progres").click()
    page.get_by_text("Laporan progres telah dikirim.").wait_for()
    assert page.get_by_role("link", name="berita-acara-uji-coba.pdf").is_visible()
    log_out(page)

    # The head checks the evidence and accepts the item.
    log_in(page, "kepala@demo.test")
    page.goto(item_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="berita-acara-uji-coba.pdf").click()
    assert download.value.suggested_filename == "berita-acara-uji-coba.pdf"
    page.get_by_role("button", name="Terima").click()
    page.get_by_text("Butir diterima sebagai selesai.").wait_for()
    assert "Selesai, diterima" in page.locator("#status").inner_text()
    assert "menerima butir ini sebagai selesai" in page.content()
