"""A title with a line break never becomes an email header, and one bad message never stops
the rest of a batch (issue 11: personal data stays out of places it does not belong)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.reminders import outbox, services
from lms.reminders.models import OutboxMessage
from lms.reminders.rules import Due
from tests.factories import make_unit, make_user

NOW = datetime(2026, 12, 1, 0, 0)
INJECTED = "Rapat koordinasi\r\nBcc: mata-mata@contoh.id\r\nX-Evil: 1"


def _queue(db, people: list, titles: list[str]) -> list[OutboxMessage]:
    batch = [
        Due(
            user_id=person.id,
            key=f"test:{n}",
            category="action",
            rule="test",
            title=title,
            body="Isi pemberitahuan.",
            url="/notifications",
        )
        for n, (person, title) in enumerate(zip(people, titles, strict=True))
    ]
    services.record(batch, NOW)
    db.session.commit()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _people(db, n: int) -> list:
    unit = make_unit()
    people = [make_user(unit=unit, email=f"pegawai{i}@jatimprov.go.id") for i in range(n)]
    db.session.commit()
    return people


def test_line_break_in_a_title_adds_no_header(app, db):
    [message] = _queue(db, _people(db, 1), [INJECTED])
    email = outbox.compose(message)
    assert email["Subject"] == "[Sinau] Rapat koordinasi Bcc: mata-mata@contoh.id X-Evil: 1"
    assert email["Bcc"] is None and email["X-Evil"] is None
    headers = email.as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"\nX-Evil:" not in headers


def test_title_with_injection_is_sent_once_to_its_person_and_the_batch_goes_on(mail_app, smtp, db):
    people = _people(db, 3)
    messages = _queue(db, people, ["Sebelum", INJECTED, "Sesudah"])
    counts = outbox.deliver(NOW)
    assert counts["sent"] == 3 and counts["failed"] == 0
    received = smtp.inbox.messages
    assert sorted(m["To"] for m in received) == sorted(p.email for p in people)
    injected = smtp.inbox.to(people[1].email)[0]
    assert injected["Bcc"] is None and injected["X-Evil"] is None
    assert "\n" not in injected["Subject"] and "Rapat koordinasi" in injected["Subject"]
    assert all(m.status == "sent" for m in messages)


def test_message_that_cannot_be_composed_fails_alone_and_the_rest_is_sent(mail_app, smtp, db):
    people = _people(db, 3)
    messages = _queue(db, people, ["Satu", "Dua", "Tiga"])
    # An address with a line break (an old import, a direct database edit) cannot be a header.
    messages[1].to_address = "pegawai1@jatimprov.go.id\r\nBcc: mata-mata@contoh.id"
    db.session.commit()
    counts = outbox.deliver(NOW)
    assert counts == {"sent": 2, "retry": 0, "failed": 1, "skipped": 0}
    db.session.expire_all()
    bad = db.session.get(OutboxMessage, messages[1].id)
    assert bad.status == "failed" and bad.attempts == 1
    assert bad.last_error.startswith("ValueError")
    assert [m["To"] for m in smtp.inbox.messages] == [people[0].email, people[2].email]
    assert all(m["Bcc"] is None for m in smtp.inbox.messages)
    # The next run does not try the broken one again.
    assert outbox.deliver(NOW)["sent"] == 0


def test_outbox_page_shows_a_message_whose_title_had_a_line_break(app, db, client, login_as):
    [message] = _queue(db, _people(db, 1), [INJECTED])
    login_as("admin")
    response = client.get(f"/admin/outbox/{message.id}")
    assert response.status_code == 200
    assert "Rapat koordinasi Bcc: mata-mata@contoh.id" in response.get_data(as_text=True)
