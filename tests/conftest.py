"""Fixtures shared by the whole suite.

Every test that uses ``app`` runs once per database backend: SQLite always, PostgreSQL when
``LMS_TEST_DATABASE_URL`` is set. The schema comes from the real Alembic migrations, once per
backend; each test then starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, Engine, create_engine, text
from werkzeug.routing import Rule

from lms import create_app
from lms.config import testing_config
from tests.factories import make_session, make_unit, make_user

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
CHROMIUM = "/usr/bin/chromium"
#: ``make test`` runs the suite as two processes at once (two cores): lane "postgresql" takes the
#: tests that use PostgreSQL (the database_url parameter, or the ``postgresql`` marker), lane
#: "sqlite" everything else (in CI on this machine: about 4 and 5.5 minutes). Unset: one process
#: runs everything.
LANE = os.environ.get("LMS_TEST_LANE", "").strip().lower()


_url_builders: dict[tuple, Callable] = {}
_compile_builder = Rule._compile_builder


def _reused_url_builder(self: Rule, append_unknown: bool = True) -> Callable:
    """``Rule._compile_builder``, made once per distinct rule instead of once per app.

    Every test builds an app, and Werkzeug writes and ``compile()``s two URL-building
    functions for each of its ~160 rules: about 80% of ``create_app``. The function depends only
    on the rule's parts, its defaults and ``append_unknown`` (it reads the converters from the
    rule it is bound to when called), so the same rule in the next app gets the same function.
    A rule with a default for one of its own variables (converted when compiled) is not reused.
    """
    defaults = self.defaults or {}
    if any(dynamic and part in defaults for dynamic, part in self._trace):
        return _compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), repr(list(defaults.items())), append_unknown)
    if key not in _url_builders:
        _url_builders[key] = _compile_builder(self, append_unknown)
    return _url_builders[key]


Rule._compile_builder = _reused_url_builder

_engines: dict[str, Engine] = {}
_make_engine = SQLAlchemy._make_engine


def _shared_engine(self: SQLAlchemy, bind_key: str | None, options: dict, app: Flask) -> Engine:
    """PostgreSQL: one engine, and its pool of open connections, for every app of the session
    with the same engine options, instead of a new connection for each test.

    A new connection costs a server process and cold catalog caches, and each new engine
    queries the server's settings: together about 20% of a PostgreSQL test. ``make_app`` still
    closes the pool after a test that leaves a connection checked out or an advisory lock held
    (see ``_release``). SQLite keeps an engine per app.
    """
    if not str(options.get("url", "")).startswith("postgresql"):
        return _make_engine(self, bind_key, options, app)
    key = repr(sorted(options.items()))
    if key not in _engines:
        _engines[key] = _make_engine(self, bind_key, options, app)
    return _engines[key]


SQLAlchemy._make_engine = _shared_engine


def pytest_sessionstart(session: pytest.Session) -> None:
    if IN_CI and not PG_URL:
        raise pytest.UsageError(
            "CI=true but LMS_TEST_DATABASE_URL is not set: the PostgreSQL lane must run"
        )
    if IN_CI and not shutil.which(CHROMIUM):
        raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing: the browser lane must run")


def uses_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    param = callspec.params.get("database_url") if callspec else None
    return param == "postgresql" or item.get_closest_marker("postgresql") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only this lane's tests (see ``LANE``)."""
    if LANE not in {"sqlite", "postgresql"}:
        return
    keep, drop = [], []
    for item in items:
        (keep if uses_postgresql(item) == (LANE == "postgresql") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def reset_postgres(url: str) -> None:
    """Drop everything in the test database so the migrations start from empty.

    The test database also stops waiting for the disk at each commit (``synchronous_commit``,
    for every later connection, the test servers' too): a commit stays atomic and visible to the
    other connections at once, only a crash of the server could lose the last ones, and each
    commit no longer waits ~4 ms for the WAL flush (about 10% of the PostgreSQL lane).
    """
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        name = conn.dialect.identifier_preparer.quote(
            conn.scalar(text("SELECT current_database()"))
        )
        conn.execute(text(f"ALTER DATABASE {name} SET synchronous_commit = off"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database for the whole session, one per backend."""
    if request.param == "postgresql":
        url = PG_URL
        reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    yield migrated(url, tmp_path_factory)


def migrated(url: str, tmp_path_factory) -> str:
    """Run the real migrations on the empty database at ``url``."""
    app = create_app(testing_config(url, str(tmp_path_factory.mktemp("instance"))))
    with app.app_context():
        from flask_migrate import upgrade

        from lms.extensions import db

        upgrade()
        db.engine.dispose()
    return url


def _empty_tables(app: Flask) -> None:
    """Delete every row and restart every id sequence, as if the tables were new.

    Only the tables that have rows are emptied (a test writes to a handful of ~50): which ones is
    read from the tables themselves, not tracked, so rows written by other processes (the
    two-server and scheduler tests) are found too.
    """
    from lms.extensions import db

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        probe = " UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})" for table in tables
        )
        filled = set(conn.execute(text(probe)).scalars())
        filled_tables = [table for table in tables if table in filled]
        if conn.dialect.name == "postgresql":
            _empty_postgres(conn, filled_tables)
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in filled_tables:
                conn.execute(text(f"DELETE FROM {table}"))
            has_sequence = conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).first()
            if has_sequence:
                conn.execute(text("DELETE FROM sqlite_sequence"))


def _empty_postgres(conn: Connection, filled_tables: list[str]) -> None:
    """Delete the rows of ``filled_tables`` and restart the sequences that were used.

    The same end state as ``TRUNCATE <every table> RESTART IDENTITY CASCADE``, at a fraction of
    the cost: TRUNCATE makes new files for every table and index (0.2-1.3 s for the ~50 tables,
    most of a PostgreSQL test's time).
    """
    if filled_tables:
        # One statement: foreign keys are checked at its end, when every row is gone, so the
        # order of the deletes does not matter (and cycles such as units <-> users are fine).
        deletes = ", ".join(
            f"d{n} AS (DELETE FROM {table})" for n, table in enumerate(filled_tables)
        )
        conn.execute(text(f"WITH {deletes} SELECT 1"))
    conn.execute(
        text(
            "SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false)"
            " FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    )


def _release(engine: Engine) -> None:
    """Close the engine's connections, unless it is a shared PostgreSQL engine left clean.

    Clean: no connection still checked out (a thread of the test still running) and no session
    advisory lock held on the database, so the next test cannot tell the pool was used before.
    """
    if engine in _engines.values() and not engine.pool.checkedout():
        with engine.connect() as conn:
            locked = conn.scalar(
                text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database()))"
                )
            )
        if not locked:
            return
    engine.dispose()
    for key in [key for key, shared in _engines.items() if shared is engine]:
        del _engines[key]


class Client(FlaskClient):
    """A test client whose every request starts with an empty ``g``.

    The test body holds an app context (for ``db``), and Flask reuses it for requests; without
    this, ``g`` (Flask-Login's cached user, Flask-Babel's locale) would leak between requests.
    """

    def open(self, *args, **kwargs):
        ctx = _cv_app.get(None)
        if ctx is not None:
            ctx.g = ctx.app.app_ctx_globals_class()
        return super().open(*args, **kwargs)


@pytest.fixture
def make_app(database_url: str, tmp_path_factory) -> Iterator[Callable[..., Flask]]:
    """Build an app on the session's database, with configuration overrides."""
    apps: list[Flask] = []

    def build(**overrides) -> Flask:
        config = testing_config(database_url, str(tmp_path_factory.mktemp("instance")))
        config["WTF_CSRF_ENABLED"] = False
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = Client
        apps.append(app)
        return app

    yield build
    from lms.extensions import db

    for app in apps:
        with app.app_context():
            db.session.remove()
            _empty_tables(app)
            _release(db.engine)


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    """The app, CSRF off (tests of CSRF build their own), inside an app context."""
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def db(app: Flask):
    from lms.extensions import db

    return db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login_as(client: FlaskClient, db) -> Callable:
    """Log the test client in as a new person with ``role`` (or as a given user)."""

    def login(role_or_user="learner", **overrides):
        if isinstance(role_or_user, str):
            unit = overrides.pop("unit", None) or make_unit()
            roles = {"learner", role_or_user} if role_or_user != "admin" else {"admin"}
            user = make_user(unit=unit, roles=roles, **overrides)
            if role_or_user == "unit_head":
                unit.head = user
            db.session.commit()
        else:
            user = role_or_user
        key = make_session(user)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = f"{user.id}:{key}"
            session["_fresh"] = True
        return user

    return login
