"""What one password check costs: werkzeug scrypt (before) against Argon2id parameter sets.

Prints, for each, the median and minimum of the CPU time of one check in this process (what a
sign-in takes from the machine, even when other work shares the cores) and the wall time beside
it, plus the memory each check holds. Sinau uses OWASP's first Argon2id line, m=19 MiB, t=2, p=1
(lms/accounts/passwords.py); the other lines are OWASP's equivalents and RFC 9106's defaults.

    python bench/bench_password_hash.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Kopi-Tubruk-Pagi-2026"  # noqa: S105 - a benchmark password
#: (label, memory KiB, passes, lanes)
ARGON2 = [
    ("argon2id m=19 MiB t=2 p=1 (Sinau, OWASP)", 19 * 1024, 2, 1),
    ("argon2id m=46 MiB t=1 p=1 (OWASP)", 46 * 1024, 1, 1),
    ("argon2id m=12 MiB t=3 p=1 (OWASP)", 12 * 1024, 3, 1),
    ("argon2id m=64 MiB t=3 p=4 (RFC 9106 low memory)", 64 * 1024, 3, 4),
]


def measure(check, rounds: int) -> tuple[float, float, float]:
    """Median CPU ms, min CPU ms, median wall ms of ``check()``."""
    check()  # warm up
    cpu, wall = [], []
    for _ in range(rounds):
        c, w = time.process_time(), time.perf_counter()
        assert check()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return statistics.median(cpu), min(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    from argon2 import PasswordHasher
    from werkzeug.security import check_password_hash, generate_password_hash

    from lms.accounts.passwords import hash_password, verify_password

    rows = []
    legacy = generate_password_hash(PASSWORD, method="scrypt")
    rows.append(("werkzeug scrypt N=2^15 r=8 p=1 (before)", 32, measure(
        lambda: check_password_hash(legacy, PASSWORD), args.rounds
    )))  # fmt: skip
    ours = hash_password(PASSWORD)
    rows.append(("lms.accounts.passwords (as deployed)", 19, measure(
        lambda: verify_password(ours, PASSWORD), args.rounds
    )))  # fmt: skip
    for label, memory, passes, lanes in ARGON2:
        hasher = PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes)
        stored = hasher.hash(PASSWORD)
        rows.append((label, memory // 1024, measure(
            lambda h=hasher, s=stored: h.verify(s, PASSWORD), args.rounds
        )))  # fmt: skip

    print(f"{'hash':50} {'MiB':>4} {'cpu p50':>8} {'cpu min':>8} {'wall p50':>9}  (ms)")
    for label, mib, (cpu50, cpumin, wall50) in rows:
        print(f"{label:50} {mib:>4} {cpu50:>8.1f} {cpumin:>8.1f} {wall50:>9.1f}")


if __name__ == "__main__":
    main()
