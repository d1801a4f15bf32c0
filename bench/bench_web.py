"""Web load benchmark: Sinau under real gunicorn against the framework floor, in one run.

For each database (SQLite, and PostgreSQL when ``--database-url`` is given; its ``public``
schema is dropped), a province of ``--people`` synthetic learners in ``--units`` units
(``lms.reports.synthetic``, as ``flask lms seed-synthetic`` makes it) is served by gunicorn
with the project's ``gunicorn.conf.py``; the floor app (bench/floor_app.py) is served by the
same command and settings. At 1, 4, 8 and 16 users at once, Locust (bench/web_load.py, from a
venv of its own) drives, for ``--seconds`` each after a short warm-up:

- floor: the minimal endpoint; every other line is reported as a ratio of its requests/s;
- signin: GET /login + POST /login with the right password (Argon2id), a new browser each time;
- learner: dashboard, Pembelajaran saya, catalogue, a lesson, in turn, signed in;
- quiz: POST start + POST submit (graded), signed in;
- report: HR reading the unit report of a unit of about 100 people.

Prints requests/s, p50/p95 (ms), errors, the ratio to the floor, and, for SQLite, how many
times "database is locked" appeared in the server's log. The load generator shares the
machine with the server: compare lines of one run, not runs on different days. With
``--before DIR`` (another source tree, e.g. ``git archive <commit> | tar -x -C DIR``) the
``--before-scenarios`` also run against that version on the same database, marked ``<``.

    python -m venv bench/.venv-load
    bench/.venv-load/bin/pip install -r bench/requirements-load.txt
    .venv/bin/python bench/bench_web.py [--database-url postgresql+psycopg://.../bench_web]
        [--sqlite] [--seconds 10] [--levels 1,4,8,16] [--scenarios signin,learner,quiz,report]
        [--gunicorn "-k sync -w 3"]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests
from signin import (
    PASSWORD,
    ROOT,
    empty_database,
    free_port,
    production_env,
    shared_password_hash,
)

LOAD_PYTHON = ROOT / "bench" / ".venv-load" / "bin" / "python"
HR_EMAIL = "hr@web.bench"
QUIZ_COURSE = "dasar-ai-untuk-asn"
#: Learners the load signs in as (each Locust user takes the next).
LEARNERS = 64


def prepare(url: str, people: int, units: int) -> dict:
    """Migrate an empty database, seed the province, and return the load's plan."""
    from sqlalchemy import func, select, text, update

    from lms.accounts.models import Role, User
    from lms.accounts.services import create_user
    from lms.courses import services as courses
    from lms.courses.models import Course
    from lms.extensions import db
    from lms.i18n import utcnow
    from lms.notice.services import current_version
    from lms.org.models import Unit
    from lms.reports.synthetic import seed

    with empty_database(url, "sinau-web-"):
        now = utcnow()
        courses.sync_courses(ROOT / "courses", now)
        seed(people, units, now - timedelta(days=30), courses=3, force=True)
        # The quiz course: attempts unlimited, so the load can start and submit over and over.
        db.session.execute(
            update(Course)
            .where(Course.slug == QUIZ_COURSE)
            .values(max_attempts=0, show_answers="never")
        )
        hashed = shared_password_hash()
        db.session.execute(
            update(User).values(
                password_hash=hashed, privacy_version=current_version(), must_change_password=False
            )
        )
        hr = create_user(full_name="HR Bench", email=HR_EMAIL, roles={Role.HR.value},
                         privacy_version=current_version())  # fmt: skip
        hr.password_hash = hashed
        learners = db.session.scalars(
            select(User).where(User.nip.is_not(None), User.active.is_(True)).order_by(User.id)
            .limit(LEARNERS)
        ).all()  # fmt: skip
        quiz_course = db.session.scalar(select(Course).where(Course.slug == QUIZ_COURSE))
        for learner in learners:
            enrollment = courses.enroll(learner, quiz_course, now)
            for lesson in courses.current_lessons(quiz_course)[:2]:
                courses.complete_lesson(enrollment, lesson, now)
        lesson = courses.current_lessons(quiz_course)[2]
        # The unit report of the unit (with its sub-units) closest to 100 people.
        sizes = []
        for unit in db.session.scalars(select(Unit)):
            n = db.session.scalar(
                select(func.count(User.id)).join(Unit, Unit.id == User.unit_id)
                .where(Unit.path.startswith(unit.path), User.active.is_(True))
            )  # fmt: skip
            sizes.append((abs(n - 100), n, unit.id))
        _gap, report_people, report_unit = min(sizes)
        db.session.commit()
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        plan = {
            "password": PASSWORD,
            "learner_ids": [u.nip for u in learners],
            "hr": HR_EMAIL,
            "lesson": f"/courses/{QUIZ_COURSE}/lessons/{lesson.slug}",
            "quiz_start": f"/courses/{QUIZ_COURSE}/quiz/start",
            "report": f"/reports/units/{report_unit}",
            "report_people": report_people,
            "people": db.session.scalar(select(func.count(User.id))),
        }
    return plan


#: Extra gunicorn arguments for every server of the run (``--gunicorn``), e.g. ``-k sync -w 3``:
#: they override gunicorn.conf.py, for Sinau and the floor alike.
GUNICORN_ARGS: list[str] = []


def serve(
    app: str, url: str, folder: str, log: Path, root: Path = ROOT
) -> tuple[subprocess.Popen, str]:
    """gunicorn with the project's gunicorn.conf.py (read from the working directory)."""
    port = free_port()
    env = production_env(url, folder) | {"PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", *GUNICORN_ARGS, app]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab")
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{base}/", timeout=10).status_code < 500:
                return process, base
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn {app} did not answer; see {log}")


def point(base: str, scenario: str, users: int, seconds: float, plan: dict) -> dict:
    """One Locust run (bench/web_load.py in the load generator's venv)."""
    command = [
        str(LOAD_PYTHON), str(ROOT / "bench" / "web_load.py"), "--host", base,
        "--scenario", scenario, "--users", str(users), "--seconds", str(seconds),
        "--plan", json.dumps(plan),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)  # noqa: S603
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"{scenario} x {users}: no result\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_database(label: str, url: str, args, folder: Path) -> list[dict]:
    print(f"\n== {label}: seeding {args.people} people in {args.units} units ...", flush=True)
    started = time.monotonic()
    plan = prepare(url, args.people, args.units)
    seconds = time.monotonic() - started
    print(f"   seeded in {seconds:.0f} s ({plan['people']} accounts); unit report of "
          f"{plan['report_people']} people; load average {load_average()}", flush=True)  # fmt: skip
    log = folder / f"gunicorn-{label}.log"
    log.write_text("")
    sinau, sinau_base = serve("wsgi:app", url, str(folder / "instance"), log)
    floor, floor_base = serve("bench.floor_app:app", url, str(folder / "instance"), log)
    servers = [sinau, floor]
    before_base = None
    if args.before:
        # Another source tree of Sinau (e.g. ``git archive <commit> | tar -x -C DIR``) on the
        # same database: the same scenarios before a change, in the same run.
        before, before_base = serve("wsgi:app", url, str(folder / "instance"), log, args.before)
        servers.append(before)
    rows = []
    try:
        print(f"   {'scenario':9} {'at once':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'errors':>6} {'x floor':>8}  load avg")  # fmt: skip
        for users in args.levels:
            base_line = point(floor_base, "floor", users, args.seconds, plan)
            rows.append(base_line | {"database": label, "ratio": 1.0, "load": load_average()})
            _print(rows[-1])
            for scenario in args.scenarios:
                result = point(sinau_base, scenario, users, args.seconds, plan)
                ratio = result["rps"] / base_line["rps"] if base_line["rps"] else float("nan")
                rows.append(result | {"database": label, "ratio": ratio, "load": load_average()})
                _print(rows[-1])
            for scenario in args.before_scenarios if before_base else []:
                result = point(before_base, scenario, users, args.seconds, plan)
                ratio = result["rps"] / base_line["rps"] if base_line["rps"] else float("nan")
                result["scenario"] = f"{scenario}<"
                rows.append(result | {"database": label, "ratio": ratio, "load": load_average()})
                _print(rows[-1])
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=30)
    text = log.read_text(errors="replace")
    print(f"   server log: {text.count('database is locked')} 'database is locked', "
          f"{text.count('Traceback')} tracebacks ({log})")  # fmt: skip
    return rows


def _print(row: dict) -> None:
    p50 = f"{row['p50_ms']:.0f}" if row["p50_ms"] is not None else "-"
    p95 = f"{row['p95_ms']:.0f}" if row["p95_ms"] is not None else "-"
    print(f"   {row['scenario']:9} {row['users']:7d} {row['rps']:8.1f} {p50:>8} {p95:>8} "
          f"{row['errors']:6d} {row['ratio']:8.3f}  {row['load']}", flush=True)  # fmt: skip
    if row["error_sample"]:
        print(f"      e.g. {row['error_sample'][0]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL (its public schema is dropped)")
    parser.add_argument("--sqlite", action="store_true", help="also SQLite (default without a URL)")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--levels", default="1,4,8,16")
    parser.add_argument("--scenarios", default="signin,learner,quiz,report")
    parser.add_argument("--json", help="also write every row to this file")
    parser.add_argument("--before", type=Path, help="a source tree of Sinau before a change")
    parser.add_argument("--before-scenarios", default="learner", help="run on --before too")
    parser.add_argument("--gunicorn", default="", help="extra gunicorn arguments, e.g. '-w 3'")
    args = parser.parse_args()
    GUNICORN_ARGS.extend(args.gunicorn.split())
    args.levels = [int(x) for x in args.levels.split(",")]
    args.scenarios = args.scenarios.split(",")
    args.before_scenarios = args.before_scenarios.split(",")
    if not LOAD_PYTHON.exists():
        raise SystemExit(f"{LOAD_PYTHON} is missing: see the docstring (a venv with Locust)")
    folder = Path(tempfile.mkdtemp(prefix="sinau-web-"))
    print(f"cpus {os.cpu_count()}, load average {load_average()}, gunicorn.conf.py settings "
          f"{' '.join(GUNICORN_ARGS)}")  # fmt: skip
    rows = []
    if args.sqlite or not args.database_url:
        rows += run_database("SQLite", f"sqlite:///{folder / 'web.sqlite'}", args, folder)
    if args.database_url:
        rows += run_database("PostgreSQL", args.database_url, args, folder)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
