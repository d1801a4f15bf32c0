"""Verbs on correction requests: ask, accept, refuse; and the queue HR works through.

A request is checked when it is made and again when it is accepted (the email may have been
taken, or the unit removed, in between), by the same rules as HR's own account form.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import Role, User, UserRole
from lms.accounts.services import email_taken
from lms.audit.services import record
from lms.corrections.models import CorrectionRequest
from lms.extensions import db
from lms.forms import EMAIL_RE
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.reminders.rules import Due
from lms.reminders.services import record as queue_notifications
from lms.signals import people_placed

#: The fields a person may ask to correct, with their labels. NIP, employment and rank come
#: from the personnel system (SIASN/SIMPEG) and are corrected there.
FIELDS = {
    "full_name": _l("Nama lengkap"),
    "position": _l("Jabatan"),
    "unit": _l("Unit kerja"),
    "email": _l("Email"),
}
MAX_LENGTH = {"full_name": 200, "position": 200, "email": 254}
ACCEPTED = "accepted"
REFUSED = "refused"
#: Notification rule and category: "account" is always emailed (nobody can mute it).
RULE = "correction"
CATEGORY = "account"
_LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


class CorrectionError(ValueError):
    """A correction that cannot be made; the message says why, for people."""


def current_value(user: User, field: str) -> str | None:
    """What ``field`` holds today, as text."""
    if field == "unit":
        return user.unit.name if user.unit else None
    return getattr(user, field)


def check_value(user: User, field: str, value: str, unit_id: int | None = None) -> str:
    """``value`` cleaned as the account form cleans it; CorrectionError when it is not valid."""
    if field not in FIELDS:
        raise CorrectionError(_("Kolom ini tidak dapat diajukan untuk diperbaiki."))
    if field == "unit":
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None:
            raise CorrectionError(_("Unit kerja tersebut tidak ada lagi."))
        return unit.name
    value = (value or "").strip()
    if not value:
        raise CorrectionError(_("Kolom ini wajib diisi."))
    if _LINE_BREAK.search(value):
        raise CorrectionError(_("Isian ini harus satu baris, tanpa ganti baris."))
    if len(value) > MAX_LENGTH[field]:
        raise CorrectionError(_("Paling banyak %(max)d karakter.", max=MAX_LENGTH[field]))
    if field == "email":
        value = value.lower()
        if not EMAIL_RE.match(value):
            raise CorrectionError(_("Alamat email tidak valid."))
        if email_taken(value, user.id):
            raise CorrectionError(_("Email ini sudah dipakai akun lain."))
    return value


def pending_for(user: User, field: str) -> CorrectionRequest | None:
    """The person's request about ``field`` still waiting for a decision, if any."""
    return db.session.scalar(
        select(CorrectionRequest).where(
            CorrectionRequest.user_id == user.id,
            CorrectionRequest.field == field,
            CorrectionRequest.decided_at.is_(None),
        )
    )


def ask(
    user: User,
    field: str,
    value: str,
    note: str,
    now: datetime,
    *,
    unit_id: int | None = None,
    ip: str | None = None,
) -> CorrectionRequest:
    """Record ``user``'s request to set ``field`` to ``value``; audited (without the value)."""
    cleaned = check_value(user, field, value, unit_id)
    if pending_for(user, field) is not None:
        raise CorrectionError(
            _("Permintaan perbaikan untuk kolom ini masih menunggu keputusan pengelola.")
        )
    request = CorrectionRequest(
        user_id=user.id,
        field=field,
        value=cleaned,
        unit_id=unit_id if field == "unit" else None,
        old_value=current_value(user, field),
        note=(note or "").strip(),
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    record(user, "correction.request", f"user:{user.id}", now=now, ip=ip,
           request=request.id, field=field)  # fmt: skip
    return request


def accept(request: CorrectionRequest, by: User, now: datetime, *, ip: str | None = None) -> None:
    """Apply the correction to the person's account and tell them; flushes."""
    _check_open(request)
    user = request.user
    cleaned = check_value(user, request.field, request.value, request.unit_id)
    if request.field == "unit":
        user.unit_id = request.unit_id
    else:
        setattr(user, request.field, cleaned)
    request.decided_at, request.decided_by_id, request.outcome = now, by.id, ACCEPTED
    db.session.flush()
    if request.field == "unit":
        # A person who moved takes on the assignments of their new unit, as after HR's form.
        people_placed.send(None, user_ids=[user.id], now=now)
    record(by, "correction.accept", f"user:{user.id}", now=now, ip=ip,
           request=request.id, field=request.field)  # fmt: skip
    _notify(request, now)


def refuse(
    request: CorrectionRequest, by: User, reason: str, now: datetime, *, ip: str | None = None
) -> None:
    """Close the request without changing the account, with the reason; tell the person."""
    _check_open(request)
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_("Tuliskan alasan penolakan; alasan ini dikirim kepada pegawai."))
    request.decided_at, request.decided_by_id, request.outcome = now, by.id, REFUSED
    request.reason = reason
    db.session.flush()
    record(by, "correction.refuse", f"user:{request.user_id}", now=now, ip=ip,
           request=request.id, field=request.field)  # fmt: skip
    _notify(request, now)


def _check_open(request: CorrectionRequest) -> None:
    if request.decided_at is not None:
        raise CorrectionError(_("Permintaan ini sudah diputuskan sebelumnya."))


def _notify(request: CorrectionRequest, now: datetime) -> None:
    """An in-app notification, and its email through the outbox (in Indonesian)."""
    with force_locale("id"):
        label = str(FIELDS[request.field])
        if request.outcome == ACCEPTED:
            title = _("Perbaikan data Anda diterima: %(field)s", field=label)
            body = _(
                "Pengelola kepegawaian telah memperbaiki %(field)s Anda menjadi “%(value)s”.",
                field=label.lower(),
                value=request.value,
            )
        else:
            title = _("Permintaan perbaikan data Anda ditolak: %(field)s", field=label)
            body = _(
                "Pengelola kepegawaian menolak permintaan perbaikan %(field)s Anda. "
                "Alasannya: %(reason)s",
                field=label.lower(),
                reason=request.reason,
            )
    due = Due(
        user_id=request.user_id,
        key=f"{RULE}:{request.id}",
        category=CATEGORY,
        rule=RULE,
        title=title,
        body=body,
        url="/account/corrections",
    )
    queue_notifications([due], now)


def requests_of(user: User) -> list[CorrectionRequest]:
    """A person's own requests, newest first."""
    return list(
        db.session.scalars(
            select(CorrectionRequest)
            .where(CorrectionRequest.user_id == user.id)
            .order_by(CorrectionRequest.created_at.desc(), CorrectionRequest.id.desc())
        )
    )


def queue(officer: User, *, decided: bool = False) -> Select:
    """The requests ``officer`` may decide: waiting ones (oldest first) or decided ones.

    An admin sees everyone's; HR only those of people it may manage (rule "users.manage":
    not a fellow HR officer's, not an admin's).
    """
    query = select(CorrectionRequest).options(
        joinedload(CorrectionRequest.user).joinedload(User.unit),
        joinedload(CorrectionRequest.decided_by),
    )
    if decided:
        query = query.where(CorrectionRequest.decided_at.is_not(None)).order_by(
            CorrectionRequest.decided_at.desc(), CorrectionRequest.id.desc()
        )
    else:
        query = query.where(CorrectionRequest.decided_at.is_(None)).order_by(
            CorrectionRequest.created_at, CorrectionRequest.id
        )
    if not officer.has_role(Role.ADMIN):
        staff = exists().where(
            UserRole.user_id == CorrectionRequest.user_id,
            UserRole.role.in_([Role.HR.value, Role.ADMIN.value]),
        )
        query = query.where(~staff)
    return query
