"""Reminders of the AI register through the shared engine and a real SMTP server: a review
coming due and overdue, a DPIA missing, escalation to the unit head and BKD's digest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.aiuse import services as aiuse
from lms.reminders import services
from lms.reminders.rules import RULES
from tests.factories import make_ai_use, make_unit, make_user
from tests.reminders.conftest import at, smtp  # noqa: F401 - the real SMTP server fixture

REVIEW = date(2027, 1, 15)  # a Friday
CREATED = date(2026, 12, 1)


@pytest.fixture
def mail_app(app, smtp):  # noqa: F811
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5)
    return app


@pytest.fixture
def register(db):
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi Informatika", parent=opd)
    head = make_user(unit=bidang, email="kepala@jatimprov.go.id", roles={"learner", "unit_head"})
    bidang.head = head
    owner = make_user(unit=bidang, email="rina@jatimprov.go.id")
    make_user(unit=opd, email="bkd@jatimprov.go.id", roles={"learner", "hr"})
    reviewed = make_ai_use(
        bidang, head, dpia=True, now=at(CREATED), name="Chatbot FAQ perizinan",
        responsible_id=owner.id, next_review_on=REVIEW, status="berjalan",
    )  # fmt: skip
    db.session.commit()
    return {"unit": bidang, "head": head, "owner": owner, "reviewed": reviewed}


def keys(smtp, address: str, rule: str) -> list[str]:  # noqa: F811
    return [
        m["X-Sinau-Key"].split(":")[-1]
        for m in smtp.inbox.to(address)
        if m["X-Sinau-Key"].startswith(rule + ":")
    ]


def test_the_rules_are_registered_with_the_engine(app):
    assert {"aiuse_review_due", "aiuse_review_overdue", "aiuse_dpia_missing"} <= RULES.keys()
    assert "aiuse_escalation" in RULES


def test_a_review_is_reminded_7_and_1_days_before_then_weekly(mail_app, smtp, register):  # noqa: F811
    for offset in (-9, -7, -5, -1, 0):
        services.remind_all(at(REVIEW + timedelta(days=offset)))
    assert keys(smtp, "rina@jatimprov.go.id", "aiuse_review_due") == ["d7", "d1"]
    assert keys(smtp, "rina@jatimprov.go.id", "aiuse_review_overdue") == []
    for offset in (1, 3, 8):
        services.remind_all(at(REVIEW + timedelta(days=offset)))
    assert keys(smtp, "rina@jatimprov.go.id", "aiuse_review_overdue") == ["p0", "p1"]
    [mail] = [m for m in smtp.inbox.to("rina@jatimprov.go.id") if "terlewat" in m["Subject"]][:1]
    assert "Chatbot FAQ perizinan" in mail["Subject"]


def test_an_overdue_review_reaches_the_head_after_7_days(mail_app, smtp, register):  # noqa: F811
    services.remind_all(at(REVIEW + timedelta(days=7)))
    assert keys(smtp, "kepala@jatimprov.go.id", "aiuse_escalation") == []
    services.remind_all(at(REVIEW + timedelta(days=8)))
    [mail] = [m for m in smtp.inbox.to("kepala@jatimprov.go.id") if "Registri AI" in m["Subject"]]
    body = mail.get_body(("plain",)).get_content()
    assert "Chatbot FAQ perizinan" in body and "tinjauannya terlewat 8 hari" in body


def test_a_new_review_date_stops_the_reminders(mail_app, smtp, register, db):  # noqa: F811
    entry = register["reviewed"]
    values = {name: getattr(entry, name) for name in aiuse.FIELDS}
    aiuse.save_entry(entry, entry.unit, register["head"], at(REVIEW), values | {
        "next_review_on": REVIEW + timedelta(days=180)})  # fmt: skip
    db.session.commit()
    services.remind_all(at(REVIEW + timedelta(days=8)))
    assert keys(smtp, "rina@jatimprov.go.id", "aiuse_review_overdue") == []


def test_a_missing_dpia_is_reminded_weekly_then_escalated(mail_app, smtp, register, db):  # noqa: F811
    make_ai_use(
        register["unit"], register["head"], now=at(CREATED), name="Pemilah aduan",
        responsible_id=register["owner"].id, status="uji_coba",
    )  # fmt: skip
    db.session.commit()
    for offset in (0, 3, 7, 8):
        services.remind_all(at(CREATED + timedelta(days=offset)))
    assert keys(smtp, "rina@jatimprov.go.id", "aiuse_dpia_missing") == ["p0", "p1"]
    assert keys(smtp, "kepala@jatimprov.go.id", "aiuse_escalation") == ["p1"]


def test_a_low_risk_use_needs_no_dpia_reminder(mail_app, smtp, register, db):  # noqa: F811
    make_ai_use(
        register["unit"], register["head"], now=at(CREATED), data_category="tidak_ada",
        responsible_id=register["owner"].id,
    )  # fmt: skip
    db.session.commit()
    services.remind_all(at(CREATED + timedelta(days=8)))
    assert keys(smtp, "rina@jatimprov.go.id", "aiuse_dpia_missing") == []


def test_bkd_digest_lists_what_waited_more_than_30_days(mail_app, smtp, register):  # noqa: F811
    services.remind_all(at(REVIEW + timedelta(days=31)))  # Monday 15 February 2027
    [digest] = [
        m for m in smtp.inbox.to("bkd@jatimprov.go.id") if m["X-Sinau-Key"].startswith("hr_digest:")
    ]
    body = digest.get_body(("plain",)).get_content()
    assert "Dinas Kominfo: registri AI dengan 1 tinjauan terlewat dan 0 DPIA belum ada" in body


def test_the_heads_weekly_digest_has_a_line_on_the_register(mail_app, smtp, register, db):  # noqa: F811
    make_ai_use(register["unit"], register["head"], now=at(CREATED), name="Tanpa DPIA")
    db.session.commit()
    services.remind_all(at(REVIEW + timedelta(days=3)))  # Monday 18 January 2027
    [digest] = [
        m for m in smtp.inbox.to("kepala@jatimprov.go.id")
        if m["X-Sinau-Key"].startswith("head_digest:")
    ]  # fmt: skip
    body = digest.get_body(("plain",)).get_content()
    assert "Registri AI: 2 pemanfaatan, 1 berisiko tinggi tanpa DPIA yang disetujui, " in body
    assert "1 tinjauan terlewat" in body


def test_reminders_to_the_responsible_person_say_the_days_and_link(mail_app, smtp, register, db):  # noqa: F811
    make_ai_use(
        register["unit"], register["head"], now=at(CREATED), name="Pemilah aduan",
        responsible_id=register["owner"].id, status="uji_coba",
    )  # fmt: skip
    db.session.commit()
    for offset in (-7, 8):
        services.remind_all(at(REVIEW + timedelta(days=offset)))
    bodies = {
        m["X-Sinau-Key"].split(":")[0]: m.get_body(("plain",)).get_content()
        for m in smtp.inbox.to("rina@jatimprov.go.id")
    }
    assert "(7 hari lagi)" in bodies["aiuse_review_due"]
    assert "sudah lewat 8 hari" in bodies["aiuse_review_overdue"]
    entry = register["reviewed"]
    assert f"/ai/entries/{entry.id}" in bodies["aiuse_review_overdue"]
    assert "/dpia" in bodies["aiuse_dpia_missing"]
