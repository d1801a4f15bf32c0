"""Password hashes: Argon2id at OWASP's recommended strength; older werkzeug hashes still verify.

OWASP's Password Storage Cheat Sheet asks for Argon2id with at least 19 MiB of memory, 2 passes
and 1 lane (or an equivalent trade, e.g. 46 MiB and 1 pass). Measured on this 2-core machine
(``bench/bench_password_hash.py``), one check costs about 25-30 ms of CPU at these parameters,
against about 105 ms for the werkzeug scrypt hashes (N=2^15, r=8, p=1) that Sinau wrote before:
sign-in was the capacity limit (issue 16). One lane, because a second would only take the other
core from the pages being served at the same time.

A hash written before (``scrypt:...``, ``pbkdf2:...``) still verifies, and :func:`needs_rehash`
says so: the sign-in that proves the password replaces it with Argon2id. Raising the parameters
below re-hashes every account the same way, one sign-in at a time.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

#: OWASP's floor for Argon2id: m = 19 MiB, t = 2, p = 1.
MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

_hasher = PasswordHasher(
    time_cost=TIME_COST,
    memory_cost=MEMORY_KIB,
    parallelism=PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)
_ARGON2ID = "$argon2id$"


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` with a fresh salt, in the PHC string format."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored``, an Argon2 hash or an older werkzeug one."""
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # neither Argon2 nor a method werkzeug knows
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` is an older kind of hash, or Argon2id weaker than the parameters above."""
    return not stored.startswith(_ARGON2ID) or _hasher.check_needs_rehash(stored)
