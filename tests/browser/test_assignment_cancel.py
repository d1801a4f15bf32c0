"""In Chromium: each "Batalkan" on the assignment list is named after its assignment, and
cancelling goes through a confirmation page (keyboard only)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.assignments import services
from lms.assignments.models import Assignment
from lms.courses.models import Course
from lms.i18n import utcnow
from tests.browser.test_keyboard_journey import activate, tab_to
from tests.factories import make_unit, make_user, sync, write_course

pytestmark = pytest.mark.browser


@pytest.fixture
def assignments(app, db, tmp_path):
    write_course(tmp_path / "courses", lessons=1, gift=None, title="Etika AI")
    sync(tmp_path / "courses")
    course = db.session.scalar(select(Course))
    unit = make_unit("Dinas Kominfo")
    make_user(unit=unit, roles={"learner", "hr"}, email="hr@jatimprov.go.id", full_name="Sari")
    made = [
        services.create_assignment(
            course, scope="unit", unit=unit, deadline=date(2030, 6, 30), by=None, now=utcnow()
        )[0],
        services.create_assignment(
            course, scope="all", deadline=date(2030, 7, 31), by=None, now=utcnow()
        )[0],
    ]
    db.session.commit()
    return made


def test_cancel_links_name_their_assignment_and_ask_first(page, assignments, db):
    page.goto("/")
    tab_to(page, page.get_by_label("NIP atau email"))
    page.keyboard.type("hr@jatimprov.go.id")
    page.keyboard.press("Tab")
    page.keyboard.type("Belajar-AI-2025")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Halo, Sari").wait_for()
    page.goto("/admin/assignments/")

    unit = "Batalkan penugasan Etika AI, Dinas Kominfo beserta sub-unitnya, tenggat 30 Juni 2030"
    everyone = "Batalkan penugasan Etika AI, Semua pegawai, tenggat 31 Juli 2030"
    assert page.get_by_role("link", name=unit, exact=True).count() == 1
    assert page.get_by_role("link", name=everyone, exact=True).count() == 1

    activate(page, page.get_by_role("link", name=everyone, exact=True))
    page.get_by_role("heading", name="Batalkan penugasan?").wait_for()
    db.session.expire_all()
    assert all(a.cancelled_at is None for a in db.session.scalars(select(Assignment)))
    activate(page, page.get_by_role("button", name="Ya, batalkan penugasan"))
    page.get_by_text("Penugasan telah dibatalkan.").wait_for()
    db.session.expire_all()
    cancelled = {a.id for a in db.session.scalars(select(Assignment)) if a.cancelled_at}
    assert cancelled == {assignments[1].id}
