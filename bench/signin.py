"""The sign-in set-up the web benchmarks share (bench_web, bench_signin_rush, bench_request_cost).

Each starts from an empty database whose accounts share one password, runs Sinau as production
does (``LMS_ENV=production``: the settings wsgi.py reads from the environment), and signs in as
a browser does: GET /login for the CSRF token, then POST /login with the right password.

Only the standard library is imported at the top, so bench/web_load.py (run by the load
generator's own venv, without Sinau's dependencies) can take :data:`CSRF` from here too; Sinau's
modules are imported where they are used, after the scripts have put the source tree on the path.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "Kopi-Tubruk-Pagi-2026"  # noqa: S105 - benchmark accounts
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login_form(page: str, identifier: str, password: str = PASSWORD) -> dict[str, str]:
    """The form a browser posts to /login, with the CSRF token of the login ``page`` it read."""
    found = CSRF.search(page)
    if found is None:
        raise RuntimeError("no CSRF token on the login page")
    return {"identifier": identifier, "password": password, "csrf_token": found.group(1)}


def production_env(url: str, folder: str, *, rate_limits: bool = False) -> dict[str, str]:
    """The environment of a production server on ``url`` (plain HTTP; rate limits off unless
    asked: every benchmark client comes from 127.0.0.1)."""
    return {
        **os.environ,
        "LMS_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": url,
        "LMS_INSTANCE_PATH": folder,
        "LMS_SECURE_COOKIES": "0",
        "LMS_RATELIMIT_ENABLED": "1" if rate_limits else "0",
        "LMS_LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def empty_database(url: str, prefix: str) -> Iterator[Any]:
    """The app, in its context, on ``url`` migrated from empty (PostgreSQL: the ``public``
    schema is dropped first); the engine's connections are closed afterwards."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from lms import create_app
    from lms.config import testing_config
    from lms.extensions import db

    app = create_app(testing_config(url, tempfile.mkdtemp(prefix=prefix)))
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        try:
            yield app
        finally:
            db.engine.dispose()


def shared_password_hash() -> str:
    """One hash of :data:`PASSWORD` for every account: hashing once saves the seeding time,
    and each sign-in's check still costs in full."""
    from lms.accounts.passwords import hash_password

    return hash_password(PASSWORD)
