"""Signing in and out with SSO against the real OpenID provider (tests/oidc).

Sinau is driven with the Flask test client, the provider with ``requests``; every redirect
between the two is followed by hand, as a browser would.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from sqlalchemy import select

from lms.accounts.models import Role, User, UserSession
from lms.audit.models import AuditEvent
from lms.sso.models import SsoIdentity
from lms.sso.views import provider_logout_url
from tests.factories import make_unit, make_user
from tests.sso.conftest import SINAU
from tests.sso.provider import (
    NIP_ANI,
    NIP_BARU,
    NIP_NONAKTIF,
    Walk,
    confirm_logout,
    free_port,
    walk,
)

UNKNOWN = "Akun SSO Anda belum terdaftar di Sinau. Hubungi pengelola kepegawaian."
FAILED = "Masuk dengan SSO gagal. Silakan coba lagi."


def start(client, next_url: str | None = None):
    """Click "Masuk dengan SSO": Sinau's redirect to the provider."""
    response = client.get("/sso/login", query_string={"next": next_url} if next_url else None)
    assert response.status_code == 302, response.status_code
    return response


def to_provider(client, http, login: str = "ani", next_url: str | None = None) -> Walk:
    """From Sinau's SSO button through the provider's pages, up to the way back to Sinau."""
    return walk(http, start(client, next_url).location, SINAU, login)


def back_to_sinau(client, walked: Walk):
    return client.get(walked.back_to.removeprefix(SINAU))


def sso_login(client, http, login: str = "ani", next_url: str | None = None):
    return back_to_sinau(client, to_provider(client, http, login, next_url))


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def audit(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def failures(db) -> list[dict]:
    return [event.details for event in audit(db, "account.login_failed")]


@pytest.fixture
def ani(db):
    user = make_user(unit=make_unit(), nip=NIP_ANI, email="ani.rahayu@uji.test", full_name="Ani R")
    db.session.commit()
    return user


def test_login_redirect_asks_for_code_with_pkce_state_and_nonce(client, oidc_provider):
    query = parse_qs(urlsplit(start(client).location).query)
    assert start(client).location.startswith(f"{oidc_provider.issuer}/auth?")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [oidc_provider.client_id]
    assert query["redirect_uri"] == [f"{SINAU}/sso/callback"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url SHA-256, never the verifier
    assert query["state"][0] and query["nonce"][0]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_login_by_nip_claim_lands_on_the_dashboard(client, http, db, ani):
    walked = to_provider(client, http, "ani")
    assert walked.pages == ["login", "consent"]
    response = back_to_sinau(client, walked)
    assert response.status_code == 302 and response.location == "/"
    assert "Halo, Ani R" in client.get("/").get_data(as_text=True)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == ani.id))
    assert row.method == "sso" and row.id_token.count(".") == 2
    identity = db.session.scalar(select(SsoIdentity))
    assert (identity.user_id, identity.subject) == (ani.id, "ani")
    [link] = audit(db, "account.sso_link")
    assert link.target == f"user:{ani.id}" and link.details["matched_by"] == "nip"
    assert NIP_ANI not in str(link.details)
    [login] = audit(db, "account.login")
    assert login.details == {"method": "sso"}


def test_next_page_is_kept_across_the_provider(client, http, ani):
    response = sso_login(client, http, "ani", next_url="/account")
    assert response.location == "/account"


def test_next_page_elsewhere_is_ignored(client, http, ani):
    response = sso_login(client, http, "ani", next_url="//evil.example/")
    assert response.location == "/"


def test_a_linked_subject_wins_over_a_changed_nip(app, client, http, db, ani):
    sso_login(client, http, "ani")
    ani.nip = "198703122010012999"  # HR corrected the NIP in Sinau
    db.session.commit()
    again = app.test_client()
    response = sso_login(again, requests.Session(), "ani")
    assert response.location == "/" and signed_in(again)
    assert len(audit(db, "account.sso_link")) == 1
    assert db.session.scalar(select(SsoIdentity)).last_login_at is not None


def test_verified_email_matches_when_there_is_no_nip_claim(client, http, db):
    budi = make_user(unit=make_unit(), email="budi@jatimprov.go.id")
    db.session.commit()
    response = sso_login(client, http, "budi")
    assert response.location == "/" and signed_in(client)
    [link] = audit(db, "account.sso_link")
    assert link.target == f"user:{budi.id}" and link.details["matched_by"] == "email"


def test_unverified_email_is_not_matched(client, http, db):
    make_user(unit=make_unit(), email="citra@jatimprov.go.id")
    db.session.commit()
    response = sso_login(client, http, "citra")
    assert response.location == "/login"
    assert UNKNOWN in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)
    assert db.session.scalar(select(SsoIdentity)) is None
    assert failures(db) == [{"method": "sso", "reason": "unknown_person"}]


def test_same_email_with_another_nip_is_refused(client, http, db):
    make_user(unit=make_unit(), email="ani@jatimprov.go.id", nip="199001012015011001")
    db.session.commit()
    response = sso_login(client, http, "ani")
    assert response.location == "/login" and not signed_in(client)
    assert "tidak cocok" in client.get("/login").get_data(as_text=True)
    assert failures(db) == [{"method": "sso", "reason": "nip_mismatch"}]


def test_unknown_nip_is_refused_with_a_clear_message(client, http, db):
    response = sso_login(client, http, "dewi")
    assert response.location == "/login"
    assert UNKNOWN in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)
    assert db.session.scalar(select(User).where(User.nip == NIP_BARU)) is None
    assert failures(db) == [{"method": "sso", "reason": "unknown_person"}]


def test_unknown_nip_gets_an_unplaced_account_when_creation_is_on(app, client, http, db):
    app.config["OIDC_CREATE"] = True
    response = sso_login(client, http, "dewi")
    assert response.location == "/"
    client.post("/privacy/acknowledge", data={"next": "/"})  # a new account reads the notice first
    assert "Halo, Dewi Anggraini" in client.get("/").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.nip == NIP_BARU))
    assert user.unit_id is None and user.roles == {Role.LEARNER.value}
    assert (user.full_name, user.email) == ("Dewi Anggraini", "dewi@jatimprov.go.id")
    assert user.password_hash is None
    [link] = audit(db, "account.sso_link")
    assert link.details["matched_by"] == "created"


def test_deactivated_person_is_refused(client, http, db):
    eko = make_user(unit=make_unit(), nip=NIP_NONAKTIF, active=False)
    db.session.commit()
    response = sso_login(client, http, "eko")
    assert response.location == "/login" and not signed_in(client)
    assert "Akun Anda tidak aktif" in client.get("/login").get_data(as_text=True)
    assert db.session.scalar(select(SsoIdentity)) is None
    [failed] = audit(db, "account.login_failed")
    assert failed.target == f"user:{eko.id}"
    assert failed.details == {"method": "sso", "reason": "inactive"}


def test_person_deactivated_after_linking_is_refused(app, client, http, db, ani):
    sso_login(client, http, "ani")
    ani.active = False
    db.session.commit()
    again = app.test_client()
    response = sso_login(again, requests.Session(), "ani")
    assert response.location == "/login" and not signed_in(again)
    assert failures(db) == [{"method": "sso", "reason": "inactive"}]


def test_wrong_state_is_refused(client, http, db, ani):
    walked = to_provider(client, http, "ani")
    forged = walked.back_to.replace("state=", "state=x")
    assert forged != walked.back_to
    response = client.get(forged.removeprefix(SINAU))
    assert response.location == "/login"
    assert FAILED in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)
    assert failures(db) == [{"method": "sso", "reason": "state"}]


def test_callback_opened_in_another_browser_is_refused(app, client, http, db, ani):
    """Login CSRF: someone else's way back from the provider does not sign this browser in."""
    walked = to_provider(client, http, "ani")
    victim = app.test_client()
    response = victim.get(walked.back_to.removeprefix(SINAU))
    assert response.location == "/login" and not signed_in(victim)
    assert failures(db) == [{"method": "sso", "reason": "state"}]


def test_replayed_authorization_code_is_refused(app, client, http, db, ani):
    walked = to_provider(client, http, "ani")
    # Everything the first use had: the same cookie (state, nonce, PKCE verifier) and code.
    cookie = client.get_cookie("session").value
    assert back_to_sinau(client, walked).location == "/"
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    response = back_to_sinau(replay, walked)
    assert response.location == "/login" and not signed_in(replay)
    assert FAILED in replay.get("/login").get_data(as_text=True)
    assert failures(db) == [{"method": "sso", "reason": "invalid_grant"}]


def test_cancelling_at_the_provider_says_so(client, http, db):
    login_page = http.get(start(client).location, timeout=10)
    cancel = re.search(r'<a href="([^"]+)">\[ Cancel \]</a>', login_page.text).group(1)
    back = walk(http, urljoin(login_page.url, unescape(cancel)), SINAU)
    assert "error=access_denied" in back.back_to
    response = back_to_sinau(client, back)
    assert response.location == "/login"
    assert "Masuk dengan SSO dibatalkan." in client.get("/login").get_data(as_text=True)
    assert failures(db) == [{"method": "sso", "reason": "cancelled"}]


def test_provider_down_is_explained_not_a_500(make_app, db):
    app = make_app(
        OIDC_ISSUER=f"http://127.0.0.1:{free_port()}",
        OIDC_CLIENT_ID="sinau",
        OIDC_CLIENT_SECRET="x",
        BASE_URL=SINAU,
    )
    client = app.test_client()
    response = client.get("/sso/login")
    assert response.status_code == 302 and response.location == "/login"
    assert "tidak dapat dihubungi" in client.get("/login").get_data(as_text=True)
    assert failures(db) == [{"method": "sso", "reason": "unreachable"}]


def test_sso_button_is_shown_when_configured(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Masuk dengan SSO" in page and 'href="/sso/login' in page


def test_logout_form_may_lead_to_the_provider(client, oidc_provider):
    """Browsers apply CSP form-action to a form's redirect: "Keluar" goes on to the provider."""
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer}" in policy


def test_without_an_issuer_there_is_no_sso(make_app):
    app = make_app()  # LMS_OIDC_ISSUER unset
    client = app.test_client()
    login = client.get("/login")
    assert "Masuk dengan SSO" not in login.get_data(as_text=True)
    assert login.headers["Content-Security-Policy"].endswith("form-action 'self'")
    assert client.get("/sso/login").status_code == 404
    assert client.get("/sso/callback?code=x&state=y").status_code == 404
    assert "sso" not in app.extensions
    assert "authlib.integrations.flask_client" not in app.extensions


def test_logout_ends_the_provider_session_too(app, client, http, db, ani):
    sso_login(client, http, "ani")
    row = db.session.scalar(select(UserSession))
    id_token = row.id_token
    response = client.post("/logout")
    end_session, _, query = response.location.partition("?")
    params = parse_qs(query)
    assert end_session == f"{app.config['OIDC_ISSUER']}/session/end"
    assert params["id_token_hint"] == [id_token]
    db.session.refresh(row)
    assert row.ended_at is not None and row.id_token is None  # used once, then dropped
    assert params["post_logout_redirect_uri"] == [f"{SINAU}/login"]
    assert params["client_id"] == [app.config["OIDC_CLIENT_ID"]]
    assert not signed_in(client)
    assert confirm_logout(http, response.location).startswith(f"{SINAU}/login")
    # Signing in again needs the provider's password: its session is gone too.
    assert to_provider(client, http, "ani").pages[0] == "login"


def test_without_provider_logout_the_provider_session_would_sign_in_silently(
    app, client, http, ani
):
    """The other side of the test above: the provider remembers the person until told."""
    sso_login(client, http, "ani")
    fresh = app.test_client()
    walked = to_provider(fresh, http, "ani")
    assert walked.pages == []
    assert back_to_sinau(fresh, walked).location == "/"


def test_password_sessions_do_not_visit_the_provider_on_logout(app, db, ani):
    row = UserSession(
        user_id=ani.id, key_hash="0" * 64, user_version=1, method="password", id_token=None
    )
    with app.test_request_context():
        assert provider_logout_url(row) is None
