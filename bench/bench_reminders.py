"""Time one reminder run over a large synthetic province.

Seeds 1,000 units (3 levels, each with a head), 100,000 active learners with email, two mandatory
courses whose deadline is 7 days away (30% of people already finished one of them) and 20,000
action items due around today, into a fresh SQLite database, or into PostgreSQL when
``LMS_BENCH_DATABASE_URL`` is set (its ``public`` schema is DROPPED: use a throw-away database).
Then it runs ``run_rules`` as the daily job does (the steps before the rules, i.e. the daily
assignments pass, which enrols the people mandatory courses cover, then every rule:
notifications plus queued emails, no SMTP) twice: the first run creates the reminders, the
second must create none. For each run it prints the wall time, the load average, this
process's CPU time and, for a PostgreSQL on this machine, the CPU time of its backends and the
WAL written (on a shared machine CPU time, not wall time, tells whether a change did less
work), the number of SQL statements, and the time per step and rule (wall, and the CPU of the
thread that ran it: on PostgreSQL rules run side by side, so their wall times overlap and do not
add up to the run's). Target (issue 16): first run < 10 s, a run with nothing new < 2 s, on
SQLite and PostgreSQL.

    python bench/bench_reminders.py [--people 100000] [--units 1000] [--items 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


STATUSES = ["draft", "in_progress", "in_progress", "blocked", "done"]


def seed(db, people: int, units: int, items: int, today: date) -> None:
    from sqlalchemy import insert, update

    from lms.accounts.models import User, UserRole
    from lms.actions.models import ActionItem, Program
    from lms.courses.models import Course, Enrollment, Lesson
    from lms.org.models import Unit

    rng = random.Random(2025)
    now = datetime(today.year, today.month, today.day, 1, 0)
    # Units: 20 OPD, each with bidang, each bidang with seksi, up to `units` in all.
    unit_rows, parents = [], []
    uid = 0
    for opd in range(20):
        uid += 1
        unit_rows.append(
            {"id": uid, "name": f"OPD {opd + 1}", "parent_id": None, "path": f"/{uid}/"}
        )
        parents.append(uid)
    while uid < units:
        parent = unit_rows[rng.randrange(len(unit_rows))]
        if parent["path"].count("/") > 3:
            continue
        uid += 1
        unit_rows.append(
            {
                "id": uid,
                "name": f"Unit {uid}",
                "parent_id": parent["id"],
                "path": f"{parent['path']}{uid}/",
            }
        )
    db.session.execute(insert(Unit), unit_rows)
    user_rows, role_rows = [], []
    for n in range(1, people + 1):
        unit = unit_rows[n % len(unit_rows)]["id"]
        user_rows.append(
            {
                "id": n,
                "nip": f"{19850101201001 + 0}{n:04d}"[-18:],
                "email": f"pegawai{n}@bench.test",
                "full_name": f"Pegawai {n}",
                "employment": "PNS",
                "unit_id": unit,
                "active": True,
                "must_change_password": False,
                "session_version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        role_rows.append({"user_id": n, "role": "learner"})
    for start in range(0, people, 10000):
        db.session.execute(insert(User), user_rows[start : start + 10000])
        db.session.execute(insert(UserRole), role_rows[start : start + 10000])
    heads = [{"id": u["id"], "head_id": u["id"] * 7 % people + 1} for u in unit_rows]
    db.session.execute(update(Unit), heads)
    deadline = today + timedelta(days=7)
    for cid in (1, 2):
        db.session.execute(
            insert(Course),
            [
                {
                    "id": cid,
                    "slug": f"wajib-{cid}",
                    "title": f"Kursus Wajib {cid}",
                    "summary": "",
                    "level": "dasar",
                    "jp": 4,
                    "minutes": 180,
                    "mandatory": True,
                    "assignment_only": False,
                    "deadline": deadline,
                    "version": "1",
                    "tags": [],
                    "content_hash": "x",
                    "pass_mark": 70,
                    "max_attempts": 0,
                    "shuffle_questions": False,
                    "shuffle_answers": False,
                    "show_answers": "after_pass",
                    "synced_at": now,
                    "created_at": now - timedelta(days=30),
                }
            ],
        )
        lesson = {"course_id": cid, "slug": "m1", "position": 1, "title": "M1", "html": ""}
        db.session.execute(insert(Lesson), [{**lesson, "updated_at": now}])
    enrol = [
        {
            "user_id": n,
            "course_id": 1,
            "source": "self",
            "enrolled_at": now - timedelta(days=20),
            "last_activity_at": now - timedelta(days=rng.randrange(1, 30)),
            "completed_at": now if n % 10 < 3 else None,
            "completed_on": today if n % 10 < 3 else None,
            "jp_earned": 4 if n % 10 < 3 else 0,
        }
        for n in range(1, people + 1)
        if n % 2 == 0
    ]
    for start in range(0, len(enrol), 10000):
        db.session.execute(insert(Enrollment), enrol[start : start + 10000])
    db.session.execute(
        insert(Program), [{"id": 1, "name": "Jatim Retret 2025", "active": True, "created_at": now}]
    )
    item_rows = [
        {
            "unit_id": unit_rows[i % len(unit_rows)]["id"],
            "program_id": 1,
            "title": f"Aksi {i}",
            "owner_id": rng.randrange(1, people + 1),
            "due_date": today + timedelta(days=rng.randrange(-60, 30)),
            "priority": "medium",
            "status": rng.choice(STATUSES),
            "progress": rng.randrange(0, 100),
            "created_at": now,
            "updated_at": now,
        }
        for i in range(items)
    ]
    for start in range(0, items, 10000):
        db.session.execute(insert(ActionItem), item_rows[start : start + 10000])
    db.session.commit()


def analyze() -> None:
    """PostgreSQL: fresh planner statistics, as a live database has them (autovacuum analyzes
    tables after large inserts; a freshly seeded one has none, and its plans are poor)."""
    from sqlalchemy import text

    from lms.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def count_statements(engine) -> list[str]:
    """A list that receives every SQL statement the engine runs (cleared by the caller)."""
    from sqlalchemy import event

    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    return seen


def wal_position() -> int | None:
    """PostgreSQL: the write-ahead log's position in bytes (the difference is what a run wrote)."""
    from sqlalchemy import text

    from lms.extensions import db

    if db.engine.dialect.name != "postgresql":
        return None
    lsn = db.session.scalar(text("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"))
    db.session.commit()
    return int(lsn)


def server_cpu() -> float | None:
    """PostgreSQL on this machine: CPU seconds its backends serving this database have used
    (from /proc; None elsewhere). With other work sharing the CPU this, not the wall time, tells
    whether a change made the database do less."""
    from sqlalchemy import text

    from lms.extensions import db

    if db.engine.dialect.name != "postgresql":
        return None
    pids = db.session.scalars(
        text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    ).all()
    db.session.commit()
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return None
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    from sqlalchemy import func, select, text

    from lms import create_app
    from lms.extensions import db
    from lms.reminders.models import Notification, OutboxMessage
    from lms.reminders.rules import BEFORE_RUN
    from lms.reminders.services import run_rules

    workdir = Path(tempfile.mkdtemp(prefix="sinau-bench-"))
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(workdir), "SECRET_KEY": "bench"}
    )
    today = date(2026, 12, 7)  # a Monday: digests are due too
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        seed(db, args.people, args.units, args.items, today)
        seeded = time.perf_counter() - started
        print(
            f"database: {db.engine.dialect.name}; seeded {args.people:,} people in {seeded:.1f} s"
        )
        analyze()
        now = datetime(2026, 12, 7, 0, 30)  # 07.30 WIB
        statements = count_statements(db.engine)
        for label in ("first run", "second run"):
            timings: dict[str, tuple[float, float]] = {}
            statements.clear()
            served, wal = server_cpu(), wal_position()
            cpu, started = time.process_time(), time.perf_counter()
            counts = run_rules(now, timings=timings)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if served is not None and (after := server_cpu()) is not None:
                cpu_text = (
                    f"CPU: this process {cpu:.1f} s, PostgreSQL {after - served:.1f} s; "
                    f"WAL {(wal_position() - wal) / 2**20:,.0f} MiB"
                )
            else:
                cpu_text = f"this process's CPU {cpu:.1f} s"
            before = sum(timings[name][0] for name in BEFORE_RUN)
            made = sum(n for name, n in counts.items() if name not in BEFORE_RUN)
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"{label} (load average {load}): {elapsed:.1f} s ({cpu_text}, {len(statements):,} "
                f"SQL statements): {before:.1f} s before the rules, {elapsed - before:.1f} s the "
                f"rules; {made:,} reminders created"
            )
            print(f"    {'step or rule':<24} {'wall':>8} {'CPU here':>9} {'created':>9}")
            for name, (wall, here) in sorted(timings.items(), key=lambda item: -item[1][0]):
                print(f"    {name:<24} {wall:6.2f} s {here:7.2f} s {counts.get(name, 0):>9,}")
            analyze()
        total = db.session.scalar(select(func.count(Notification.id)))
        queued = db.session.scalar(select(func.count(OutboxMessage.id)))
        print(f"in the database: {total:,} notifications, {queued:,} emails queued")


if __name__ == "__main__":
    main()
