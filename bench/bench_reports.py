"""Time the unit report and the full people x courses CSV export on a synthetic province.

Seeds (or reuses) a database of 100,000 people, 1,000 units and 10 courses with
``lms.reports.synthetic.seed`` (what ``flask lms seed-synthetic`` runs): SQLite in
``/tmp/sinau-bench/`` by default, PostgreSQL when ``LMS_BENCH_DATABASE_URL`` is set (use a
database of its own, e.g. ``.../bench_reports``: its ``public`` schema is dropped when it must be
re-seeded). Then, through the Flask test client with a logged-in HR session:

1. the unit report's first page for the whole province, the largest OPD and the unit whose
   subtree holds closest to 100 people, against the page's own SQL: every statement one GET of
   that page runs (captured with its parameters), replayed bare on one connection (no Flask, no
   ORM, no roll-up, no template). Prints both, the ratio, the figures alone (the two grouped
   statements: the floor earlier runs used) and, for the small unit, each statement's time.
2. the enrolments CSV export (one row per person and course), streamed and read chunk by chunk,
   for the largest OPD and for the province: rows, seconds, and the peak of Python memory
   allocated while streaming (tracemalloc), which must not grow with the row count.

On SQLite, the small unit's page and its SQL are also timed in this thread's CPU time (at
least 200 runs each, in alternation): SQLite runs in-process, so that ratio is the one a shared
machine blurs least. ``--repeat`` sets the number of timed runs per page (default 5).

    python bench/bench_reports.py [--people 100000] [--units 1000] [--reseed] [--pages-only]
        [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_app(url: str, instance: str):
    from lms import create_app
    from lms.config import testing_config

    config = testing_config(url, instance)
    config["WTF_CSRF_ENABLED"] = False
    config["TESTING"] = False  # real error handling, as in production
    return create_app(config)


def ensure_seeded(app, url: str, people: int, units: int, reseed: bool) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, func, select, text

    from lms.accounts.models import User
    from lms.extensions import db
    from lms.i18n import utcnow
    from lms.reports.synthetic import seed

    with app.app_context():
        try:
            have = db.session.scalar(select(func.count(User.id)))
        except Exception:
            db.session.rollback()
            have = None
        if have is not None and have >= people and not reseed:
            print(f"reusing the seeded database ({have} people)")
            return
        db.session.remove()
        db.engine.dispose()
        if url.startswith("postgresql"):
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        else:
            path = Path(url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        upgrade()
        from lms.courses.services import sync_courses

        started = time.monotonic()
        sync_courses(ROOT / "courses", utcnow())
        counts = seed(people, units, utcnow(), courses=10, force=True)
        db.session.commit()
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"seeded in {time.monotonic() - started:.1f} s: {counts}")


def signed_in_client(app, role: str = "hr"):
    """A test client signed in, through a real server-side session, as the bench's account of
    ``role`` (created once, the privacy notice read: no detour to it)."""
    from sqlalchemy import select

    from lms.accounts.models import Role, User
    from lms.accounts.services import create_user
    from lms.extensions import db
    from lms.notice.services import current_version
    from tests.factories import login_id

    email = f"bench-{role}@sintetis.invalid"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(full_name=f"{role.upper()} Bench", email=email,
                               roles={Role(role).value})  # fmt: skip
        user.privacy_version = current_version()
        db.session.commit()
        token = login_id(user)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def hr_client(app):
    return signed_in_client(app, "hr")


def largest_opd(app):
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.extensions import db
    from lms.org.models import Unit

    with app.app_context():
        rows = db.session.execute(select(Unit.id, Unit.path).where(Unit.parent_id.is_(None))).all()
        best, most = None, -1
        for uid, path in rows:
            n = db.session.scalar(
                select(func.count(User.id)).join(Unit, Unit.id == User.unit_id)
                .where(Unit.path.startswith(path))
            )  # fmt: skip
            if n > most:
                best, most = uid, n
        return best, most


def unit_near(app, size: int = 100):
    """The unit whose subtree holds the number of people closest to ``size`` (one grouped query
    over units and their ancestors' paths would be clever; this runs once, before timing)."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.extensions import db
    from lms.org.models import Unit

    with app.app_context():
        direct = dict(
            db.session.execute(
                select(User.unit_id, func.count(User.id)).group_by(User.unit_id)
            ).all()
        )
        units = db.session.execute(select(Unit.id, Unit.path)).all()
        best = None
        for uid, path in units:
            n = sum(direct.get(other, 0) for other, p in units if p.startswith(path))
            if best is None or abs(n - size) < abs(best[1] - size):
                best = (uid, n)
        return best


def time_it(fn, repeat: int = 5, clock=time.perf_counter) -> float:
    fn()  # warm caches (templates, statement cache)
    runs = []
    for _ in range(repeat):
        started = clock()
        fn()
        runs.append(clock() - started)
    return statistics.median(runs)


def cpu_ratio(app, client, path: str, statements, repeat: int) -> str:
    """SQLite only (it runs in this thread): the page and its SQL in this thread's CPU time,
    median and minimum of ``repeat`` runs each, in alternation, which other work on a shared
    machine blurs far less than wall time."""
    page_runs, sql_runs = [], []
    replay = page_sql(app, statements)
    for _ in range(repeat):
        page_runs.append(time_it(lambda: client.get(path), 1, time.thread_time))
        sql_runs.append(time_it(replay, 1, time.thread_time))
    page, sql = statistics.median(page_runs), statistics.median(sql_runs)
    low_page, low_sql = min(page_runs), min(sql_runs)
    return (
        f"CPU (thread, {repeat} runs): page {page * 1000:.2f} ms, its SQL {sql * 1000:.2f} ms, "
        f"ratio {page / sql:.2f}; minima {low_page * 1000:.2f} / {low_sql * 1000:.2f} ms, "
        f"ratio {low_page / low_sql:.2f}"
    )


def figures_floor(app, unit_id):
    """The unit report's two grouped statements (figures and people per unit), compiled once:
    the floor the first table of this README compared against."""
    from sqlalchemy import func, select

    from lms.extensions import db
    from lms.i18n import wib_today
    from lms.org.models import Unit
    from lms.reports import services
    from lms.reports.services import Filters

    with app.app_context():
        unit = db.session.get(Unit, unit_id) if unit_id else None
        today = wib_today()
        filters = Filters(year=today.year)
        p = services.pairs(unit, filters).subquery("p")
        figures = select(p.c.unit_id, *services.figure_columns(p, today)).group_by(p.c.unit_id)
        scope = services.people(unit, filters).subquery("s")
        people = select(scope.c.unit_id, func.count()).group_by(scope.c.unit_id)
        dialect = db.engine.dialect
        sql = [
            str(q.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            for q in (figures, people)
        ]

    def run():
        with app.app_context(), db.engine.connect() as conn:
            for statement in sql:
                conn.exec_driver_sql(statement).fetchall()

    return run


def page_statements(app, client, path: str) -> list[tuple[str, object]]:
    """Every statement one GET of ``path`` runs after a first one, with its parameters, in order
    (the session and the signed-in person's included: the page needs them too)."""
    from sqlalchemy import event

    from lms.extensions import db

    found: list[tuple[str, object]] = []

    def listen(_conn, _cursor, statement, parameters, _context, executemany):
        found.append((statement, parameters, executemany))

    with app.app_context():
        engine = db.engine
    # No app context around the request: each request has its own, as under a server (an outer
    # one would keep ``g``, and with it the signed-in person, from one request to the next).
    assert client.get(path).status_code == 200  # warm, as the timed runs are
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return [(sql, params) for sql, params, many in found if not many]


def page_sql(app, statements):
    """The page's own SQL run bare: each statement on one connection, rows fetched, no ORM,
    no Flask; writes (if a GET wrote) run in a transaction rolled back."""
    from lms.extensions import db

    def run():
        with app.app_context(), db.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for statement, params in statements:
                cursor.execute(statement, params)
                if cursor.description is not None:
                    cursor.fetchall()
            cursor.close()
            conn.rollback()

    return run


def statement_times(app, statements, repeat: int = 5) -> list[tuple[float, str]]:
    """Median time of each statement alone (bare), longest first, with its first words."""
    out = []
    for statement, params in statements:
        seconds = time_it(page_sql(app, [(statement, params)]), repeat)
        out.append((seconds, " ".join(statement.split())[:90]))
    return sorted(out, reverse=True)


def stream_export(client, url: str) -> tuple[int, float]:
    response = client.get(url, buffered=False)
    assert response.status_code == 200, response.status_code
    rows = 0
    started = time.perf_counter()
    for chunk in response.response:
        rows += chunk.count(b"\r\n") if isinstance(chunk, bytes) else chunk.count("\r\n")
    response.close()
    return rows - 1, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--pages-only", action="store_true", help="skip the CSV exports")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (median)")
    args = parser.parse_args()
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    folder = Path(os.environ.get("LMS_BENCH_DIR", "/tmp/sinau-bench"))  # noqa: S108
    folder.mkdir(exist_ok=True)
    if not url:
        url = f"sqlite:///{folder / f'bench-{args.people}.sqlite'}"
    print(f"database: {url.split('@')[-1]}")
    app = build_app(url, str(folder / "instance"))
    ensure_seeded(app, url, args.people, args.units, args.reseed)
    client = hr_client(app)
    opd, opd_people = largest_opd(app)
    small, small_people = unit_near(app, 100)

    print("\n1. unit report, first page (median of 5, after one warm-up); the page's own SQL =")
    print("   every statement one GET of it runs, replayed bare on one connection")
    for label, unit_id, path in (
        ("province", None, "/reports/units/"),
        (f"largest OPD ({opd_people} people)", opd, f"/reports/units/{opd}"),
        (f"unit of {small_people} people", small, f"/reports/units/{small}"),
    ):
        statements = page_statements(app, client, path)
        page = time_it(lambda path=path: client.get(path).status_code == 200 or 1 / 0, args.repeat)
        own = time_it(page_sql(app, statements), args.repeat)
        figures = time_it(figures_floor(app, unit_id))
        print(f"   {label:32} page {page * 1000:7.1f} ms   its SQL {own * 1000:7.1f} ms "
              f"({len(statements)} statements)   ratio {page / own:5.2f}   "
              f"[figures alone {figures * 1000:6.1f} ms: {page / figures:5.2f}]")  # fmt: skip
        if unit_id == small:
            if url.startswith("sqlite"):
                print("      " + cpu_ratio(app, client, path, statements, max(args.repeat, 200)))
            for seconds, text in statement_times(app, statements):
                print(f"      {seconds * 1000:6.2f} ms  {text}")

    if args.pages_only:
        return
    print("\n2. enrolments CSV export (people x courses), streamed")
    for label, path in (
        (f"largest OPD ({opd_people} people)", f"/reports/units/{opd}/export/enrolments.csv"),
        ("province", "/reports/export/enrolments.csv"),
    ):
        with app.app_context():
            rows, seconds = stream_export(client, path)
            tracemalloc.start()
            stream_export(client, path)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rate = rows / seconds
        print(f"   {label:32} {rows:8d} rows  {seconds:6.1f} s  {rate:8.0f} rows/s  "
              f"peak Python memory {peak / 2**20:6.1f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
