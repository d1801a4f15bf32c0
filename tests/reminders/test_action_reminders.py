"""Action-plan reminders: owners before and after the due date, heads after 7 days, HR after 30."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.actions import services as actions
from lms.reminders import services
from tests.factories import make_item, make_program, make_unit, make_user
from tests.reminders.conftest import at

DUE = date(2027, 1, 15)  # a Friday


@pytest.fixture
def plan(db):
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi Informatika", parent=opd)
    head = make_user(unit=bidang, email="kepala@jatimprov.go.id", roles={"learner", "unit_head"})
    bidang.head = head
    owner = make_user(unit=bidang, email="rina@jatimprov.go.id")
    hr = make_user(unit=opd, email="bkd@jatimprov.go.id", roles={"learner", "hr"})
    program = make_program("Jatim Retret 2025")
    item = make_item(
        bidang, owner, program, title="Chatbot FAQ perizinan", due_date=DUE, status="in_progress"
    )
    db.session.commit()
    return {"item": item, "owner": owner, "head": head, "hr": hr}


def keys(smtp, address: str, rule: str) -> list[str]:
    return [
        m["X-Sinau-Key"].split(":")[-1]
        for m in smtp.inbox.to(address)
        if m["X-Sinau-Key"].startswith(rule + ":")
    ]


def test_owner_is_reminded_7_and_1_days_before_then_weekly(mail_app, smtp, plan):
    for offset in (-9, -7, -5, -1, 0):
        services.remind_all(at(DUE + timedelta(days=offset)))
    assert keys(smtp, "rina@jatimprov.go.id", "action_due") == ["d7", "d1"]
    services.remind_all(at(DUE, hour=23, minute=30))  # still the due day in WIB: not overdue
    assert keys(smtp, "rina@jatimprov.go.id", "action_overdue") == []
    services.remind_all(at(DUE + timedelta(days=1), hour=0, minute=30))
    services.remind_all(at(DUE + timedelta(days=3)))
    services.remind_all(at(DUE + timedelta(days=8)))
    assert keys(smtp, "rina@jatimprov.go.id", "action_overdue") == ["p0", "p1"]


def test_escalation_to_head_after_7_days_and_hr_digest_after_30(mail_app, smtp, plan):
    services.remind_all(at(DUE + timedelta(days=7)))
    assert keys(smtp, "kepala@jatimprov.go.id", "action_escalation") == []
    services.remind_all(at(DUE + timedelta(days=8)))
    mail = [m for m in smtp.inbox.to("kepala@jatimprov.go.id") if "tertunggak" in m["Subject"]]
    assert len(mail) == 1 and "Chatbot FAQ perizinan" in mail[0]["Subject"]
    services.remind_all(at(DUE + timedelta(days=31)))  # Monday 15 February 2027
    hr = [
        m for m in smtp.inbox.to("bkd@jatimprov.go.id") if m["X-Sinau-Key"].startswith("hr_digest:")
    ]
    assert len(hr) == 1
    assert "Dinas Kominfo: 1 butir rencana aksi" in hr[0].get_body(("plain",)).get_content()


def test_inactive_owner_gets_nothing(mail_app, smtp, plan, db):
    plan["owner"].active = False
    db.session.commit()
    services.remind_all(at(DUE - timedelta(days=7)))
    services.remind_all(at(DUE + timedelta(days=9)))
    assert smtp.inbox.to("rina@jatimprov.go.id") == []


def test_done_items_get_nothing(mail_app, smtp, plan, db):
    item = plan["item"]
    actions.post_update(
        item,
        plan["owner"],
        at(DUE - timedelta(days=10)),
        progress=100,
        status="done",
        note="Selesai.",
    )
    db.session.commit()
    services.remind_all(at(DUE - timedelta(days=7)))
    services.remind_all(at(DUE + timedelta(days=9)))
    assert keys(smtp, "rina@jatimprov.go.id", "action_due") == []
    assert keys(smtp, "rina@jatimprov.go.id", "action_overdue") == []


def test_head_digest_reports_the_action_plan(mail_app, smtp, plan):
    services.remind_all(at(date(2027, 1, 11), hour=8))  # a Monday
    digest = [
        m
        for m in smtp.inbox.to("kepala@jatimprov.go.id")
        if m["X-Sinau-Key"].startswith("head_digest:")
    ]
    assert len(digest) == 1
    assert "Rencana aksi: 1 butir" in digest[0].get_body(("plain",)).get_content()
