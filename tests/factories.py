"""Plain factory functions with sensible defaults; override any field by keyword."""

from __future__ import annotations

import functools
import itertools

from lms.accounts.models import User
from lms.accounts.services import create_user
from lms.extensions import db
from lms.org.models import Unit
from lms.org.services import create_unit

PASSWORD = "Belajar-AI-2025"
_seq = itertools.count(1)


def valid_nip(n: int | None = None, gender: int = 1) -> str:
    """A structurally valid PNS NIP, different for each ``n``."""
    n = next(_seq) if n is None else n
    return f"1985{(n % 12) + 1:02d}{(n % 28) + 1:02d}201001{gender}{n % 1000:03d}"


def make_unit(name: str | None = None, parent: Unit | None = None, **fields) -> Unit:
    n = next(_seq)
    return create_unit(name or f"Unit Uji {n}", parent, **fields)


def make_user(
    unit: Unit | None = None, roles=("learner",), password: str = PASSWORD, **fields
) -> User:
    n = next(_seq)
    fields.setdefault("full_name", f"Pegawai Uji {n}")
    fields.setdefault("email", f"pegawai{n}@uji.test")
    fields.setdefault("nip", valid_nip(n))
    user = create_user(roles=set(roles), unit=unit, **fields)
    # scrypt is slow on purpose; hash the shared test password once per session.
    user.password_hash = _hash(password)
    db.session.flush()
    return user


@functools.cache
def _hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method="scrypt")
