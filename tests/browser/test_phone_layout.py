"""Every page each role can reach, on a 390 px phone: nothing wider than the screen, chart text
at least 12 px and never clipped (issue 12, points 8 and 9).

One world for the module (SQLite: layout does not depend on the database): the demo units,
people and action plans, the real courses of courses/ (their lessons hold the wide Markdown
tables), a small synthetic province for the reports, a top-level unit with a very long name
in the charts, and a learner with course work, a certificate and a quiz under way. Each role
logs in through the login page and crawls from the dashboard, following every link once per
kind of page (ids, slugs, query values, sorting and paging aside); the learner also opens
every lesson that has a table. Further tests: the import preview, the folded menu (keyboard, no
JavaScript), the one "Rencana Aksi" entry, charts in print, and the focus ring's contrast.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from lms import create_app
from lms.config import testing_config as settings_for_tests
from tests.browser.measure import MEASURE, RING, contrast, crawl, rgb
from tests.conftest import Client, migrated
from tests.factories import make_unit, make_user, write_course

pytestmark = pytest.mark.browser

PASSWORD = "Demo-Sinau-2025"
PHONE = {"width": 390, "height": 844}
ROLES = {
    "learner": "asn@demo.test",
    "unit_head": "kepala@demo.test",
    "hr": "hr@demo.test",
    "admin": "admin@demo.test",
    "instructor": "pengajar@demo.test",
}
COURSES = Path(__file__).resolve().parents[2] / "courses"
STATIC = Path(__file__).resolve().parents[2] / "static"
LONG_UNIT = "Badan Penanggulangan Bencana Daerah dan Perlindungan Masyarakat Provinsi Jawa Timur"
#: A page with its stylesheets and scripts stays under this (tests/test_pages.py, weak links).
LIMIT = 150 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, dict]]:
    """The world above, served on a free port for the whole module."""
    from lms.extensions import db

    url = migrated(f"sqlite:///{tmp_path_factory.mktemp('phone') / 'p.sqlite'}", tmp_path_factory)
    config = settings_for_tests(url, str(tmp_path_factory.mktemp("instance")))
    config["RATELIMIT_ENABLED"] = False
    app = create_app(config)
    app.test_client_class = Client
    with app.app_context():
        facts = _build_world(app, db, tmp_path_factory.mktemp("courses"))
        db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", facts
    httpd.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def _build_world(app, db, tmp: Path) -> dict:
    from lms.accounts.models import User
    from lms.assignments import services as assignments
    from lms.courses import services as courses
    from lms.courses.models import Course
    from lms.demo import load_demo
    from lms.i18n import utcnow
    from lms.quiz import services as quiz
    from lms.reports.synthetic import seed

    now = utcnow()
    load_demo(PASSWORD)
    report = courses.sync_courses(COURSES, now, retire_missing=False)
    assert not report.problems, report.problems
    load_demo(PASSWORD)  # again, now that the courses exist: the instructor's are assigned
    # A course without a quiz, finished by the learner: a certificate to look at.
    folder = write_course(tmp, slug="tanpa-kuis", lessons=1, gift=None, title="Kursus Tanpa Kuis")
    (folder / "01-materi-1.md").write_text(
        "# Tabel lebar\n\n| Tahap layanan | Masalah yang sering muncul | Bantuan AI yang "
        "mungkin | Pengaman yang diperlukan |\n|---|---|---|---|\n| Mencari informasi | "
        "Pertanyaan yang sama diulang setiap hari | Draf FAQ berbasis dokumen resmi | "
        "Jawaban dibatasi pada dokumen resmi dan diperiksa petugas |\n",
        encoding="utf-8",
    )
    report = courses.sync_courses(tmp, now, retire_missing=False)
    assert not report.problems, report.problems
    seed(120, 20, now, courses=0, force=True)

    long_unit = make_unit(LONG_UNIT)
    for _ in range(2):
        make_user(unit=long_unit)
    learner = db.session.scalar(select(User).where(User.email == ROLES["learner"]))
    all_courses = list(db.session.scalars(select(Course).where(Course.retired_at.is_(None))))
    for course in all_courses:
        enrollment = courses.enroll(learner, course, now)
        lessons = courses.current_lessons(course)
        if course.slug == "tanpa-kuis":
            courses.complete_lesson(enrollment, lessons[0], now)
        elif course.slug == "dasar-ai-untuk-asn":
            for lesson in lessons:
                courses.complete_lesson(enrollment, lesson, now)
            quiz.start_attempt(enrollment, now)
    first = next(c for c in all_courses if c.slug == "dasar-ai-untuk-asn")
    assignments.create_assignment(
        first, scope="unit", unit=long_unit, deadline=date(2030, 1, 31), by=None, now=now
    )
    db.session.commit()
    from lms.courses.models import Lesson

    tables = db.session.execute(
        select(Course.slug, Lesson.slug)
        .join(Lesson, Lesson.course_id == Course.id)
        .where(Lesson.html.contains("<table"), Lesson.retired_at.is_(None))
    ).all()
    return {"table_lessons": [f"/courses/{c}/lessons/{lesson}" for c, lesson in tables]}


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("NIP atau email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    read = page.get_by_role("button", name="Saya telah membaca pemberitahuan ini")
    read.or_(page.get_by_role("heading", name="Halo,")).wait_for()
    if read.is_visible():
        read.click()
    page.get_by_role("heading", name="Halo,").wait_for()


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_is_wider_than_a_phone_and_chart_text_is_readable(browser, server, role):
    base, facts = server
    # Lessons share a template but not their Markdown: the learner opens every one with a table.
    also = facts["table_lessons"] if role == "learner" else []
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, base, ROLES[role])
        problems, pages, chart_texts = [], [], 0
        for url, status, seen in crawl(page, base, also):
            path = url.removeprefix(base)
            pages.append(path)
            if status >= 400:
                problems.append(f"{path}: HTTP {status}")
            if seen["scroll"] > seen["client"]:
                wide = f"{seen['scroll']}px wide > {seen['client']}px"
                problems.append(f"{path}: {wide} {seen['wide']}")
            weight = seen["html"] + sum(
                (STATIC / a.removeprefix("/static/")).stat().st_size for a in seen["assets"]
            )
            if not 0 < seen["html"] < weight < LIMIT:
                problems.append(f"{path}: {weight} bytes with its CSS and scripts")
            for text in seen["charts"]:
                chart_texts += 1
                if text["px"] < 12 or text["clipped"]:
                    problems.append(f"{path}: chart text {text}")
    finally:
        context.close()
    assert len(pages) >= 10, pages
    if role == "instructor":  # teaching pages have no chart; they must be reached
        assert {"/teaching", "/grading"} <= set(pages), pages
    elif role != "learner":
        assert chart_texts, f"{role} reached no chart: {pages}"
    else:
        assert len(also) > 1 and set(also) <= set(pages), (also, pages)
    assert not problems, "\n".join(problems)


def _phone_page(browser, base: str, email: str, **options):
    context = browser.new_context(viewport=PHONE, locale="id-ID", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, email)
    return context, page


def test_an_import_preview_fits_a_phone(browser, server):
    base, _facts = server
    rows = [
        "Judul;NIP Penanggung Jawab;Unit Kerja;Tenggat;Status",
        "Asisten AI untuk menjawab surat masyarakat dengan draf yang diperiksa petugas;"
        "199003152015032002;Bidang Aplikasi Informatika;2027-01-31;berjalan",
        "Baris tanpa NIP;;Bidang Aplikasi Informatika;31/12/2026;"
        "rancangan/berjalan/selesai/terhambat/dibatalkan",
    ]
    context, page = _phone_page(browser, base, ROLES["unit_head"])
    try:
        page.goto(f"{base}/actions/import")
        page.get_by_label("Berkas CSV atau XLSX").set_input_files(
            files=[
                {"name": "rencana.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}
            ]
        )
        page.get_by_role("button", name="Periksa berkas").click()
        page.get_by_role("heading", name="Hasil pemeriksaan").wait_for()
        assert page.locator("table tbody tr").count() == 2
        seen = page.evaluate(MEASURE)
    finally:
        context.close()
    assert seen["scroll"] <= seen["client"], seen["wide"]


def test_the_menu_folds_on_a_phone_and_opens_with_the_keyboard_without_javascript(browser, server):
    base, _facts = server
    context, page = _phone_page(browser, base, ROLES["hr"], java_script_enabled=False)
    try:
        nav = page.locator("nav.nav")
        reports = nav.get_by_role("link", name="Laporan", exact=True, include_hidden=True)
        # Retried: the heading the sign-in waits for can be there before the stylesheet that
        # folds the menu is applied.
        expect(reports).to_be_hidden()
        assert page.get_by_text("Menu", exact=True).is_visible()
        page.goto(f"{base}/reports/units/")
        for _ in range(8):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "menu-toggle":
                break
        else:
            pytest.fail("the menu cannot be reached with Tab")
        page.keyboard.press("Space")
        assert reports.is_visible()
        assert reports.get_attribute("aria-current") == "page"
        assert reports.bounding_box()["y"] < PHONE["height"]
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Beranda"
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Space")
        assert reports.is_hidden()
        page.set_viewport_size({"width": 1280, "height": 800})
        assert reports.is_visible()
        assert page.get_by_text("Menu", exact=True).is_hidden()
    finally:
        context.close()


def test_one_menu_entry_for_action_plans_and_the_plan_links_to_my_items(browser, server):
    base, _facts = server
    context, page = _phone_page(browser, base, ROLES["learner"])
    try:
        nav = page.locator("nav.nav")  # folded: hidden from get_by_role("navigation")
        assert nav.get_by_role("link", name="Rencana aksi saya", include_hidden=True).count() == 0
        entry = nav.get_by_role("link", name="Rencana Aksi", exact=True, include_hidden=True)
        page.get_by_text("Menu", exact=True).click()
        entry.click()
        page.get_by_role("heading", name="Rencana Aksi Bidang Aplikasi Informatika").wait_for()
        page.get_by_role("link", name="Rencana aksi saya").click()
        page.get_by_role("heading", name="Rencana aksi saya").wait_for()
        assert entry.get_attribute("aria-current") == "page"
    finally:
        context.close()


def test_charts_are_readable_when_printed(browser, server):
    base, _facts = server
    context, page = _phone_page(browser, base, ROLES["hr"])
    try:
        page.goto(f"{base}/reports/units/")
        on_phone = len(page.evaluate(MEASURE)["charts"])
        # A4 landscape with 12 mm margins is about 1030 CSS px wide.
        page.set_viewport_size({"width": 1030, "height": 720})
        page.emulate_media(media="print")
        printed = page.evaluate(MEASURE)["charts"]
        assert page.locator("svg.chart").first.is_visible()
    finally:
        context.close()
    assert len(printed) > on_phone  # the month labels a phone leaves out are printed
    assert all(t["px"] >= 12 and not t["clipped"] for t in printed), printed
    # the long name is shortened on screen and whole in its <title> (textContent holds both)
    assert any(LONG_UNIT in t["text"] and "…" in t["text"] for t in printed)


def test_contrast_formula_matches_known_pairs():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((0xF2, 0xC1, 0x4E), (255, 255, 255)), 1) == 1.7  # the old ring


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desk"])
def test_the_focus_ring_reaches_3_to_1_on_every_background_it_lands_on(browser, server, viewport):
    base, _facts = server
    context = browser.new_context(viewport=viewport, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems, rings, backgrounds = [], 0, set()
    try:
        log_in(page, base, ROLES["admin"])
        page.goto(f"{base}/courses/ai-untuk-pelayanan-publik")
        lesson = page.locator("a[href*='/lessons/']").first.get_attribute("href")
        for path in ["/", "/reports/units/", "/actions/units/2", lesson, "/admin/assignments/"]:
            page.goto(urljoin(base, path))
            if viewport is PHONE:
                page.get_by_text("Menu", exact=True).click()  # the folded links take focus too
            first = None
            for _ in range(200):
                page.keyboard.press("Tab")
                ring = page.evaluate(RING)
                if ring is None or ring["what"] == first:
                    break
                first = first or ring["what"]
                rings += 1
                backgrounds.add(ring["behind"])
                ratio = contrast(rgb(ring["outline"]), rgb(ring["behind"]))
                inner = re.match(r"rgba?\([^)]*\)", ring["inner"] or "")
                if ring["style"] == "none" or ring["width"] < 2 or ratio < 3:
                    problems.append(f"{path}: {ratio:.2f}:1 {ring}")
                elif not inner or contrast(rgb(inner.group(0)), rgb(ring["outline"])) < 3:
                    problems.append(f"{path}: no second tone {ring}")
    finally:
        context.close()
    assert rings > 50 and len(backgrounds) >= 3, (rings, backgrounds)
    assert not problems, "\n".join(problems[:20])
