"""Verbs on accounts: authenticate, create, change and reset passwords, deactivate, unlock."""

from __future__ import annotations

import functools
import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from zxcvbn import zxcvbn

from lms.accounts.models import LoginThrottle, Role, User
from lms.accounts.nip import clean_nip
from lms.accounts.passwords import hash_password, needs_rehash, verify_password
from lms.accounts.sessions import end_all_sessions
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import utcnow

#: Words a person in Pemprov Jatim might build a password from; zxcvbn weighs them like its
#: own lists of leaked passwords, names and common words.
CONTEXT_WORDS = [
    "sinau", "jatim", "jawatimur", "jawa", "timur", "surabaya", "pemprov", "provinsi", "indonesia",
    "merdeka", "bismillah", "rahasia", "sandi", "katasandi", "admin", "pegawai", "asn", "pns",
    "pppk", "bkd", "bpsdm", "dinas", "kominfo", "garuda", "pancasila", "emas", "retret",
]  # fmt: skip
#: zxcvbn's score from 0 to 4; 3 means about 10^8 guesses or more, the usual floor for accounts.
MIN_PASSWORD_SCORE = 3
#: A hash of nothing anyone knows, checked when the account does not exist or has no password,
#: so a wrong identifier costs the same time as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A change to an account that cannot be made; the message is for the person."""


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None
    #: The account the typed identifier names, when the sign-in failed (for the audit log only).
    account_id: int | None = None


@functools.cache
def _statements() -> dict[str, Select]:
    """The sign-in's lookups, built once per process (building a select costs more CPU than
    running one of these): by email, by NIP, the throttle of (identifier, address)."""
    return {
        # The roles in the same statement (a sign-in reads them): one round trip, not two.
        "email": select(User)
        .where(User.email == bindparam("value"))
        .options(joinedload(User.role_rows)),
        "nip": select(User)
        .where(User.nip == bindparam("value"))
        .options(joinedload(User.role_rows)),
        "throttle": select(LoginThrottle).where(
            LoginThrottle.key_hash == bindparam("key"), LoginThrottle.ip == bindparam("ip")
        ),
    }


def find_by_identifier(identifier: str) -> User | None:
    """The person whose NIP or email is ``identifier``."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        statement, value = _statements()["email"], identifier.lower()
    else:
        statement, value = _statements()["nip"], clean_nip(identifier)
    return db.session.execute(statement, {"value": value}).unique().scalar_one_or_none()


def identifier_key(identifier: str) -> str:
    """A hash of what was typed, normalised as :func:`find_by_identifier` reads it."""
    identifier = (identifier or "").strip()
    normal = identifier.lower() if "@" in identifier else (clean_nip(identifier) or identifier)
    return hashlib.sha256(f"login:{normal}".encode()).hexdigest()


def _throttle_of(key: str, ip: str) -> LoginThrottle | None:
    return db.session.scalar(_statements()["throttle"], {"key": key, "ip": ip})


def _count_failure(key: str, ip: str, now: datetime) -> None:
    """One more failure for (identifier, address); past the free ones, a doubling wait."""
    config = current_app.config
    throttle = _throttle_of(key, ip)
    if throttle is None:
        throttle = LoginThrottle(key_hash=key, ip=ip, failures=0)
        db.session.add(throttle)
    elif throttle.last_failure_at < now - timedelta(days=1):
        throttle.failures = 0  # yesterday's typos are forgiven
    throttle.failures += 1
    throttle.last_failure_at = now
    over = throttle.failures - config["LOGIN_FREE_FAILURES"]
    if over >= 0:
        minutes = min(2**over, config["LOGIN_MAX_DELAY_MINUTES"])
        throttle.blocked_until = now + timedelta(minutes=minutes)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same first failure from a parallel request: count on that row
        _count_failure(key, ip, now)


def authenticate(identifier: str, password: str, now: datetime, ip: str | None) -> LoginResult:
    """Check a sign-in. Failures slow down that identifier from that address only.

    A known and an unknown identifier get the same message and cost the same password check, so
    neither the answer nor its time tells whether an account exists.
    """
    generic = _("NIP/email atau kata sandi salah.")
    key, ip = identifier_key(identifier), ip or "-"
    throttle = _throttle_of(key, ip)
    if throttle and throttle.blocked_until and throttle.blocked_until > now:
        minutes = int((throttle.blocked_until - now).total_seconds() // 60) + 1
        return LoginResult(
            None,
            _(
                "Terlalu banyak percobaan masuk yang gagal. Silakan coba lagi dalam %(m)d menit.",
                m=minutes,
            ),
        )
    user = find_by_identifier(identifier)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    if not verify_password(stored, password) or stored is _DUMMY_HASH:
        _count_failure(key, ip, now)
        return LoginResult(None, generic, user.id if user else None)
    if not user.active:
        return LoginResult(
            None, _("Akun Anda tidak aktif. Silakan hubungi admin kepegawaian unit Anda."), user.id
        )
    if needs_rehash(stored):  # a hash from before Argon2id (or weaker): the password is known now
        user.password_hash = hash_password(password)
    if throttle is not None:
        db.session.delete(throttle)
    db.session.flush()
    return LoginResult(user)


def unlock(user: User) -> int:
    """Lift every sign-in delay on ``user``'s NIP and email, from every address (admin, HR)."""
    keys = [identifier_key(v) for v in (user.nip, user.email) if v]
    removed = db.session.execute(
        delete(LoginThrottle)
        .where(LoginThrottle.key_hash.in_(keys))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return removed


def delayed_addresses(user: User, now: datetime) -> int:
    """How many addresses must wait before trying ``user``'s NIP or email again."""
    keys = [identifier_key(v) for v in (user.nip, user.email) if v]
    return db.session.scalar(
        select(func.count(LoginThrottle.id)).where(
            LoginThrottle.key_hash.in_(keys), LoginThrottle.blocked_until > now
        )
    )


def password_login_allowed(user: User | None) -> bool:
    """Whether LMS_PASSWORD_LOGIN lets ``user`` sign in with a password."""
    mode = current_app.config["PASSWORD_LOGIN"]
    if mode == "all":
        return True
    return mode == "admins" and user is not None and user.has_role(Role.ADMIN)


def password_problem(password: str, user: User | None = None) -> str | None:
    """Why ``password`` is too weak, or None when it is strong enough.

    Besides length and mixing letters with digits, zxcvbn estimates how many guesses the password
    takes against its lists of leaked passwords (30,000), names and words, plus our own context
    words and the person's own NIP, email and name.
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Kata sandi minimal %(n)d karakter.", n=minimum)
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return _("Kata sandi harus memuat huruf dan angka.")
    lowered = password.lower()
    personal: list[str] = []
    if user is not None:
        personal = [user.nip or "", (user.email or "").split("@")[0]]
        personal += [part for part in user.full_name.lower().split() if len(part) >= 4]
        if any(p and p.lower() in lowered for p in personal):
            return _("Kata sandi tidak boleh memuat NIP, email, atau nama Anda.")
    # zxcvbn's cost grows with length; past 100 characters a password is long enough anyway.
    verdict = zxcvbn(password[:100], user_inputs=CONTEXT_WORDS + [p for p in personal if p])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        return _(
            "Kata sandi ini terlalu mudah ditebak (mirip kata sandi yang sering dipakai atau "
            "pernah bocor). Gunakan gabungan beberapa kata yang tidak berhubungan, angka, dan "
            "tanda baca."
        )
    return None


def change_password(user: User, current: str, new: str) -> None:
    """Change the person's own password after checking the current one."""
    if not user.check_password(current):
        raise AccountError(_("Kata sandi saat ini salah."))
    problem = password_problem(new, user)
    if problem:
        raise AccountError(problem)
    if user.check_password(new):
        raise AccountError(_("Kata sandi baru harus berbeda dari yang lama."))
    user.set_password(new)
    user.must_change_password = False
    end_all_sessions(user, keep_current=True)


def generate_password(length: int = 14) -> str:
    """A random password that passes :func:`password_problem`, without look-alike characters."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def reset_password(user: User) -> str:
    """Give ``user`` a temporary password (returned once) to change at the next login."""
    temporary = generate_password()
    user.set_password(temporary)
    user.must_change_password = True
    end_all_sessions(user)
    unlock(user)
    return temporary


def email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == email.strip().lower())
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def nip_taken(nip: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.nip == nip)
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def create_user(
    *,
    full_name: str,
    email: str | None = None,
    nip: str | None = None,
    password: str | None = None,
    roles: set[str] | None = None,
    **fields,
) -> User:
    """Create an account; without a password the person cannot log in until one is reset."""
    email = email.strip().lower() if email else None
    if email and email_taken(email):
        raise AccountError(_("Email %(email)s sudah dipakai akun lain.", email=email))
    if nip and nip_taken(nip):
        raise AccountError(_("NIP %(nip)s sudah terdaftar.", nip=nip))
    user = User(full_name=full_name.strip(), email=email, nip=nip or None, **fields)
    user.set_roles(roles or {Role.LEARNER})
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account; a deactivated person is logged out everywhere."""
    if active:
        user.deactivated_at = None
    elif user.active or user.deactivated_at is None:
        user.deactivated_at = utcnow()
    user.active = active
    if not active:
        user.session_version += 1
    db.session.flush()


def search_users(text: str = "", unit_ids: list[int] | None = None, active: bool | None = None):
    """A select of people matching a NIP, name or email fragment."""
    query = select(User)
    text = (text or "").strip()
    if text:
        like = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(User.full_name).like(like),
                User.email.like(like),
                User.nip.like(f"{clean_nip(text) or text}%"),
            )
        )
    if unit_ids is not None:
        query = query.where(User.unit_id.in_(unit_ids))
    if active is not None:
        query = query.where(User.active.is_(active))
    return query.options(joinedload(User.unit)).order_by(User.full_name, User.id)
