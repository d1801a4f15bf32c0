"""Password hashes: Argon2id at OWASP's recommended strength; older werkzeug hashes still verify.

OWASP's Password Storage Cheat Sheet lists five Argon2id settings of equal strength, each at its
floor: m=47104 (46 MiB) t=1, m=19456 (19 MiB) t=2, m=12288 (12 MiB) t=3, m=9216 (9 MiB) t=4 and
m=7168 (7 MiB) t=5, all with 1 lane. Sinau uses the last: measured on this 2-core machine
(``bench/bench_password_hash.py``, the five checked in turn, 2026-11-30), one check costs about
21-27 ms of CPU there against 24-34 ms at 19 MiB t=2 and 61-69 ms at 46 MiB t=1 (filling fresh
memory costs more than another pass over memory already in the cache), and against about 105 ms
for the werkzeug scrypt hashes (N=2^15, r=8, p=1) that Sinau wrote before: sign-in was the
capacity limit (issue 16). One lane, because a second would only take the other core from the
pages being served at the same time; 7 MiB per check also keeps eight sign-ins at once (two
workers of four threads) within 56 MiB.

A hash written before (``scrypt:...``, ``pbkdf2:...``, or Argon2id with other parameters, such
as the 19 MiB t=2 Sinau used first) still verifies, and :func:`needs_rehash` says so: the sign-in
that proves the password replaces it. Changing the parameters below re-hashes every account the
same way, one sign-in at a time.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

#: One of OWASP's equal floors for Argon2id, the cheapest here: m = 7 MiB, t = 5, p = 1.
MEMORY_KIB = 7 * 1024
TIME_COST = 5
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
    """Whether ``stored`` is an older kind of hash, or Argon2id with other parameters than above."""
    return not stored.startswith(_ARGON2ID) or _hasher.check_needs_rehash(stored)
