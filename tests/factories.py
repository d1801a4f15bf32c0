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


def make_program(name: str | None = None, **fields):
    from lms.actions.models import Program

    program = Program(name=name or f"Program Uji {next(_seq)}", **fields)
    db.session.add(program)
    db.session.flush()
    return program


def make_item(unit: Unit, owner: User, program=None, actor: User | None = None, **fields):
    """An action item of ``unit`` owned by ``owner``, due in a month unless told otherwise."""
    from datetime import timedelta

    from lms.actions.services import create_item
    from lms.i18n import utcnow, wib_today

    now = fields.pop("now", None) or utcnow()
    fields.setdefault("title", f"Aksi Uji {next(_seq)}")
    fields.setdefault("due_date", wib_today(now) + timedelta(days=30))
    return create_item(unit, program or make_program(), actor, now, owner=owner, **fields)
