"""Sessions that end on the server, sign-in delays per address, password modes, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import UserSession
from lms.audit.models import AuditEvent
from lms.i18n import utcnow
from tests.factories import PASSWORD, make_session, make_unit, make_user

EMAIL = "rina@jatimprov.go.id"


@pytest.fixture
def person(db):
    user = make_user(unit=make_unit(), email=EMAIL, nip="199003152015032002")
    db.session.commit()
    return user


def login(client, identifier=EMAIL, password=PASSWORD, address="10.0.0.1", **extra):
    return client.post(
        "/login",
        data={"identifier": identifier, "password": password, **extra},
        environ_base={"REMOTE_ADDR": address},
    )


def _replay(app, cookies: dict[str, str]):
    """A new browser that carries only the copied cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def test_session_cookie_copied_before_logout_no_longer_works(app, client, person):
    login(client)
    copied = {"session": client.get_cookie("session").value}
    assert _replay(app, copied).get("/account").status_code == 200
    client.post("/logout")
    response = _replay(app, copied).get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_remember_me_cookie_copied_before_logout_no_longer_works(app, client, person):
    login(client, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    copied = {"remember_token": remember.value}
    assert _replay(app, copied).get("/account").status_code == 200  # alone, it signs in
    client.post("/logout")
    response = _replay(app, copied).get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_everywhere_ends_the_other_devices(app, client, person, db):
    phone = app.test_client()
    login(phone, address="10.0.0.2")
    login(client)
    response = client.post("/account/sessions/end-all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert phone.get("/account").status_code == 302
    assert client.get("/account").status_code == 302
    assert db.session.scalar(select(UserSession).where(UserSession.ended_at.is_(None))) is None


def test_account_page_lists_recent_sign_ins(client, person):
    client.post(
        "/login",
        data={"identifier": EMAIL, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
        headers={
            "User-Agent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
        },
    )
    page = client.get("/account").get_data(as_text=True)
    assert "Riwayat masuk" in page
    assert "Chrome di Android" in page
    assert "10.1.2.3" in page
    assert "Perangkat ini" in page
    assert "Keluar dari semua perangkat" in page


def test_changing_password_ends_other_sessions_but_keeps_this_one(app, client, person):
    other = app.test_client()
    login(other, address="10.0.0.2")
    login(client)
    new = "Kopi-Tubruk-Pagi-2026"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "confirm": new}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_fifty_wrong_logins_from_one_address_do_not_stop_the_owner_elsewhere(client, person):
    for _ in range(50):
        login(client, password="bukan-sandinya-1", address="203.0.113.9")
    refused = login(client, address="203.0.113.9")
    assert refused.status_code == 429 or "Terlalu banyak" in refused.get_data(as_text=True)
    response = login(client, address="198.51.100.7")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_unknown_identifier_is_delayed_with_the_same_words(client, app, person):
    known, unknown = [], []
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 1):
        known.append(login(client, password="salah-lagi-123").get_data(as_text=True))
        unknown.append(login(client, "orang-lain@jatimprov.go.id").get_data(as_text=True))
    assert "NIP/email atau kata sandi salah." in known[0] and unknown[0]
    assert "Terlalu banyak percobaan masuk yang gagal" in known[-1]
    assert "Terlalu banyak percobaan masuk yang gagal" in unknown[-1]
    assert "tidak aktif" not in known[-1] + unknown[-1]


def test_unknown_account_costs_a_password_check_too(app, person, monkeypatch):
    """Comparable time: an unknown identifier still pays one Argon2id check (see bench/)."""
    calls = []
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    with app.test_request_context():
        services.authenticate("tidak-ada@jatimprov.go.id", "apa-saja-123", utcnow(), "x")
        services.authenticate(EMAIL, "apa-saja-123", utcnow(), "x")
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)


def test_admin_unlock_lifts_the_delay(app, client, person, db):
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        login(client, password="salah-lagi-123")
    assert "Terlalu banyak" in login(client).get_data(as_text=True)
    admin_client = app.test_client()
    admin = make_user(roles={"admin"})
    key = make_session(admin)
    db.session.commit()
    with admin_client.session_transaction() as session:
        session["_user_id"] = f"{admin.id}:{key}"
    page = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "sedang ditunda untuk 1 alamat" in page
    assert admin_client.post(f"/admin/users/{person.id}/unlock").status_code == 302
    assert login(client).status_code == 302
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "account.unlock" in actions


@pytest.mark.parametrize(
    ("mode", "role", "allowed"),
    [
        ("all", "learner", True),
        ("admins", "learner", False),
        ("admins", "admin", True),
        ("none", "admin", False),
    ],
)
def test_password_login_mode(make_app, mode, role, allowed):
    app = make_app(PASSWORD_LOGIN=mode)
    with app.app_context():
        from lms.extensions import db

        make_user(email=EMAIL, roles={role})
        db.session.commit()
        page = app.test_client().get("/login").get_data(as_text=True)
        assert ('name="password"' in page) is (mode != "none")
        client = app.test_client()
        response = login(client)
        assert (response.status_code == 302) is allowed
        if not allowed:
            assert "SSO" in response.get_data(as_text=True)


def test_logins_and_failures_are_audited(client, person, db):
    login(client, password="salah-lagi-123")
    login(client)
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.details))
    seen = {(a, t, d.get("method")) for a, t, d in rows}
    assert ("account.login_failed", f"user:{person.id}", "password") in seen
    assert ("account.login", f"user:{person.id}", "password") in seen
    assert not any(EMAIL in str(row) for row in seen)


@pytest.mark.parametrize(
    "password",
    ["password1234", "bismillah123", "Jatim12345678", "qwertyuiop12", "Indonesia1945"],
)
def test_common_and_guessable_passwords_are_refused(app, password):
    assert services.password_problem(password) is not None


@pytest.mark.parametrize("password", ["Kopi-Tubruk-Pagi-2026", "lembah 7 kabut senja ombak"])
def test_strong_passwords_pass(app, password):
    assert services.password_problem(password) is None
