"""The person's profile, roles and sign-ins, for "Data saya"."""

from __future__ import annotations

from sqlalchemy import delete, select

from lms.accounts.models import Role, User, UserRole, UserSession
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import ERASED_NAME, Subject, fields, personal_data


@personal_data(
    "accounts",
    _l("Profil, peran dan riwayat masuk"),
    tables=[User, UserRole, UserSession],
    labels={
        "profile": _l("Profil"),
        "roles": _l("Peran"),
        "sessions": _l("Riwayat masuk"),
        "full_name": _l("Nama lengkap"),
        "nip": _l("NIP"),
        "email": _l("Email"),
        "employment": _l("Status kepegawaian"),
        "contract_start": _l("Awal kontrak PPPK"),
        "position": _l("Jabatan"),
        "position_type": _l("Jenis jabatan"),
        "rank": _l("Golongan/ruang"),
        "unit": _l("Unit kerja"),
        "active": _l("Aktif"),
        "locale": _l("Bahasa"),
        "last_login_at": _l("Terakhir masuk"),
        "activated_at": _l("Diaktifkan"),
        "privacy_version": _l("Versi pemberitahuan privasi yang telah dibaca"),
        "privacy_seen_at": _l("Waktu membaca pemberitahuan privasi"),
        "created_at": _l("Dibuat"),
        "updated_at": _l("Terakhir diubah"),
        "method": _l("Cara masuk"),
        "ended_at": _l("Berakhir"),
        "ip": _l("Alamat"),
        "user_agent": _l("Peramban"),
    },
)
def export_account(user: User) -> dict:
    """Profile, roles and every sign-in (never the password hash or session keys)."""
    profile = fields(
        user,
        "id",
        "full_name",
        "nip",
        "email",
        "employment",
        "contract_start",
        "position",
        "position_type",
        "rank",
        "active",
        "locale",
        "must_change_password",
        "last_login_at",
        "activated_at",
        "privacy_version",
        "privacy_seen_at",
        "created_at",
        "updated_at",
    )
    profile["unit"] = user.unit.name if user.unit else None
    profile["has_password"] = bool(user.password_hash)
    sessions = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.created_at, UserSession.id)
    )
    return {
        "profile": profile,
        "roles": sorted(user.roles),
        "sessions": [
            fields(s, "created_at", "ended_at", "method", "remember", "ip", "user_agent")
            for s in sessions
        ],
    }


@export_account.eraser
def erase_account(subject: Subject) -> dict:
    """Name, NIP, email, position, password and sign-ins go; unit, rank, position type and
    employment stay, so the person still counts in the figures of their unit. The account
    keeps its ``active`` flag (report totals count active people) but can never sign in again:
    it has no identifier, no password and, after the SSO eraser, no linked identity."""
    user = subject.user
    sessions = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.full_name = ERASED_NAME
    user.nip = None
    user.email = None
    user.position = None
    user.password_hash = None
    user.must_change_password = False
    user.locale = None
    user.session_version += 1
    user.set_roles({Role.LEARNER.value})
    user.erased_at = subject.now
    db.session.flush()
    return {"profile": 1, "sessions": sessions.rowcount}
