"""The demo unit head records a high-risk use of AI, is refused "berjalan" without a DPIA,
completes and signs off the DPIA, links an action item, publishes the entry; the public page
shows it without personal data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from tests.browser.test_action_plan_journey import PASSWORD, log_in, log_out

pytestmark = pytest.mark.browser

NAME = "Penilai kelayakan beasiswa daerah"


@pytest.fixture
def demo(app):
    from lms.demo import load_demo

    load_demo(PASSWORD)


def test_head_records_a_high_risk_use_completes_its_dpia_and_publishes_it(page, demo):
    head = db.session.scalar(select(User).where(User.email == "kepala@demo.test"))
    log_in(page, "kepala@demo.test")
    page.get_by_role("link", name="Registri AI", exact=True).click()
    page.get_by_role("heading", name="Registri Pemanfaatan AI").wait_for()
    page.get_by_role("link", name="Catat pemanfaatan AI").click()

    page.get_by_label("Nama pemanfaatan AI").fill(NAME)
    page.get_by_label("Tujuan: apa yang dikerjakan AI").fill(
        "Menilai berkas pendaftar beasiswa dan menetapkan siapa yang lolos seleksi administrasi."
    )
    page.get_by_label("Layanan publik yang tersentuh").fill("Beasiswa pendidikan daerah")
    page.get_by_label("Alat atau penyedia").fill("Layanan AI awan asing")
    page.get_by_label("Tempat data diproses dan disimpan").select_option(label="Di luar negeri")
    page.get_by_label("Data pribadi yang diproses").select_option(value="spesifik")
    page.get_by_label("Keputusan tentang warga").select_option(value="memutuskan")
    page.get_by_label("Status", exact=True).select_option(label="Berjalan")
    page.get_by_role("button", name="Simpan").click()

    # Refused, with the reason, and nothing saved.
    expect(page.locator(".error")).to_contain_text("Status belum dapat diubah menjadi berjalan")
    expect(page.locator(".error")).to_contain_text("UU 27/2022 Pasal 34")
    page.get_by_label("Status", exact=True).select_option(label="Uji coba")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("heading", name=NAME).wait_for()
    expect(page.locator("#status")).to_contain_text("Risiko tinggi")
    expect(page.locator("#status")).to_contain_text("DPIA belum ada")

    # The DPIA: four parts, then the head's sign-off.
    page.get_by_role("link", name="Isi DPIA").click()
    page.get_by_label("Tujuan dan kebutuhan").fill("Ribuan berkas per tahun; seleksi manual lama.")
    page.get_by_label("Minimisasi data").fill("Hanya nilai rapor dan penghasilan orang tua.")
    page.get_by_label("Risiko bagi orang yang datanya diproses").fill(
        "Penolakan keliru; data anak dan keuangan keluarga diproses di luar negeri."
    )
    page.get_by_label("Langkah pengamanan").fill(
        "Petugas memeriksa setiap penolakan; pendaftar dapat mengajukan keberatan."
    )
    page.get_by_role("button", name="Simpan DPIA").click()
    page.get_by_role("button", name="Setujui DPIA").click()
    expect(page.locator("#status")).to_contain_text("DPIA disetujui")

    # Now "berjalan" is accepted.
    page.get_by_role("link", name="Ubah", exact=True).click()
    page.get_by_label("Status", exact=True).select_option(label="Berjalan")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#status")).to_contain_text("Berjalan")

    # The action item that carries it out.
    page.get_by_role("link", name="Tautkan rencana aksi dan kursus").click()
    page.get_by_label("Chatbot FAQ layanan perizinan berbasis AI").check()
    page.get_by_role("button", name="Simpan tautan").click()
    expect(page.get_by_role("region", name="Rencana aksi terkait")).to_contain_text(
        "Chatbot FAQ layanan perizinan berbasis AI"
    )

    page.get_by_role("button", name="Publikasikan").click()
    expect(page.locator("#status")).to_contain_text("Dipublikasikan")
    log_out(page)

    # Anyone reads it on the public page, without a name, NIP or email.
    page.goto("/registri-ai")
    entry = page.locator("article", has=page.get_by_role("heading", name=NAME))
    expect(entry).to_contain_text("Data pribadi spesifik")
    expect(entry).to_contain_text("Di luar negeri")
    expect(entry).to_contain_text("Kepala Bidang Aplikasi Informatika")
    text = page.locator("main").inner_text()
    for personal in (head.full_name, head.nip, head.email, "Bambang"):
        assert personal not in text
    assert re.search(r"\d{18}", text) is None
