"""Signing in through the SSO provider: OpenID Connect discovery, the authorization code flow
with PKCE (S256), state and nonce, all through Authlib; and ending the provider's session too.

Without ``LMS_OIDC_ISSUER`` nothing is registered with Authlib and both routes answer 404.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import Blueprint, Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError

from lms.accounts.models import UserSession
from lms.accounts.sessions import client_address, logout_hook, start_session
from lms.accounts.views import safe_next
from lms.audit.services import record
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow
from lms.sso import services

bp = Blueprint("sso", __name__)
log = logging.getLogger(__name__)

#: Where the Authlib client lives in ``app.extensions``: one per app, never shared.
EXTENSION = "sso"
#: Authlib keeps each pending login under "_state_<name>_<state>" in the cookie session.
_STATE_PREFIX = f"_state_{EXTENSION}_"
_NEXT = "sso_next"


def init_app(app: Flask) -> None:
    """Register the provider with Authlib when LMS_OIDC_ISSUER is set (discovery is lazy)."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    # The logout form is answered with a redirect to the provider: let the browser follow it.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(issuer))
    app.config.setdefault("CSP_FORM_ACTION", []).append(origin)
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth.register(
        EXTENSION,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "default_timeout": 10,
        },
    )


def _client() -> FlaskOAuth2App:
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        abort(404)
    return client


def _absolute(path: str) -> str:
    """``path`` under LMS_BASE_URL: the exact address registered at the provider."""
    return current_app.config["BASE_URL"] + path


class Refused(Exception):
    """The provider's answer cannot sign anyone in; ``reason`` goes to the audit log."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.message = message


@bp.route("/sso/login")
def login():
    """Send the person to the provider's login page (code flow with PKCE, state and nonce)."""
    client = _client()
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    # Only the latest attempt counts: the cookie session does not fill up with abandoned ones.
    for key in [k for k in session if k.startswith(_STATE_PREFIX)]:
        session.pop(key)
    session[_NEXT] = safe_next(request.args.get("next"))
    try:
        return client.authorize_redirect(_absolute(url_for("sso.callback")))
    except (requests.RequestException, ValueError):
        log.warning("SSO provider unreachable (discovery)", exc_info=True)
        return _refuse(Refused("unreachable"), None)


@bp.route("/sso/callback")
def callback():
    """Back from the provider: state, code (with the PKCE verifier), ID token and nonce are
    checked; then the person is found by subject, NIP or verified email and signed in."""
    client = _client()
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    now = utcnow()
    next_url = safe_next(session.pop(_NEXT, None))
    try:
        token = _fetch_token(client)
        issuer = current_app.config["OIDC_ISSUER"]
        claims = services.Claims.from_provider(
            issuer, _claims(client, token, issuer), current_app.config["OIDC_NIP_CLAIM"]
        )
    except Refused as refused:
        return _refuse(refused, None)
    result = services.sign_in(
        claims, now, create=current_app.config["OIDC_CREATE"], ip=client_address()
    )
    if result.refused:
        return _refuse(Refused(result.refused), result.user)
    start_session(result.user, "sso", id_token=token["id_token"], now=now)
    db.session.commit()
    return redirect(next_url or url_for("main.index"))


def _fetch_token(client: FlaskOAuth2App) -> dict[str, Any]:
    """Trade the code for tokens; Authlib checks the state, sends the PKCE verifier and checks
    the ID token's signature, issuer, audience, expiry and nonce."""
    try:
        token = client.authorize_access_token()
    except MismatchingStateError as exc:
        raise Refused("state") from exc
    except AuthlibBaseError as exc:
        if exc.error == "access_denied":
            raise Refused("cancelled", _("Masuk dengan SSO dibatalkan.")) from exc
        raise Refused(str(exc.error or "provider_error")[:40]) from exc
    except JoseError as exc:
        raise Refused("id_token") from exc
    except (requests.RequestException, ValueError) as exc:
        log.warning("SSO provider unreachable (token)", exc_info=True)
        raise Refused("unreachable") from exc
    if not token.get("id_token") or not token.get("userinfo"):
        raise Refused("id_token")
    return token


def _claims(client: FlaskOAuth2App, token: dict[str, Any], issuer: str) -> dict[str, Any]:
    """The ID token's claims, completed from the userinfo endpoint where the provider has one
    (providers may keep profile claims such as the NIP out of the ID token)."""
    id_claims = dict(token["userinfo"])
    metadata = client.load_server_metadata()
    if metadata.get("issuer") != issuer:
        # OpenID Connect Discovery: the document must name the issuer it was fetched for.
        raise Refused("issuer")
    if not metadata.get("userinfo_endpoint"):
        return id_claims
    try:
        info = dict(client.userinfo(token=token))
    except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
        log.warning("SSO userinfo request failed", exc_info=True)
        raise Refused("userinfo") from exc
    if info.get("sub") != id_claims.get("sub"):
        raise Refused("userinfo")
    return {**info, **id_claims}


_MESSAGES = {
    "unreachable": _l("Layanan SSO sedang tidak dapat dihubungi. Silakan coba beberapa saat lagi."),
    services.UNKNOWN: _l("Akun SSO Anda belum terdaftar di Sinau. Hubungi pengelola kepegawaian."),
    services.MISMATCH: _l(
        "Data akun SSO Anda tidak cocok dengan data di Sinau. Hubungi pengelola kepegawaian."
    ),
    services.INACTIVE: _l("Akun Anda tidak aktif. Silakan hubungi admin kepegawaian unit Anda."),
}


def _refuse(refused: Refused, user: Any):
    """Audit the failure, say what happened in plain words and go back to the login page."""
    db.session.rollback()
    record(
        None,
        "account.login_failed",
        f"user:{user.id}" if user is not None else None,
        ip=client_address(),
        method="sso",
        reason=refused.reason,
    )
    db.session.commit()
    message = (
        refused.message
        or _MESSAGES.get(refused.reason)
        or _("Masuk dengan SSO gagal. Silakan coba lagi.")
    )
    flash(str(message), "error")
    return redirect(url_for("accounts.login"))


@logout_hook
def provider_logout_url(row: UserSession) -> str | None:
    """After "Keluar" from an SSO session, the provider's end-session URL (RP-initiated
    logout), so the provider's session ends too; None where there is nothing to end."""
    client = current_app.extensions.get(EXTENSION)
    if client is None or row.method != "sso" or not row.id_token:
        return None
    try:
        endpoint = client.load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        log.warning("SSO provider unreachable (logout)", exc_info=True)
        return None
    if not endpoint:
        return None
    return add_params_to_uri(
        endpoint,
        {
            "id_token_hint": row.id_token,
            "post_logout_redirect_uri": _absolute(url_for("accounts.login")),
            "client_id": current_app.config["OIDC_CLIENT_ID"],
        },
    )
