"""Server-side sessions: signing in, signing out (here or everywhere) and the list of sign-ins.

Both cookies Flask-Login sets (the session and "ingat saya") carry ``<user id>:<random key>``;
the key's hash names one row of ``user_sessions``. Ending the row ends both cookies, so a cookie
copied before "Keluar" no longer opens anything afterwards.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import ColumnElement, Select, bindparam, select, update
from sqlalchemy.orm import joinedload

from lms.accounts.models import User, UserSession
from lms.audit.services import record
from lms.extensions import client_address, db
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.signals import signed_in

LogoutHook = Callable[[UserSession], str | None]
LOGOUT_HOOKS: list[LogoutHook] = []

#: Figures about the signed-in person that every page shows (the bell's unread count): name ->
#: function returning a scalar subquery correlated on ``User.id``. The user loader selects them
#: with the person, in the same statement; features register theirs with :func:`user_figure`.
USER_FIGURES: dict[str, Callable[[], ColumnElement]] = {}


def user_figure(name: str):
    """Register ``fn() -> scalar subquery on User.id`` as the per-request figure ``name``."""

    def register(fn: Callable[[], ColumnElement]) -> Callable[[], ColumnElement]:
        USER_FIGURES[name] = fn
        return fn

    return register


def figure(name: str, user: User) -> int | None:
    """This request's figure ``name`` about ``user``: loaded with the person by the user loader,
    or asked for here once (a person signed in during this very request)."""
    figures = g.setdefault("user_figures", {})
    if name not in figures and name in USER_FIGURES:
        figures[name] = db.session.scalar(select(USER_FIGURES[name]()).where(User.id == user.id))
    return figures.get(name)


def logout_hook(fn: LogoutHook) -> LogoutHook:
    """Register ``fn(row)``: a URL to send the person to after logout (e.g. the SSO provider's)."""
    LOGOUT_HOOKS.append(fn)
    return fn


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(
    user: User,
    method: str,
    *,
    remember: bool = False,
    id_token: str | None = None,
    now: datetime | None = None,
) -> UserSession:
    """Sign ``user`` in on this request: a fresh cookie session tied to a new server-side row.

    Audited as "account.login"; sends :data:`lms.signals.signed_in`. Flushes; the caller commits.
    """
    now = now or utcnow()
    key = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        key_hash=_hash(key),
        user_version=user.session_version,
        method=method,
        remember=remember,
        created_at=now,
        ip=client_address(),
        user_agent=(request.user_agent.string or "")[:300] or None,
        id_token=id_token,
    )
    db.session.add(row)
    user.last_login_at = now
    db.session.flush()
    locale = session.get("locale")
    session.clear()  # a fresh session on login: no fixation
    if locale:
        session["locale"] = locale
    user.session_key = key
    login_user(user, remember=remember, duration=_remember_for())
    session.permanent = True
    g.user_session = row
    record(user, "account.login", f"user:{user.id}", now=now, ip=row.ip, method=method)
    signed_in.send(user, method=method, now=now)
    return row


def _remember_for() -> timedelta:
    return timedelta(days=current_app.config["REMEMBER_DAYS"])


@functools.cache
def _user_statement() -> tuple[list[str], Select]:
    """The user loader's statement, built once (every request runs it): building a select
    costs more Python than running this one."""
    names = list(USER_FIGURES)
    statement = (
        select(User, UserSession, *(USER_FIGURES[name]().label(name) for name in names))
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == bindparam("user_id"),
            UserSession.key_hash == bindparam("key_hash"),
            UserSession.ended_at.is_(None),
        )
        .options(joinedload(User.role_rows), joinedload(User.unit))
    )
    return names, statement


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: one statement for the person, their roles and unit, their live
    session and the registered figures (:data:`USER_FIGURES`)."""
    user_id, _, key = token.partition(":")
    if not user_id.isdigit() or not key:
        return None
    names, statement = _user_statement()
    found = (
        db.session.execute(statement, {"user_id": int(user_id), "key_hash": _hash(key)})
        .unique()
        .one_or_none()
    )
    if found is None:
        return None
    user, row, *values = found
    if row.user_version != user.session_version or _expired(row, utcnow()):
        return None
    user.session_key = key
    g.user_figures = dict(zip(names, values, strict=True))
    g.user_session = row
    return user


def _expired(row: UserSession, now: datetime) -> bool:
    config = current_app.config
    lifetime = (
        _remember_for() if row.remember else timedelta(seconds=config["PERMANENT_SESSION_LIFETIME"])
    )
    return row.created_at + lifetime < now


def current_session() -> UserSession | None:
    """The server-side row of this request's session, if someone is signed in."""
    return g.get("user_session") if current_user.is_authenticated else None


def end_current_session(now: datetime | None = None) -> UserSession | None:
    """Log out here: the row ends (so both cookies stop working), the cookie session is cleared."""
    row = current_session()
    if row is not None and row.ended_at is None:
        row.ended_at = now or utcnow()
        record(current_user, "account.logout", f"user:{row.user_id}", ip=client_address())
    # The language chosen stays for the login page that follows.
    locale = session.get("locale") or getattr(current_user, "locale", None)
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    g.pop("user_session", None)
    db.session.flush()
    return row


def end_all_sessions(user: User, *, keep_current: bool = False, now: datetime | None = None) -> int:
    """End every live session of ``user`` (all but this request's with ``keep_current``)."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    current = current_session() if has_request_context() else None
    if keep_current and current is not None:
        query = query.where(UserSession.id != current.id)
    ended = db.session.execute(
        query.values(ended_at=now or utcnow(), id_token=None).execution_options(
            synchronize_session="fetch"
        )
    ).rowcount
    db.session.flush()
    return ended


def logout_redirect(row: UserSession | None) -> str | None:
    """Where a registered hook wants the person to go after ``row`` ended (first answer wins).

    The SSO provider's ID token (name, email, NIP) is needed only for that: it is dropped here.
    """
    if row is None:
        return None
    url = next((url for hook in LOGOUT_HOOKS if (url := hook(row))), None)
    row.id_token = None
    db.session.flush()
    return url


def recent_sessions(user: User, limit: int = 10) -> list[UserSession]:
    """The person's latest sign-ins, newest first, for the account page."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at.desc(), UserSession.id.desc())
            .limit(limit)
        )
    )


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))  # fmt: skip
_BOT = re.compile(r"bot|crawl|spider|curl|python|wget", re.IGNORECASE)


def describe_browser(user_agent: str | None) -> str:
    """A short name for a User-Agent, as people know it: "Chrome di Android"."""
    text = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in text), None)
    system = next((name for mark, name in _SYSTEMS if mark in text), None)
    if browser and system:
        return _("%(browser)s di %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or system or ""
    return _("Program lain") if _BOT.search(text) else _("Peramban tidak dikenal")
