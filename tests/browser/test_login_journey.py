"""A learner logs in, sees the dashboard, switches language and logs out, in Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    from lms.demo import load_demo

    password, _ = load_demo("Demo-Sinau-2025")
    return password


def test_learner_logs_in_switches_language_and_logs_out(page, demo):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_label("NIP atau email").fill("asn@demo.test")
    page.get_by_label("Kata sandi").fill(demo)
    page.get_by_role("button", name="Masuk").click()
    # The first sign-in shows the privacy notice; reading it leads on to the dashboard.
    page.get_by_role("heading", name="Pemberitahuan privasi", exact=True).wait_for()
    page.get_by_role("button", name="Saya telah membaca pemberitahuan ini").click()
    page.get_by_role("heading", name="Halo, Rina Wulandari").wait_for()
    assert "Bidang Aplikasi Informatika" in page.content()

    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Home").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to your account").wait_for()
    # The choice of language outlives the session.
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.get_by_role("heading", name="Masuk ke akun Anda").wait_for()


def test_wrong_password_shows_indonesian_message(page, demo):
    page.goto("/")
    page.get_by_label("NIP atau email").fill("asn@demo.test")
    page.get_by_label("Kata sandi").fill("bukan-kata-sandi-1")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("alert").wait_for()
    assert "NIP/email atau kata sandi salah." in page.get_by_role("alert").inner_text()
