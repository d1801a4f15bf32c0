"""What one password check costs: werkzeug scrypt (before) against Argon2id parameter sets.

Prints, for each, the median and minimum of the CPU time of one check in this process (what a
sign-in takes from the machine, even when other work shares the cores) and the wall time beside
it, plus the memory each check holds. The Argon2id lines are OWASP's five equal floors (one lane)
and RFC 9106's low-memory default; Sinau uses the cheapest floor here (lms/accounts/passwords.py:
m=7 MiB, t=5). The lines are checked in turn, round after round, so a change in the machine's
load falls on all of them alike.

    python bench/bench_password_hash.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Kopi-Tubruk-Pagi-2026"  # noqa: S105 - a benchmark password
#: (label, memory KiB, passes, lanes)
ARGON2 = [
    *(
        (f"argon2id m={m // 1024} MiB t={t} p=1 (OWASP)", m, t, 1)
        for m, t in ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))
    ),
    ("argon2id m=64 MiB t=3 p=4 (RFC 9106 low memory)", 64 * 1024, 3, 4),
]


def measure_all(checks: list, rounds: int) -> list[tuple[float, float, float]]:
    """Median CPU ms, min CPU ms, median wall ms of each ``check()``, taken in turn."""
    cpu: list[list[float]] = [[] for _ in checks]
    wall: list[list[float]] = [[] for _ in checks]
    for check in checks:
        check()  # warm up
    for _ in range(rounds):
        for i, check in enumerate(checks):
            c, w = time.process_time(), time.perf_counter()
            assert check()
            cpu[i].append((time.process_time() - c) * 1000)
            wall[i].append((time.perf_counter() - w) * 1000)
    return [
        (statistics.median(c), min(c), statistics.median(w)) for c, w in zip(cpu, wall, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    from argon2 import PasswordHasher
    from werkzeug.security import check_password_hash, generate_password_hash

    from lms.accounts.passwords import MEMORY_KIB, hash_password, verify_password

    legacy = generate_password_hash(PASSWORD, method="scrypt")
    ours = hash_password(PASSWORD)
    lines = [
        ("werkzeug scrypt N=2^15 r=8 p=1 (before)", 32,
         lambda: check_password_hash(legacy, PASSWORD)),
        ("lms.accounts.passwords (as deployed)", MEMORY_KIB // 1024,
         lambda: verify_password(ours, PASSWORD)),
    ]  # fmt: skip
    for label, memory, passes, lanes in ARGON2:
        hasher = PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes)
        stored = hasher.hash(PASSWORD)
        lines.append((label, memory // 1024, lambda h=hasher, s=stored: h.verify(s, PASSWORD)))
    figures = measure_all([check for _label, _mib, check in lines], args.rounds)
    rows = [(label, mib, got) for (label, mib, _c), got in zip(lines, figures, strict=True)]
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'hash':50} {'MiB':>4} {'cpu p50':>8} {'cpu min':>8} {'wall p50':>9}  (ms)")
    for label, mib, (cpu50, cpumin, wall50) in rows:
        print(f"{label:50} {mib:>4} {cpu50:>8.1f} {cpumin:>8.1f} {wall50:>9.1f}")


if __name__ == "__main__":
    main()
