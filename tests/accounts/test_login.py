"""Logging in and out, redirects, lockout and CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts.models import LoginThrottle
from tests.factories import PASSWORD, make_unit, make_user


@pytest.fixture
def person(db):
    user = make_user(unit=make_unit(), email="rina@jatimprov.go.id", nip="199003152015032002")
    db.session.commit()
    return user


def login(client, identifier, password=PASSWORD, **extra):
    return client.post("/login", data={"identifier": identifier, "password": password, **extra})


def test_anonymous_front_page_is_the_indonesian_login_page(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Masuk ke akun Anda" in page
    assert 'name="identifier"' in page


@pytest.mark.parametrize(
    "identifier",
    ["rina@jatimprov.go.id", "RINA@JatimProv.go.id", "199003152015032002", "19900315 201503 2 002"],
)
def test_login_with_email_or_nip(client, person, identifier):
    response = login(client, identifier)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Halo" in client.get("/").get_data(as_text=True)


def test_wrong_password_gives_indonesian_message_and_no_session(client, person):
    response = login(client, "rina@jatimprov.go.id", "salah-sekali-123")
    assert response.status_code == 200
    assert "NIP/email atau kata sandi salah." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_unknown_account_gets_the_same_message(client, person):
    response = login(client, "tidakada@jatimprov.go.id")
    assert "NIP/email atau kata sandi salah." in response.get_data(as_text=True)


def test_repeated_failures_delay_that_identifier_from_that_address(client, person, app):
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        login(client, "rina@jatimprov.go.id", "salah-sekali-123")
    response = login(client, "rina@jatimprov.go.id")  # even the right password waits now
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    assert response.status_code == 200
    assert client.get("/account").status_code == 302


def test_inactive_account_cannot_log_in(client, person, db):
    person.active = False
    db.session.commit()
    response = login(client, "rina@jatimprov.go.id")
    assert "tidak aktif" in response.get_data(as_text=True)


def test_next_redirects_to_local_path(client, person):
    response = login(client, "rina@jatimprov.go.id", next="/account")
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/x",
    ],
)
def test_next_to_another_site_is_ignored(client, person, target):
    response = login(client, "rina@jatimprov.go.id", next=target)
    assert response.headers["Location"] == "/"


def test_login_page_drops_foreign_next(client):
    page = client.get("/login?next=https://evil.example").get_data(as_text=True)
    assert 'id="next" name="next" type="hidden" value=""' in page


def test_logout_needs_post_and_ends_session(client, person):
    login(client, "rina@jatimprov.go.id")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_login_without_csrf_token_is_refused_and_writes_nothing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from lms.extensions import db

        make_user(email="rina@jatimprov.go.id")
        db.session.commit()
        response = app.test_client().post(
            "/login", data={"identifier": "rina@jatimprov.go.id", "password": "salah-salah-1"}
        )
        assert response.status_code == 400
        assert "Formulir ini sudah kedaluwarsa" in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count(LoginThrottle.id))) == 0


def test_login_with_csrf_token_works(make_app):
    import re

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from lms.extensions import db

        make_user(email="rina@jatimprov.go.id")
        db.session.commit()
        client = app.test_client()
        token = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"',
            client.get("/login").get_data(as_text=True),
        ).group(1)
        response = client.post(
            "/login",
            data={"identifier": "rina@jatimprov.go.id", "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302


def test_session_cookie_is_httponly_and_lax(client, person):
    response = login(client, "rina@jatimprov.go.id")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
