"""HR requires a learning path in Chromium (no JavaScript needed), and a leader sees it, with
the next course, on a 390 px phone."""

from __future__ import annotations

import pytest

from tests.factories import make_unit, make_user, sync, write_course

pytestmark = pytest.mark.browser

PASSWORD = "Belajar-AI-2025"


@pytest.fixture
def people(app, db, tmp_path):
    write_course(tmp_path / "courses", slug="dasar", gift=None, lessons=1, title="Dasar AI")
    write_course(tmp_path / "courses", slug="pimpinan", gift=None, lessons=1, title="AI Pimpinan")
    sync(tmp_path / "courses")
    unit = make_unit("Dinas Kominfo")
    hr = make_user(unit=make_unit("BKD"), email="bkd@jatimprov.go.id", roles={"learner", "hr"})
    leader = make_user(
        unit=unit, email="kabid@jatimprov.go.id", full_name="Kabid", position_type="Administrator"
    )
    db.session.commit()
    return {"hr": hr, "leader": leader}


def _login(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("NIP atau email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_hr_requires_a_path_and_the_leader_sees_what_comes_next(browser, live_server, people):
    desk = browser.new_context(base_url=live_server, locale="id-ID", java_script_enabled=False)
    page = desk.new_page()
    page.set_default_timeout(10_000)
    _login(page, "bkd@jatimprov.go.id")
    page.get_by_role("link", name="Jalur Belajar").click()
    page.get_by_role("link", name="Wajibkan jalur belajar").click()
    page.get_by_label("Nama jalur belajar").fill("Jalur Pimpinan")
    page.get_by_label("JPT").check()
    page.get_by_label("Administrator").check()
    page.get_by_label("Langkah 1").select_option(label="Dasar AI")
    page.get_by_label("Langkah 2").select_option(label="AI Pimpinan")
    page.get_by_label("Tenggat seluruh jalur").fill("2030-06-30")
    page.get_by_role("button", name="Wajibkan jalur belajar").click()
    page.get_by_text("Jalur belajar Jalur Pimpinan telah diwajibkan").wait_for()
    row = page.get_by_role("row", name="Jalur Pimpinan")
    assert "JPT, Administrator" in row.inner_text()
    desk.close()

    phone = browser.new_context(
        base_url=live_server, locale="id-ID", viewport={"width": 390, "height": 844}
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    _login(page, "kabid@jatimprov.go.id")
    page.goto("/learning")
    page.get_by_role("heading", name="Jalur belajar: Jalur Pimpinan").wait_for()
    next_course = page.locator("section.path p", has_text="Berikutnya:")
    assert next_course.get_by_role("link").inner_text() == "Dasar AI"
    steps = page.locator("ol.path-steps li")
    assert steps.count() == 2 and "Dasar AI" in steps.nth(0).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    next_course.get_by_role("link").click()
    page.get_by_role("heading", name="Dasar AI").wait_for()
    phone.close()
