"""Invitations to activate an account, "Lupa kata sandi", and using the emailed links.

A link carries a token that is never stored: it is derived from the row (purpose, person, a
random nonce) and the app's secret key, and only its SHA-256 is kept. The outbox derives it
again when it writes the email, so a copy of the database alone opens no account; changing
SECRET_KEY voids every link not yet used.

Invitations are set-based (one query finds everyone in scope, rows are inserted in batches), so
inviting the whole province is a few hundred statements, not one per person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Select, exists, func, select, update

from lms.accounts.models import User
from lms.accounts.services import find_by_identifier, password_login_allowed, password_problem
from lms.activation.models import AccountToken
from lms.audit.services import record
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.org.models import Unit
from lms.reminders.emails import EmailKind, register
from lms.reminders.models import Notification
from lms.reminders.rules import Due
from lms.reminders.services import record as queue_notifications
from lms.signals import signed_in
from lms.sql import insert_or_ignore

ACTIVATION = "activation"
RESET = "reset"
#: Notification rule of each purpose (the outbox picks the email by rule).
RULES = {ACTIVATION: "activation", RESET: "password_reset"}
CATEGORY = "account"
BATCH = 2000
#: A second "Lupa kata sandi" for the same person within this time sends nothing more: the
#: first email is on its way, and a stranger cannot flood someone's inbox or void their link.
RESET_COOLDOWN = timedelta(minutes=5)


class LinkError(ValueError):
    """An emailed link that cannot be used; the message says why and what to do, for people."""


class WeakPassword(ValueError):
    """The chosen password fails the strength rule; the message says why."""


# -- tokens ---------------------------------------------------------------------------------------


def derive(purpose: str, user_id: int, nonce: str) -> str:
    """The token in the link: HMAC-SHA256 of the row's facts under the app's secret key."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{purpose}:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def raw_token(token) -> str:
    """The secret token of a stored :class:`AccountToken` row (needs the app's secret)."""
    return derive(token.purpose, token.user_id, token.nonce)


def password_mode() -> str:
    """LMS_PASSWORD_LOGIN: "all", "admins" (everyone else signs in with SSO) or "none"."""
    return current_app.config["PASSWORD_LOGIN"]


def lifetime(purpose: str) -> timedelta:
    hours = current_app.config["ACTIVATION_HOURS" if purpose == ACTIVATION else "RESET_HOURS"]
    return timedelta(hours=hours)


def opens(now: datetime, purpose: str) -> list:
    """SQL conditions: a link of ``purpose`` that still opens (at most one per person)."""
    return [
        AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None),
        AccountToken.revoked_at.is_(None),
        AccountToken.expires_at > now,
    ]


def _supersede(user_ids: list[int], purpose: str, now: datetime) -> None:
    """Void the pending links of ``purpose`` of these people (a newer one replaces them)."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id.in_(user_ids),
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def issue(user_ids: list[int], purpose: str, now: datetime, by: User | None = None) -> int:
    """Replace the pending links of ``purpose`` of these people by new ones, and queue emails.

    Returns how many were created (a parallel request may have been first for some). Flushes.
    """
    made = 0
    expires = now + lifetime(purpose)
    rule = RULES[purpose]
    with force_locale("id"):  # stored and emailed in Indonesian, whoever clicked "Kirim"
        if purpose == ACTIVATION:
            title = _("Aktifkan akun Sinau Anda")
            body = _("Tautan aktivasi akun telah dikirim ke email Anda.")
        else:
            title = _("Atur ulang kata sandi Sinau Anda")
            body = _("Tautan untuk mengatur ulang kata sandi telah dikirim ke email Anda.")
    for start in range(0, len(user_ids), BATCH):
        chunk = user_ids[start : start + BATCH]
        _supersede(chunk, purpose, now)
        rows = []
        for user_id in chunk:
            nonce = secrets.token_hex(16)
            rows.append(
                {
                    "user_id": user_id,
                    "purpose": purpose,
                    "nonce": nonce,
                    "token_hash": hash_token(derive(purpose, user_id, nonce)),
                    "created_at": now,
                    "expires_at": expires,
                    "created_by_id": getattr(by, "id", None),
                }
            )
        created = db.session.execute(
            insert_or_ignore(AccountToken).returning(AccountToken.id, AccountToken.user_id), rows
        ).all()
        queue_notifications(
            [
                Due(
                    user_id=user_id,
                    key=f"{rule}:u{user_id}:t{token_id}",
                    category=CATEGORY,
                    rule=rule,
                    title=title,
                    body=body,
                    url="/account",
                    data={"token_id": token_id},
                )
                for token_id, user_id in created
            ],
            now,
        )
        made += len(created)
    db.session.flush()
    return made


# -- invitations ----------------------------------------------------------------------------------


def scope_query(
    scope: str, *, unit: Unit | None = None, include_subunits: bool = True, user_id: int = 0
) -> Select:
    """The people (a select of ids) of a scope: "person", "unit" (with or without sub-units)
    or "all"."""
    query = select(User.id)
    if scope == "person":
        return query.where(User.id == user_id)
    if scope == "unit":
        if unit is None:
            return query.where(False)
        if include_subunits:
            return query.join(Unit, Unit.id == User.unit_id).where(
                Unit.path.startswith(unit.path, autoescape=True)
            )
        return query.where(User.unit_id == unit.id)
    return query


def _invitable(candidates: Select, now: datetime) -> Select:
    """Of ``candidates``: active, not activated, with an email, without a live invitation."""
    return (
        select(User.id)
        .where(
            User.id.in_(candidates),
            User.active.is_(True),
            User.activated_at.is_(None),
            User.email.is_not(None),
            User.email != "",
            ~exists().where(AccountToken.user_id == User.id, *opens(now, ACTIVATION)),
        )
        .order_by(User.id)
    )


def count_invitable(candidates: Select, now: datetime) -> int:
    """How many people :func:`invite` would write to now."""
    query = _invitable(candidates, now).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def invite(
    candidates: Select, now: datetime, by: User | None, target: str, ip: str | None = None
) -> int:
    """Send an invitation to everyone in ``candidates`` who needs one and has none that opens.

    Running it twice sends nothing new; an expired invitation is replaced. Audited with the
    count (``target`` is "unit:<id>", "user:<id>" or "all", never a name). Flushes.
    """
    if not password_login_allowed(None):
        return 0
    ids = list(db.session.scalars(_invitable(candidates, now)))
    sent = issue(ids, ACTIVATION, now, by) if ids else 0
    record(by, "account.invite", target, now=now, ip=ip, invited=sent)
    return sent


def reinvite(user: User, now: datetime, by: User | None, ip: str | None = None) -> bool:
    """Kirim ulang: a new invitation for one person; the earlier link stops working."""
    if (
        not user.active
        or user.activated_at is not None
        or not user.email
        or not password_login_allowed(None)
    ):
        return False
    sent = issue([user.id], ACTIVATION, now, by)
    record(by, "account.invite", f"user:{user.id}", now=now, ip=ip, invited=sent, again=True)
    return bool(sent)


# -- "Lupa kata sandi" -----------------------------------------------------------------------------


def request_reset(identifier: str, now: datetime, ip: str | None) -> None:
    """Email a reset link to the person whose NIP or email was typed, if there is one.

    The caller answers the same whatever happened; the work done here is close to the same
    both ways (one look-up, one update, one audit row), and nothing waits on the mail server.
    """
    user = find_by_identifier(identifier)
    eligible = (
        user is not None and user.active and bool(user.email) and password_login_allowed(user)
    )
    # Asked every time, for anyone (id 0 matches nobody), so both answers cost the same queries.
    recent = db.session.scalar(
        select(func.count(AccountToken.id)).where(
            AccountToken.user_id == (user.id if eligible else 0),
            AccountToken.purpose == RESET,
            AccountToken.created_at > now - RESET_COOLDOWN,
        )
    )
    sent = 0
    if eligible and not recent:
        sent = issue([user.id], RESET, now)
    else:
        _supersede([0], RESET, now)  # the same statement, on nobody
    record(
        None,
        "account.reset_requested",
        f"user:{user.id}" if user is not None else None,
        now=now,
        ip=ip,
        sent=bool(sent),
    )


# -- using a link ---------------------------------------------------------------------------------


@dataclass
class Link:
    """A link that opens: its row and its person."""

    token: AccountToken
    user: User


def check_link(raw: str, purpose: str, now: datetime) -> Link:
    """The link ``raw`` of ``purpose`` if it still opens; else :class:`LinkError` saying why."""
    token = None
    if raw and len(raw) <= 100:
        token = db.session.scalar(
            select(AccountToken).where(AccountToken.token_hash == hash_token(raw))
        )
    # The token must also derive from the row under today's secret key: rotating SECRET_KEY
    # (after a leak, say) voids every link not yet used.
    if token is None or token.purpose != purpose or not hmac.compare_digest(raw_token(token), raw):
        raise LinkError(
            _("Tautan ini tidak dikenal. Pastikan Anda membuka tautan lengkap dari email.")
        )
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        raise LinkError(
            _("Akun ini tidak aktif. Silakan hubungi pengelola kepegawaian (BKD) di unit Anda.")
        )
    if token.used_at is not None or (purpose == ACTIVATION and user.activated_at is not None):
        raise LinkError(
            _(
                "Tautan ini sudah digunakan dan akun Anda sudah aktif. Silakan masuk; bila lupa "
                "kata sandi, gunakan \u201cLupa kata sandi?\u201d di halaman masuk."
            )
        )
    if token.revoked_at is not None:
        raise LinkError(
            _(
                "Tautan ini sudah diganti oleh tautan yang lebih baru. Gunakan email terbaru "
                "dari Sinau."
            )
        )
    if token.expires_at <= now:
        if purpose == ACTIVATION:
            raise LinkError(
                _(
                    "Tautan aktivasi ini sudah kedaluwarsa. Gunakan \u201cLupa kata sandi?\u201d "
                    "di halaman masuk untuk mendapat tautan baru, atau minta pengelola "
                    "kepegawaian (BKD) mengirim ulang undangan."
                )
            )
        raise LinkError(
            _(
                "Tautan ini sudah kedaluwarsa. Silakan minta tautan baru melalui "
                "\u201cLupa kata sandi?\u201d."
            )
        )
    if not password_login_allowed(user):
        raise LinkError(
            _("Sinau tidak memakai kata sandi untuk akun Anda. Silakan masuk dengan SSO.")
        )
    return Link(token, user)


def use_link(link: Link, password: str, now: datetime) -> None:
    """Set the person's password from an open link, once; the person is then activated.

    The link is marked used with ``UPDATE ... WHERE used_at IS NULL``, so a double submit (or
    two tabs) uses it once: the second gets :class:`LinkError`. Every other pending link of the
    person is voided. Flushes; the caller starts the session and commits.
    """
    problem = password_problem(password, link.user)
    if problem:
        raise WeakPassword(problem)
    claimed = db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.id == link.token.id,
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
            AccountToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise LinkError(_("Tautan ini sudah digunakan. Silakan masuk dengan kata sandi Anda."))
    user = link.user
    _supersede([user.id], ACTIVATION, now)
    _supersede([user.id], RESET, now)
    user.set_password(password)
    user.must_change_password = False
    if user.activated_at is None:
        user.activated_at = now
    action = "account.activated" if link.token.purpose == ACTIVATION else "account.password_reset"
    record(user, action, f"user:{user.id}", now=now)
    db.session.flush()


@signed_in.connect
def _activated_on_sign_in(user: User, method: str = "", now: datetime | None = None, **_kw):
    """Whoever signs in (a temporary password, SSO) counts as activated from then on."""
    if user.activated_at is None:
        user.activated_at = now or utcnow()


# -- the emails -----------------------------------------------------------------------------------


def _link_path(purpose: str, raw: str) -> str:
    endpoint = "activation.activate" if purpose == ACTIVATION else "activation.reset"
    return current_app.url_map.bind("localhost").build(endpoint, {"token": raw})


def _email_context(notification: Notification, reveal: bool) -> dict:
    """The link (only for the sender) and how long it opens, for the email templates."""
    token = db.session.get(AccountToken, (notification.data or {}).get("token_id", 0))
    if token is None:
        return {"link": None, "expires_at": None, "hours": 0}
    base = current_app.config["BASE_URL"]
    link = f"{base}{_link_path(token.purpose, raw_token(token))}" if reveal else None
    hours = round((token.expires_at - token.created_at).total_seconds() / 3600)
    return {"link": link, "expires_at": token.expires_at, "hours": hours}


def _still_due(notification: Notification, now: datetime) -> bool:
    """An email whose link was replaced, used or has expired is not sent."""
    token = db.session.get(AccountToken, (notification.data or {}).get("token_id", 0))
    return token is not None and token.is_live(now)


register(
    RULES[ACTIVATION],
    EmailKind("activation/email/activation", _email_context, _still_due),
)
register(
    RULES[RESET],
    EmailKind("activation/email/reset", _email_context, _still_due, urgent=True),
)
