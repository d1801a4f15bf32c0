"""Every page each role can reach, on a 390 px phone: nothing wider than the screen, chart text
at least 12 px and never clipped (issue 12, points 8 and 9).

One world for the module (SQLite: layout does not depend on the database): the demo units,
people and action plans, the real courses of courses/ (their lessons hold the wide Markdown
tables), a small synthetic province for the reports, a top-level unit with a very long name
in the charts, and a learner with course work, a certificate and a quiz under way. Each role
logs in through the login page and crawls from the dashboard, following every link once per
kind of page (ids and query values aside; each lesson counts on its own).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select
from werkzeug.serving import make_server

from lms import create_app
from lms.config import testing_config as settings_for_tests
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
}
COURSES = Path(__file__).resolve().parents[2] / "courses"
LONG_UNIT = "Badan Penanggulangan Bencana Daerah dan Perlindungan Masyarakat Provinsi Jawa Timur"
#: Links that download a file or leave the app: not pages to lay out.
NOT_PAGES = re.compile(
    r"\.(csv|xlsx|zip|pdf|svg|png|jpe?g|gif|webp|gift|txt)$|/export|/evidence/|/static/|"
    r"/template\.|/files/|/sso/|/pdf$"
)
#: A crawl that finds more than this many kinds of page has gone astray.
MAX_PAGES = 250

MEASURE = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [];
  for (const el of root.scrollWidth > width ? document.body.querySelectorAll('*') : []) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}px`);
    }
  }
  const charts = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      if (!text.checkVisibility()) continue;
      const box = text.getBoundingClientRect();
      const ctm = text.getScreenCTM();
      const scale = Math.min(Math.abs(ctm.a), Math.abs(ctm.d));
      charts.push({
        text: text.textContent.trim(),
        px: parseFloat(getComputedStyle(text).fontSize) * scale,
        clipped: box.left < frame.left - 0.5 || box.right > frame.right + 0.5
          || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5,
      });
    }
  }
  return {scroll: root.scrollWidth, client: width, wide: wide.slice(0, 5), charts};
}"""


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
    return {"courses": len(all_courses)}


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


#: Query arguments that sort or page a list: the same page again.
SAME_PAGE_ARGS = {"sort", "dir", "page"}


def kind_of(url: str, every_course: bool) -> str:
    """Pages of one kind share a template: ids, course slugs and query values do not make a new
    one, nor do sorting and paging. With ``every_course`` each course and each lesson is its own
    kind: lessons differ in their Markdown (tables)."""
    parts = urlsplit(url)
    keys = {pair.split("=", 1)[0] for pair in parts.query.split("&") if pair} - SAME_PAGE_ARGS
    path = re.sub(r"/\d+", "/N", parts.path)
    if not every_course:
        path = re.sub(r"^/courses/[^/]+", "/courses/S", path)
        path = re.sub(r"/lessons/[^/]+", "/lessons/L", path)
    return path + ("?" + "&".join(sorted(keys)) if keys else "")


def crawl(page, base: str, every_course: bool) -> Iterator[tuple[str, int, dict]]:
    """Visit every kind of page reachable from the dashboard; yield (url, status, measures)."""
    queue, seen = [f"{base}/"], {kind_of(f"{base}/", every_course)}
    while queue:
        url = queue.pop(0)
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a link to a file that NOT_PAGES did not foresee
            if "Download is starting" in str(error):
                continue
            raise
        status = response.status if response else 0
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue
        yield url, status, page.evaluate(MEASURE)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            link = urljoin(url, href).split("#", 1)[0]
            if not link.startswith(base) or NOT_PAGES.search(urlsplit(link).path):
                continue
            kind = kind_of(link, every_course)
            if kind not in seen:
                seen.add(kind)
                queue.append(link)
        assert len(seen) <= MAX_PAGES, f"more than {MAX_PAGES} kinds of page: {sorted(seen)}"


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_is_wider_than_a_phone_and_chart_text_is_readable(browser, server, role):
    base, _facts = server
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, base, ROLES[role])
        problems, pages, chart_texts = [], [], 0
        for url, status, seen in crawl(page, base, every_course=role == "learner"):
            path = url.removeprefix(base)
            pages.append(path)
            if status >= 400:
                problems.append(f"{path}: HTTP {status}")
            if seen["scroll"] > seen["client"]:
                wide = f"{seen['scroll']}px wide > {seen['client']}px"
                problems.append(f"{path}: {wide} {seen['wide']}")
            for text in seen["charts"]:
                chart_texts += 1
                if text["px"] < 12 or text["clipped"]:
                    problems.append(f"{path}: chart text {text}")
    finally:
        context.close()
    assert len(pages) >= 10, pages
    if role != "learner":
        assert chart_texts, f"{role} reached no chart: {pages}"
    else:
        lessons = [p for p in pages if "/lessons/" in p]
        assert len(lessons) >= 10, pages
    assert not problems, "\n".join(problems)
