"""Time a sign-in for an existing account and for an unknown one, side by side.

A wrong password for a real account and any password for an unknown identifier must answer in
comparable time, or the time alone tells whether a NIP has an account. Through the Flask test
client (the full view: form, throttle bookkeeping, audit, template) on a fresh SQLite database,
each case alternates with the others, from a new address each time so no delay kicks in:

- existing account, wrong password
- unknown NIP
- existing account without a password yet (imported, not activated)
- existing account, right password (a full sign-in, for scale)

and the same for "Lupa kata sandi" (POST /forgot): an existing account with an email, an unknown
NIP, an account without an email.

Prints the median, min and max of each in milliseconds and the ratios unknown / existing.

    python bench/bench_login.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from lms import create_app
    from lms.accounts.services import create_user
    from lms.config import testing_config
    from lms.extensions import db

    folder = tempfile.mkdtemp(prefix="sinau-bench-login-")
    config = testing_config(f"sqlite:///{folder}/login.sqlite", folder)
    config.update(WTF_CSRF_ENABLED=False, TESTING=False, RATELIMIT_ENABLED=False)
    app = create_app(config)
    password = "Kopi-Tubruk-Pagi-2026"  # noqa: S105 - a benchmark account
    with app.app_context():
        upgrade()
        create_user(full_name="Rina", nip="199003152015032002", password=password)
        create_user(full_name="Budi", nip="198807122010011004")  # imported: no password
        create_user(full_name="Sari", nip="199205182019032001", email="sari@bench.test")
        db.session.commit()

    cases = {
        "existing, wrong password": ("199003152015032002", "salah-sekali-123"),
        "unknown NIP": ("197501012000031001", "salah-sekali-123"),
        "existing, no password yet": ("198807122010011004", "salah-sekali-123"),
        "existing, right password": ("199003152015032002", password),
    }
    forgot = {
        "forgot: existing with email": "199205182019032001",
        "forgot: unknown NIP": "197501012000031001",
        "forgot: existing, no email": "198807122010011004",
    }
    times: dict[str, list[float]] = {name: [] for name in [*cases, *forgot]}
    client = app.test_client()
    address = 0
    for _ in range(args.rounds + 1):  # the first round warms up and is not counted
        for name, (identifier, secret) in cases.items():
            address += 1
            environ = {
                "REMOTE_ADDR": f"10.{address // 65536}.{address // 256 % 256}.{address % 256}"
            }
            started = time.perf_counter()
            response = client.post(
                "/login",
                data={"identifier": identifier, "password": secret},
                environ_base=environ,
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code in (200, 302), response.status_code
            client.post("/logout", environ_base=environ)
            times[name].append(elapsed)
        for name, identifier in forgot.items():
            address += 1
            environ = {
                "REMOTE_ADDR": f"10.{address // 65536}.{address // 256 % 256}.{address % 256}"
            }
            started = time.perf_counter()
            response = client.post("/forgot", data={"identifier": identifier}, environ_base=environ)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    for name, values in times.items():
        counted = values[1:]
        print(
            f"{name:28} median {statistics.median(counted):7.1f} ms"
            f"  min {min(counted):7.1f}  max {max(counted):7.1f}  (n={len(counted)})"
        )
    for unknown, existing in [
        ("unknown NIP", "existing, wrong password"),
        ("forgot: unknown NIP", "forgot: existing with email"),
    ]:
        ratio = statistics.median(times[unknown][1:]) / statistics.median(times[existing][1:])
        print(f"{unknown} / {existing}, medians: {ratio:.2f}")


if __name__ == "__main__":
    main()
