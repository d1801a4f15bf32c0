"""``?page=`` on every paged list and report: a page that is not there is a 404, never a 500."""

from __future__ import annotations

import io

import pytest

from tests.factories import make_unit, make_user
from tests.people.files import csv_bytes, person

#: Every page that reads ?page=, seen by someone allowed to open it.
PAGED = [
    ("/admin/users", "admin"),
    ("/admin/assignments/", "admin"),
    ("/notifications", "learner"),
    ("/admin/reminders", "admin"),
    ("/reports/units/", "hr"),
    ("/reports/courses/", "hr"),
    ("/reports/people/", "hr"),
    ("/reports/jp/", "hr"),
]
#: Not a page of these short lists: zero, negative, past the end, absurd, not a whole number.
MISSING = ["0", "-1", "2", "99999999999999999999", "abc", "1.5", "1e3", "١"]


@pytest.mark.parametrize(("url", "role"), PAGED)
def test_a_page_that_is_not_there_is_not_found(client, login_as, url, role):
    login_as(role)
    for page in MISSING:
        assert client.get(url, query_string={"page": page}).status_code == 404, page


@pytest.mark.parametrize(("url", "role"), PAGED)
def test_the_first_page_always_exists(client, login_as, url, role):
    login_as(role)
    for page in ("", "1"):
        assert client.get(url, query_string={"page": page}).status_code == 200, page


def test_the_last_page_is_there_and_the_one_after_it_is_not(app, client, login_as, db):
    admin = login_as("admin")
    for _ in range(4):
        make_user(unit=admin.unit)
    db.session.commit()
    app.config["PAGE_SIZE"] = 2  # five people: pages 1 to 3
    assert client.get("/admin/users?page=3").status_code == 200
    assert client.get("/admin/users?page=4").status_code == 404


def test_the_people_import_preview_pages_its_problems(app, client, login_as, db):
    login_as("hr")
    data = csv_bytes([person(n, NIP="salah") for n in range(3)])
    response = client.post(
        "/admin/people/import",
        data={"file": (io.BytesIO(data), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    url = response.headers["Location"]
    assert client.get(url, query_string={"page": "1"}).status_code == 200
    for page in MISSING:
        assert client.get(url, query_string={"page": page}).status_code == 404, page


def test_a_report_past_its_last_page_is_not_found(app, client, login_as, db):
    login_as("hr")
    parent = make_unit("Dinas Kominfo")
    for n in range(3):
        make_unit(f"Bidang {n}", parent)
    db.session.commit()
    app.config["PAGE_SIZE"] = 2
    url = f"/reports/units/{parent.id}"
    assert client.get(url, query_string={"page": "2"}).status_code == 200
    assert client.get(url, query_string={"page": "3"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/reports/units/?course={v}",
        "/reports/units/?year={v}",
        "/reports/courses/?course={v}",
        "/actions/?program={v}&opd={v}",
        "/ai/overview?opd={v}",
    ],
)
@pytest.mark.parametrize("value", ["99999999999999999999", "%C2%B2", "-1", "1.5"])
def test_a_filter_id_that_is_not_one_is_no_filter(client, login_as, url, value):
    """An id too long for the database, a superscript digit, a negative or a fraction: the page
    shows itself unfiltered, never a database error."""
    login_as("hr")
    assert client.get(url.format(v=value)).status_code == 200
