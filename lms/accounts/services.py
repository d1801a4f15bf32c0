"""Verbs on accounts: authenticate, create, change and reset passwords, deactivate."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import Role, User
from lms.accounts.nip import clean_nip
from lms.extensions import db
from lms.i18n import gettext as _

COMMON_PASSWORDS = {
    "password123", "passw0rd123", "qwerty12345", "1234567890", "12345678910", "sinau12345",
    "jatim12345", "indonesia1945", "bismillah123", "admin12345", "rahasia123", "jawatimur2025",
}  # fmt: skip


class AccountError(ValueError):
    """A change to an account that cannot be made; the message is for the person."""


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None


def find_by_identifier(identifier: str) -> User | None:
    """The person whose NIP or email is ``identifier``."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == identifier.lower()))
    return db.session.scalar(select(User).where(User.nip == clean_nip(identifier)))


def authenticate(identifier: str, password: str, now: datetime) -> LoginResult:
    """Check a login; count failures and lock the account for a while after too many."""
    generic = _("NIP/email atau kata sandi salah.")
    user = find_by_identifier(identifier)
    if user is None or not user.password_hash:
        return LoginResult(None, generic)
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        return LoginResult(
            None,
            _(
                "Terlalu banyak percobaan masuk yang gagal. Silakan coba lagi dalam %(m)d menit.",
                m=minutes,
            ),
        )
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
        db.session.flush()
        return LoginResult(None, generic)
    if not user.active:
        return LoginResult(
            None, _("Akun Anda tidak aktif. Silakan hubungi admin kepegawaian unit Anda.")
        )
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return LoginResult(user)


def password_problem(password: str, user: User | None = None) -> str | None:
    """Why ``password`` is too weak, or None when it is strong enough."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Kata sandi minimal %(n)d karakter.", n=minimum)
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return _("Kata sandi harus memuat huruf dan angka.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("Kata sandi ini terlalu mudah ditebak. Silakan pilih yang lain.")
    if user is not None:
        personal = [user.nip or "", (user.email or "").split("@")[0]]
        personal += [part for part in user.full_name.lower().split() if len(part) >= 4]
        if any(p and p.lower() in lowered for p in personal):
            return _("Kata sandi tidak boleh memuat NIP, email, atau nama Anda.")
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
    user.session_version += 1
    db.session.flush()


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
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
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
