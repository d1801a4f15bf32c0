"""After a failed submit the focus lands on the error summary, in Chromium, with JavaScript and
without it; a link of the summary takes the focus to its field (issue 12, point 17)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    from lms.demo import load_demo

    password, _ = load_demo("Demo-Sinau-2025")
    return password


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def fail_sign_in(page) -> None:
    page.goto("/login")
    page.get_by_label("NIP atau email").fill("asn@demo.test")
    page.get_by_label("Kata sandi").fill("bukan-kata-sandi-1")
    page.keyboard.press("Enter")
    page.locator("#ringkasan-galat").wait_for()


def test_failed_sign_in_focuses_the_summary_and_marks_the_fields(page, demo):
    fail_sign_in(page)
    expect(page.locator("#ringkasan-galat")).to_be_focused()
    assert "NIP/email atau kata sandi salah." in page.locator("#ringkasan-galat").inner_text()
    field = page.get_by_label("NIP atau email")
    assert field.get_attribute("aria-invalid") == "true"
    # The accessible description a screen reader reads out includes the message.
    described = field.get_attribute("aria-describedby").split()
    assert "galat-formulir" in described


def test_without_javascript_autofocus_puts_the_focus_on_the_summary(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("NIP atau email").fill("")
        page.get_by_role("button", name="Masuk").click()
        page.locator("#ringkasan-galat").wait_for()
        expect(page.locator("#ringkasan-galat")).to_be_focused()  # autofocus, once rendered
        # Tab from the summary reaches its first link, a fragment link to the field.
        page.keyboard.press("Tab")
        assert page.locator("#ringkasan-galat a:focus").get_attribute("href") == "#identifier"
    finally:
        context.close()


def test_a_summary_link_moves_the_focus_to_its_field(page, demo):
    page.goto("/login")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#ringkasan-galat")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # follows the first link: "NIP atau email: ..."
    expect(page.locator("#identifier")).to_be_focused()
    assert focused_id(page) == "identifier"
