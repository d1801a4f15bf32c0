"""Verbs of single sign-on: find the Sinau account behind a provider's claims, link it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.accounts.nip import NipError, clean_nip, validate_nip
from lms.accounts.services import create_user
from lms.audit.services import record
from lms.extensions import db
from lms.sso.models import SsoIdentity

#: Why a sign-in was refused, as written to the audit log (``details.reason``).
UNKNOWN = "unknown_person"
MISMATCH = "nip_mismatch"
INACTIVE = "inactive"


@dataclass(frozen=True)
class Claims:
    """What the provider says about the person, already checked (signature, nonce, issuer)."""

    issuer: str
    subject: str
    nip: str | None = None
    email: str | None = None
    email_verified: bool = False
    name: str | None = None

    @classmethod
    def from_provider(cls, issuer: str, claims: dict[str, Any], nip_claim: str) -> Claims:
        """Read the claims Sinau uses; an email counts as verified only if the provider says so."""
        nip = clean_nip(str(claims.get(nip_claim) or "")) or None
        email = str(claims.get("email") or "").strip().lower() or None
        verified = claims.get("email_verified") in (True, "true")
        name = str(claims.get("name") or "").strip() or None
        return cls(issuer, str(claims["sub"]), nip, email, verified, name)


@dataclass(frozen=True)
class SignIn:
    """The outcome: a user to sign in, or the reason there is none."""

    #: Set when refused only if the account exists (inactive), so the audit can name it.
    user: User | None
    refused: str | None = None
    #: How the account was found: "subject", "nip", "email" or "created".
    matched_by: str | None = None


def identity_of(issuer: str, subject: str) -> SsoIdentity | None:
    """The link made at an earlier sign-in, if any."""
    return db.session.scalar(
        select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.subject == subject)
    )


def _find(claims: Claims) -> tuple[User | None, str | None, str | None]:
    """(user, matched_by, refusal) for claims with no link yet: NIP first, then verified email."""
    if claims.nip:
        user = db.session.scalar(select(User).where(User.nip == claims.nip))
        if user is not None:
            return user, "nip", None
    if claims.email and claims.email_verified:
        user = db.session.scalar(select(User).where(User.email == claims.email))
        if user is not None:
            if claims.nip and user.nip and user.nip != claims.nip:
                # The same mailbox, another NIP: linking would hand one ASN another's account.
                return None, None, MISMATCH
            return user, "email", None
    return None, None, None


def _create_unplaced(claims: Claims) -> User:
    """A learner account with no unit yet, from the claims; HR places the person later."""
    try:
        nip = validate_nip(claims.nip) if claims.nip else None
    except NipError:
        nip = None
    return create_user(
        full_name=claims.name or claims.email or "Pegawai SSO",
        nip=nip,
        email=claims.email if claims.email_verified else None,
        roles={Role.LEARNER.value},
        unit_id=None,
    )


def sign_in(claims: Claims, now: datetime, *, create: bool, ip: str | None = None) -> SignIn:
    """Find (or, with ``create``, make) the account for ``claims`` and link the identity.

    A linked subject wins over everything; then NIP, then a verified email. A deactivated
    person is refused. A new link is audited as "account.sso_link". Flushes; the caller commits.
    """
    identity = identity_of(claims.issuer, claims.subject)
    matched_by = "subject"
    if identity is not None:
        user = db.session.get(User, identity.user_id)
    else:
        user, matched_by, refusal = _find(claims)
        if refusal:
            return SignIn(None, refusal)
        if user is None:
            if not create:
                return SignIn(None, UNKNOWN)
            user, matched_by = _create_unplaced(claims), "created"
    if not user.active:
        return SignIn(user, INACTIVE)
    if identity is None:
        identity = SsoIdentity(
            issuer=claims.issuer, subject=claims.subject, user_id=user.id, created_at=now
        )
        db.session.add(identity)
        record(
            user,
            "account.sso_link",
            f"user:{user.id}",
            now=now,
            ip=ip,
            issuer=claims.issuer,
            matched_by=matched_by,
        )
    identity.last_login_at = now
    db.session.flush()
    return SignIn(user, None, matched_by)
