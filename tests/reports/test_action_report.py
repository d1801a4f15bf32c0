"""The action-plan report: per unit with sub-units rolled up, exports, person section, scope."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from lms.actions import services as actions
from lms.i18n import utcnow, wib_today
from tests.factories import make_item, make_program, make_unit, make_user


@pytest.fixture
def plan(db):
    opd = make_unit("Dinas Kesehatan")
    rsud = make_unit("RSUD Dr. Soetomo", parent=opd)
    bidang = make_unit("Bidang Pelayanan", parent=opd)
    head = make_user(unit=opd, roles={"learner", "unit_head"})
    opd.head = head
    nurse = make_user(unit=rsud, full_name="Ns. Sri Rahayu")
    clerk = make_user(unit=bidang)
    program = make_program("Jatim Retret 2025")
    today = wib_today()
    late = make_item(
        rsud, nurse, program, title="Antrean daring", due_date=today - timedelta(days=3)
    )
    make_item(bidang, clerk, program, title="FAQ layanan")
    done = make_item(bidang, clerk, program, title="SOP AI")
    actions.post_update(done, clerk, utcnow(), progress=100, status="done", note="Selesai")
    actions.accept(done, head, utcnow())
    db.session.commit()
    return {"opd": opd, "rsud": rsud, "head": head, "nurse": nurse, "late": late}


def test_unit_report_rolls_up_sub_units(client, login_as, plan):
    login_as("hr")
    page = client.get(f"/reports/units/{plan['opd'].id}/actions").get_data(as_text=True)
    assert "Dinas Kesehatan" in page and "RSUD Dr. Soetomo" in page and "Bidang Pelayanan" in page
    response = client.get(f"/reports/units/{plan['opd'].id}/export/actions.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_unit = {r[0]: r for r in rows[1:]}
    opd = by_unit["Dinas Kesehatan"]
    # Three items: two drafts (one of them late) and one accepted; progress 0, 0 and 100.
    total, draft, running, review, accepted, blocked, cancelled, late, average = opd[1:10]
    assert (total, draft, running, review, accepted) == ("3", "2", "0", "0", "1")
    assert (blocked, cancelled, late, average) == ("0", "0", "1", "33.3")
    assert by_unit["RSUD Dr. Soetomo"][1] == "1" and by_unit["RSUD Dr. Soetomo"][8] == "1"


def test_province_report_lists_opds(client, login_as, plan):
    login_as("hr")
    page = client.get("/reports/actions/").get_data(as_text=True)
    assert "Dinas Kesehatan" in page and "RSUD Dr. Soetomo" not in page


def test_unit_head_sees_their_subtree_not_another_unit(client, login_as, plan, db):
    login_as(plan["head"])
    assert client.get(f"/reports/units/{plan['rsud'].id}/actions").status_code == 200
    other = make_unit("Dinas Pendidikan")
    db.session.commit()
    assert client.get(f"/reports/units/{other.id}/actions").status_code == 403
    assert client.get(f"/reports/units/{other.id}/export/actions.csv").status_code == 403
    assert client.get("/reports/actions/").status_code == 403


def test_person_report_lists_their_action_items(client, login_as, plan):
    login_as("hr")
    page = client.get(f"/reports/person/{plan['nurse'].id}").get_data(as_text=True)
    assert "Butir rencana aksi" in page and "Antrean daring" in page and "Melewati tenggat" in page
