"""The learner's way back from their unit's plan leads elsewhere; "Selesai, menunggu tinjauan"
is the one name of that status, in the filter, the badge and the exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.actions import services
from lms.i18n import utcnow
from tests.factories import make_item, make_program, make_unit, make_user

LMS = Path(__file__).resolve().parents[2] / "lms"


@pytest.fixture
def team(db):
    opd = make_unit("Dinas Komunikasi dan Informatika")
    unit = make_unit("Bidang Aplikasi Informatika", opd)
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    unit.head = head
    owner = make_user(unit=unit)
    program = make_program("Jatim Retret 2025")
    item = make_item(unit, owner, program, title="Chatbot perizinan")
    services.post_update(item, owner, utcnow(), progress=100, status="done", note="Selesai.")
    db.session.commit()
    return {"opd": opd, "unit": unit, "head": head, "owner": owner, "item": item}


def back_link(page: str) -> tuple[str, str]:
    """The page's first "←" link: (address, words)."""
    found = re.search(r'<a href="([^"]+)">&larr; ([^<]+)</a>', page)
    return found[1], found[2]


def test_learners_back_link_leads_somewhere_else(client, login_as, team):
    login_as(team["owner"])
    plan = f"/actions/units/{team['unit'].id}"
    assert client.get("/actions/").headers["Location"] == plan  # the index sends them here
    address, words = back_link(client.get(plan).get_data(as_text=True))
    assert address != plan and client.get(address).headers.get("Location") != plan
    assert (address, words) == ("/", "Beranda")


def test_head_of_several_units_goes_back_to_the_plan_index(client, login_as, team):
    team["opd"].head = team["head"]
    login_as(team["head"])
    assert client.get("/actions/").status_code == 200  # a list of two plans
    page = client.get(f"/actions/units/{team['unit'].id}").get_data(as_text=True)
    assert back_link(page) == ("/actions/", "Rencana Aksi")


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_staff_go_back_to_the_plan_index(client, login_as, team, role):
    login_as(role)
    page = client.get(f"/actions/units/{team['unit'].id}").get_data(as_text=True)
    assert back_link(page) == ("/actions/", "Rencana Aksi")


def test_awaiting_review_has_one_name_in_filter_badge_and_export(client, login_as, team):
    login_as(team["head"])
    page = client.get(f"/actions/units/{team['unit'].id}").get_data(as_text=True)
    assert re.search(r'<option value="review"[^>]*>Selesai, menunggu tinjauan</option>', page)
    badge = 'class="badge badge-warn">Selesai, menunggu tinjauan</span>'
    assert badge in page
    filtered = client.get(f"/actions/units/{team['unit'].id}?status=review").get_data(True)
    assert "Chatbot perizinan" in filtered and badge in filtered
    login_as("hr")
    exported = client.get("/actions/overview.csv").get_data(as_text=True)
    assert "Menunggu tinjauan" in exported.splitlines()[0]


def test_the_other_word_for_review_is_gone_from_the_code():
    other = [
        str(path.relative_to(LMS))
        for path in LMS.rglob("*")
        if path.suffix in {".py", ".html", ".txt"}
        and re.search(r"menunggu review", path.read_text(encoding="utf-8"), re.I)
    ]
    assert other == []
