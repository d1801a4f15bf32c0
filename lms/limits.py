"""Abuse limits: how many requests an address, an account or a person may make (Flask-Limiter).

Each feature puts one of these decorators between ``@bp.route`` (and ``@login_required``) and
its view; the numbers come from the configuration (``LMS_LIMIT_*``, see README "Batas
permintaan"), read on every request, so operators tune them without touching code:

``limit_login``
    POST of the login form, per client address (``LIMIT_LOGIN``).
``limit_login_account``
    POST of the login form, per (identifier, address): the posted ``identifier`` field
    (``LIMIT_LOGIN_ACCOUNT``). A second address is not affected, so nobody can lock a person
    out by guessing from elsewhere.
``limit_reset``
    POST of "lupa kata sandi", per address (``LIMIT_RESET``).
``limit_reset_account``
    POST of "lupa kata sandi", per posted ``identifier`` whatever the address
    (``LIMIT_RESET_ACCOUNT``): nobody can flood a person's mailbox with reset emails.
``limit_activation``
    POST of an activation or new-password form, per address (``LIMIT_ACTIVATION``).
``limit_verify``
    The public certificate check ``/verify/<code>``, per address (``LIMIT_VERIFY``).
``limit_upload``
    POSTs that carry a file (evidence, imports, GIFT banks), per person, one budget shared by
    every upload route (``LIMIT_UPLOAD``).

A form whose identifier field has another name builds its own decorator with
:func:`account_limit` (e.g. ``account_limit("LIMIT_RESET_ACCOUNT", field="email",
per_address=False)``). Identifiers are normalised (lower-cased; a NIP to its digits) and kept
in the storage only as an HMAC under the app's secret key: a Redis dump names nobody.

Counts live in ``LMS_RATELIMIT_STORAGE_URL``: ``memory://`` (one process) or Redis. A request
over a limit is answered 429 with ``Retry-After`` and an Indonesian page
(:func:`lms.main.views.init_app`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_login import current_user
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.extensions import client_address, limiter

#: The configuration keys of the named limits.
LIMIT_SETTINGS = (
    "LIMIT_LOGIN",
    "LIMIT_LOGIN_ACCOUNT",
    "LIMIT_RESET",
    "LIMIT_RESET_ACCOUNT",
    "LIMIT_ACTIVATION",
    "LIMIT_VERIFY",
    "LIMIT_UPLOAD",
)

_NIP_LIKE = re.compile(r"[\d\s.\-]+")


class LimitConfigError(RuntimeError):
    """A limit setting cannot be read (e.g. ``LMS_LIMIT_LOGIN="lots"``)."""


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def normalise_identifier(value: str | None) -> str:
    """What a person types to name their account, the same however they typed it.

    ``" 19900101 201503 1 001 "`` -> ``"199001012015031001"``; ``"Rina@Jatimprov.go.id "`` ->
    ``"rina@jatimprov.go.id"``.
    """
    text = (value or "").strip()
    if _NIP_LIKE.fullmatch(text):
        return re.sub(r"\D", "", text)
    return text.lower()


def identifier_key(value: str | None) -> str:
    """The storage key part for an identifier: an HMAC of its normal form, never the text."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    normal = normalise_identifier(value).encode()
    digest = hmac.new(secret, b"ratelimit:" + normal, hashlib.sha256).hexdigest()
    return f"id-{digest[:32]}"


def account_limit(setting: str, *, field: str = "identifier", per_address: bool = True):
    """A POST limit keyed by the identifier posted in ``field`` (and the address, if asked)."""

    def key() -> str:
        part = identifier_key(request.form.get(field))
        return f"{part}@{client_address()}" if per_address else part

    return limiter.limit(_setting(setting), key_func=key, methods=["POST"])


def _person() -> str:
    if current_user.is_authenticated:
        return f"user-{current_user.id}"
    return client_address()


def _no_file_sent() -> bool:
    """A POST without a file (a progress report with no evidence) is no upload.

    The body is parsed here only within the app's own size limit; a larger one counts as an
    upload and is left to the view, which refuses it with its own message.
    """
    if request.mimetype != "multipart/form-data":
        return True
    length, most = request.content_length, request.max_content_length
    if length is None or (most is not None and length > most):
        return False
    return not any(upload.filename for upload in request.files.values())


limit_login = limiter.limit(_setting("LIMIT_LOGIN"), methods=["POST"])
limit_login_account = account_limit("LIMIT_LOGIN_ACCOUNT")
limit_reset = limiter.limit(_setting("LIMIT_RESET"), methods=["POST"])
limit_reset_account = account_limit("LIMIT_RESET_ACCOUNT", per_address=False)
limit_activation = limiter.limit(_setting("LIMIT_ACTIVATION"), methods=["POST"])
limit_verify = limiter.limit(_setting("LIMIT_VERIFY"))
limit_upload = limiter.shared_limit(
    _setting("LIMIT_UPLOAD"),
    scope="upload",
    key_func=_person,
    methods=["POST"],
    exempt_when=_no_file_sent,
)


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``; trust a proxy's X-Forwarded-For only when told to."""
    for name in LIMIT_SETTINGS:
        try:
            parse_many(app.config[name])
        except ValueError:
            raise LimitConfigError(
                f"LMS_{name}={app.config[name]!r} is not a limit such as '10 per minute'"
            ) from None
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith("redis") and not app.config.get("RATELIMIT_STORAGE_OPTIONS"):
        # An unreachable Redis must not hold requests: fail fast, then count in memory.
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    limiter.init_app(app)
    if app.config["PROXY_FIX"] > 0:
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    if (
        app.config["LMS_ENV"] == "production"
        and app.config["RATELIMIT_ENABLED"]
        and uri.startswith("memory")
    ):
        app.logger.warning(
            "Rate limits are counted in this process's memory (LMS_RATELIMIT_STORAGE_URL is "
            "unset): each worker and server counts on its own. Set it to a shared Redis, e.g. "
            "redis://127.0.0.1:6379/0."
        )


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets requests through again (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(int(current.reset_at - time.time()), 1)
