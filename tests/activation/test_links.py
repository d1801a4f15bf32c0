"""Emailed links: stored as a hash only, single use, expiring on the hour, replaceable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text

from lms.accounts.models import User, UserSession
from lms.activation import services
from lms.activation.models import AccountToken
from lms.i18n import utcnow
from lms.reminders import outbox
from lms.reminders.models import OutboxMessage
from tests.activation.conftest import link_in, token_of
from tests.factories import make_unit, make_user

NEW_PASSWORD = "Kopi-Tubruk-Senja-4821"


def newcomer(**fields):
    """An imported person: no password, not activated."""
    person = make_user(unit=fields.pop("unit", None) or make_unit(), **fields)
    person.password_hash = None
    return person


def invite(person, now=None):
    now = now or utcnow()
    return services.invite(services.scope_query("person", user_id=person.id), now, None, "t")


def test_link_in_the_email_opens_once_and_only_its_hash_is_stored(mail_app, smtp, client, db):
    person = newcomer(email="rina@jatimprov.go.id")
    assert invite(person) == 1
    db.session.commit()
    assert outbox.deliver(utcnow())["sent"] == 1
    kind, path = link_in(smtp.inbox.to("rina@jatimprov.go.id")[0])
    raw = token_of(path)
    assert kind == "activate" and len(raw) == 43

    # The database holds the hash, never the token: search every text column of every table.
    row = db.session.scalar(select(AccountToken))
    assert row.token_hash == services.hash_token(raw)
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for values in conn.execute(text(f"SELECT * FROM {table}")):
                assert not any(raw in str(v) for v in values), table

    page = client.get(path)
    assert page.status_code == 200
    assert "Aktifkan akun Anda" in page.get_data(as_text=True)
    done = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.activated_at is not None and person.check_password(NEW_PASSWORD)
    assert db.session.scalar(
        select(UserSession.method).where(UserSession.user_id == person.id)
    ) == ("activation")
    assert "Halo" in client.get("/").get_data(as_text=True)  # signed in

    again = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "Tautan tidak dapat digunakan" in again.get_data(as_text=True)
    assert "sudah digunakan" in again.get_data(as_text=True)


def test_weak_password_is_refused_and_the_link_stays_open(app, client, db):
    person = newcomer()
    invite(person)
    db.session.commit()
    token = db.session.scalar(select(AccountToken))
    path = f"/activate/{services.raw_token(token)}"
    page = client.post(path, data={"new": "password123", "confirm": "password123"})
    assert page.status_code == 200
    assert "terlalu mudah ditebak" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AccountToken, token.id).used_at is None
    assert db.session.get(User, person.id).password_hash is None


def test_invitation_expires_on_the_hour(app, db):
    app.config["ACTIVATION_HOURS"] = 72
    person = newcomer()
    sent_at = utcnow()
    invite(person, sent_at)
    raw = services.raw_token(db.session.scalar(select(AccountToken)))
    assert services.check_link(raw, "activation", sent_at + timedelta(hours=72, seconds=-1))
    with pytest.raises(services.LinkError, match="kedaluwarsa"):
        services.check_link(raw, "activation", sent_at + timedelta(hours=72))


def test_a_new_invitation_voids_the_earlier_link_and_its_unsent_email(mail_app, smtp, db):
    person = newcomer(email="budi@jatimprov.go.id")
    first = utcnow()
    invite(person, first)
    old = services.raw_token(db.session.scalar(select(AccountToken)))
    assert services.reinvite(person, first + timedelta(minutes=1), None)
    db.session.commit()
    counts = outbox.deliver(first + timedelta(minutes=2))
    assert counts["sent"] == 1 and counts["skipped"] == 1  # the replaced link is never mailed
    mails = smtp.inbox.to("budi@jatimprov.go.id")
    assert len(mails) == 1
    new = token_of(link_in(mails[0])[1])
    assert new != old
    with pytest.raises(services.LinkError, match="diganti"):
        services.check_link(old, "activation", first + timedelta(minutes=3))
    assert services.check_link(new, "activation", first + timedelta(minutes=3)).user.id == person.id
    statuses = sorted(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == ["sent", "skipped"]


def test_a_double_submit_uses_the_link_once(app, db):
    person = newcomer()
    now = utcnow()
    invite(person, now)
    raw = services.raw_token(db.session.scalar(select(AccountToken)))
    first = services.check_link(raw, "activation", now)
    second = services.check_link(raw, "activation", now)  # the other tab, opened before
    services.use_link(first, NEW_PASSWORD, now)
    with pytest.raises(services.LinkError):
        services.use_link(second, "Lain-Lagi-Kata-Sandi-77", now)
    db.session.expire_all()
    assert db.session.get(User, person.id).check_password(NEW_PASSWORD)


def test_using_a_link_voids_the_persons_other_pending_links(app, db):
    person = newcomer()
    now = utcnow()
    invite(person, now)
    services.issue([person.id], "reset", now)
    invitation, reset = db.session.scalars(select(AccountToken).order_by(AccountToken.id)).all()
    link = services.check_link(services.raw_token(reset), "reset", now)
    services.use_link(link, NEW_PASSWORD, now)
    db.session.expire_all()
    assert db.session.get(AccountToken, invitation.id).revoked_at == now
    with pytest.raises(services.LinkError):
        services.check_link(services.raw_token(invitation), "activation", now)


def test_links_do_not_open_for_a_deactivated_person_or_another_purpose(app, db):
    person = newcomer()
    now = utcnow()
    invite(person, now)
    raw = services.raw_token(db.session.scalar(select(AccountToken)))
    with pytest.raises(services.LinkError, match="tidak dikenal"):
        services.check_link(raw, "reset", now)  # an invitation is not a reset link
    with pytest.raises(services.LinkError, match="tidak dikenal"):
        services.check_link(raw[:-1] + ("A" if raw[-1] != "A" else "B"), "activation", now)
    person.active = False
    with pytest.raises(services.LinkError, match="tidak aktif"):
        services.check_link(raw, "activation", now)


def test_changing_the_secret_key_voids_every_link(app, db):
    person = newcomer()
    now = utcnow()
    invite(person, now)
    raw = services.raw_token(db.session.scalar(select(AccountToken)))
    assert services.check_link(raw, "activation", now)
    app.config["SECRET_KEY"] = "another-secret"
    with pytest.raises(services.LinkError, match="tidak dikenal"):
        services.check_link(raw, "activation", now)


def test_secret_pages_send_no_referrer_and_are_not_stored(app, client):
    for path in ("/activate/abc", "/reset/abc", "/forgot"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/privacy").headers["Referrer-Policy"] == "same-origin"


def test_the_admin_reading_the_outbox_does_not_see_the_link(app, client, login_as, db):
    person = newcomer()
    invite(person)
    db.session.commit()
    raw = services.raw_token(db.session.scalar(select(AccountToken)))
    login_as("admin")
    message = db.session.scalar(select(OutboxMessage))
    html = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Aktifkan akun Sinau Anda" in html and "tautan rahasia" in html
    assert raw not in html


def test_signing_in_counts_as_activated(app, client, db):
    person = make_user(unit=make_unit())
    db.session.commit()
    assert person.activated_at is None
    client.post("/login", data={"identifier": person.email, "password": "Belajar-AI-2025"})
    db.session.expire_all()
    assert db.session.get(User, person.id).activated_at is not None
