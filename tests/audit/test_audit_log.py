"""The audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.audit.services import record
from tests.factories import make_user


def test_record_keeps_who_what_when_and_the_details(db):
    actor = make_user(roles={"hr"})
    at = datetime(2026, 6, 1, 3, 0)
    record(actor, "reports.unit.view", target="unit:7", now=at, ip="10.0.0.1", unit_id=7)
    db.session.commit()
    event = db.session.scalar(select(AuditEvent))
    assert (event.actor_id, event.action, event.target, event.at, event.ip) == (
        actor.id, "reports.unit.view", "unit:7", at, "10.0.0.1"
    )  # fmt: skip
    assert event.details == {"unit_id": 7}


def test_record_without_an_actor_is_the_command_line(db):
    event = record(None, "people.import", rows=3)
    assert event.actor_id is None and event.details == {"rows": 3}
