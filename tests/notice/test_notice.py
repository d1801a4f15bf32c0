"""The privacy notice: public, truthful about what exists, versioned, shown at first sign-in and
again after each new version, and its reading recorded with the time."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from lms.accounts.models import User
from lms.audit.models import AuditEvent
from lms.notice.services import NOTICE_VERSION
from tests.factories import PASSWORD, make_unit, make_user


def _new_person(db, **fields) -> User:
    """Someone who has never read the notice (the factory's people have)."""
    person = make_user(unit=make_unit(), privacy_version=None, **fields)
    db.session.commit()
    return person


def _sign_in(client, person: User):
    return client.post("/login", data={"identifier": person.nip, "password": PASSWORD})


def _next_of(location: str) -> str | None:
    parts = urlsplit(location)
    assert parts.path == "/privacy", location
    return parse_qs(parts.query).get("next", [None])[0]


def test_anyone_can_read_the_notice_without_signing_in(client, app):
    response = client.get("/privacy")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Pemerintah Provinsi Jawa Timur adalah pengendali data pribadi" in page
    assert "Pasal 20 ayat (2) huruf e" in page  # the legal basis
    assert f"Versi {NOTICE_VERSION}" in page
    assert "Saya telah membaca pemberitahuan ini" not in page  # nothing to acknowledge


def test_contact_comes_from_the_setting(make_app):
    app = make_app(PRIVACY_CONTACT="Petugas PDP BKD Jatim, pdp@contoh.go.id")
    with app.app_context():
        page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "Petugas PDP BKD Jatim, pdp@contoh.go.id" in page


def test_first_sign_in_shows_the_notice_then_the_dashboard(client, db):
    person = _new_person(db)
    signed_in = _sign_in(client, person)
    assert signed_in.status_code == 302
    first = client.get(signed_in.headers["Location"])
    assert first.status_code == 302 and _next_of(first.headers["Location"]) == "/"
    notice = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Sebelum melanjutkan, bacalah pemberitahuan ini." in notice
    assert "Saya telah membaca pemberitahuan ini" in notice
    # Every other page waits for it too.
    assert client.get("/courses").headers["Location"].startswith("/privacy")
    done = client.post("/privacy/acknowledge", data={"next": "/"})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.privacy_version == NOTICE_VERSION and person.privacy_seen_at is not None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.notice_read")
    ).one()
    assert (event.actor_id, event.target, event.details) == (
        person.id,
        f"user:{person.id}",
        {"version": NOTICE_VERSION},
    )
    assert client.get("/courses").status_code == 200
    # Reading it again later shows when it was read, and records nothing more.
    assert "Anda membaca versi ini pada" in client.get("/privacy").get_data(as_text=True)
    client.post("/privacy/acknowledge", data={"next": "/"})
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.id > event.id)) is None


def test_the_reading_is_part_of_data_saya(app, db):
    from lms.notice.services import acknowledge
    from lms.privacy.registry import PROVIDERS

    person = _new_person(db)
    acknowledge(person, datetime(2026, 12, 1, 2, 0))
    profile = PROVIDERS["accounts"].export(person)["profile"]
    assert profile["privacy_version"] == NOTICE_VERSION
    assert profile["privacy_seen_at"] == datetime(2026, 12, 1, 2, 0)


def test_a_new_version_shows_the_notice_again(app, client, login_as, db):
    person = login_as("learner")
    assert client.get("/courses").status_code == 200  # the factory's people read this version
    app.config["PRIVACY_NOTICE_VERSION"] = "2027-01-15"
    again = client.get("/courses")
    assert again.status_code == 302 and _next_of(again.headers["Location"]) == "/courses"
    assert "Versi 2027-01-15" in client.get("/privacy").get_data(as_text=True)
    client.post("/privacy/acknowledge", data={"next": "/courses"})
    assert client.get("/courses").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, person.id).privacy_version == "2027-01-15"


def test_logout_and_static_files_pass_while_the_notice_is_unread(client, db):
    person = _new_person(db)
    _sign_in(client, person)
    assert client.get("/static/css/sinau.css").status_code == 200  # never sent to the notice
    assert (
        not client.get("/static/css/sinau.css").headers.get("Location", "").startswith("/privacy")
    )
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_the_way_back_keeps_the_path_only(client, db):
    """A search for a NIP must not travel on into the notice's URL."""
    person = _new_person(db, roles={"learner", "hr"})
    _sign_in(client, person)
    response = client.get(f"/admin/users?q={person.nip}")
    assert person.nip not in response.headers["Location"]
    assert _next_of(response.headers["Location"]) == "/admin/users"


def test_a_forced_password_change_comes_first_without_a_loop(client, db):
    person = _new_person(db, must_change_password=True)
    _sign_in(client, person)
    assert client.get("/").headers["Location"].endswith("/account/password")
    assert client.get("/account/password").status_code == 200


def test_acknowledging_needs_a_signed_in_person(client, app):
    response = client.post("/privacy/acknowledge", data={"next": "/"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
