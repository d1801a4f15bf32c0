"""Pages stay light (weak connections) and every form field has a label."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.courses.models import Course
from tests.factories import (
    login_id,
    make_ai_use,
    make_item,
    make_program,
    make_unit,
    make_user,
    sync,
    write_course,
)

STATIC = Path(__file__).resolve().parents[1] / "static"
LIMIT = 150 * 1024


class Fields(HTMLParser):
    """Collects form controls and the ids that labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.labelled: set[str] = set()
        self.inside_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.inside_label += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden", "submit", "button",
        ):  # fmt: skip
            attrs["_wrapped"] = self.inside_label > 0
            self.controls.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self.inside_label -= 1


@pytest.fixture
def pages(app, db, client, tmp_path):
    write_course(tmp_path / "courses", lessons=2)
    sync(tmp_path / "courses")
    unit = make_unit("Dinas Kominfo")
    person = make_user(unit=unit, roles={"learner", "unit_head", "hr", "admin"})
    unit.head = person
    item = make_item(unit, person, make_program("Jatim Retret 2025"))
    entry = make_ai_use(unit, person, dpia=True)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = login_id(person)
    client.post("/courses/kursus-uji/enroll")
    start = client.post("/courses/kursus-uji/quiz/start")
    course = db.session.scalar(select(Course))
    return [
        "/",
        "/courses",
        f"/courses/{course.slug}",
        f"/courses/{course.slug}/lessons/materi-1",
        start.headers["Location"],
        "/learning",
        f"/actions/items/{item.id}",
        "/actions/overview",
        "/admin/users",
        "/notifications/settings",
        "/account/password",
        f"/ai/units/{unit.id}",
        f"/ai/entries/{entry.id}",
        f"/ai/entries/{entry.id}/edit",
        f"/ai/entries/{entry.id}/dpia",
        f"/ai/entries/{entry.id}/links",
        "/ai/overview",
        "/registri-ai",
        "/teaching",
        "/grading",
        f"/courses/{course.slug}/instructors",
        f"/courses/{course.slug}/learners",
        "/authoring",
        f"/authoring/{course.slug}",
    ]


def test_pages_weigh_less_than_150_kb_with_their_css_and_scripts(client, pages):
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
        weight = len(response.data) + sum((STATIC / a).stat().st_size for a in assets)
        assert weight < LIMIT, f"{path}: {weight} bytes"


def test_every_form_field_has_a_label(client, pages):
    more = ["/admin/users/new", "/actions/programs/new", "/admin/paths/new", "/authoring/new"]
    for path in [*pages, *more]:
        client_page = client.get(path)
        if client_page.status_code != 200:
            continue
        parser = Fields()
        parser.feed(client_page.get_data(as_text=True))
        for control in parser.controls:
            labelled = (
                control["_wrapped"]
                or control.get("id") in parser.labelled
                or control.get("aria-label")
                or control.get("aria-labelledby")
            )
            assert labelled, f"{path}: unlabelled {control}"


def test_login_page_is_light_without_login(client):
    response = client.get("/login")
    assert len(response.data) + (STATIC / "css/sinau.css").stat().st_size < LIMIT
