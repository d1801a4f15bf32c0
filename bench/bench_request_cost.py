"""What one request costs in this process: CPU time and SQL statements, with no server or network.

The web load benchmark (bench/bench_web.py) measures requests/s under gunicorn, which a shared
machine blurs. This one seeds the same province (``bench_web.prepare``), builds the app as
gunicorn would (``LMS_ENV=production``, the same settings as bench_web's servers), and sends
``--rounds`` requests of each kind through Flask's test client, timing each with the process's
CPU clock and counting its SQL statements:

- floor: bench/floor_app.py's one endpoint (what Flask and the test client cost by themselves);
- login page: GET /login as a new browser;
- sign-in: POST /login with the right password (an Argon2id check), as a new browser;
- dashboard, Pembelajaran saya, the catalogue and a lesson, signed in as a learner.

Prints the median and minimum CPU ms per request, and statements per request. With
``--profile NAME`` (a line's name, e.g. ``lesson`` or ``sign-in``), a profile of that line's
requests is printed too: pyinstrument's (a sampling profiler, which does not inflate deep call
stacks) when it can be imported (``pip install --target DIR pyinstrument`` and
``PYTHONPATH=DIR``; it is no dependency of Sinau), else cProfile's.

    .venv/bin/python bench/bench_request_cost.py [--database-url postgresql+psycopg://...]
        [--rounds 200] [--profile dashboard] [--limits]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import pstats
import statistics
import tempfile
import time

from signin import login_form, production_env
from sqlalchemy import event


def _count() -> None:
    STATEMENTS[0] += 1


def production_app(url: str, folder: str, limits: bool):
    """The app as bench_web's gunicorn builds it (wsgi.py reads the same environment)."""
    from lms import create_app
    from lms.config import from_env

    env = production_env(url, folder, rate_limits=limits) | {
        "LMS_LIMIT_LOGIN": "100000 per minute",
        "LMS_LIMIT_LOGIN_ACCOUNT": "100000 per minute",
    }
    return create_app(from_env(env))


def sign_in(client, identifier: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data=login_form(page, identifier, password))
    assert answer.status_code == 302, answer.status_code


#: SQL statements run so far (a listener on the app's engine counts them).
STATEMENTS = [0]


def measure(send, rounds: int, profiler):
    """Median CPU ms, min CPU ms and statements per request of ``send()``, after a warm-up.

    ``send()`` returns the CPU seconds and statements of the part it times, or None to time
    all of it."""
    for _ in range(5):
        send()
    cpu, statements = [], 0
    for _ in range(rounds):
        if profiler:
            profiler.enable()
        started, before = time.process_time(), STATEMENTS[0]
        timed = send()
        seconds, count = timed or (time.process_time() - started, STATEMENTS[0] - before)
        if profiler:
            profiler.disable()
        cpu.append(seconds * 1000)
        statements += count
    return statistics.median(cpu), min(cpu), statements / rounds


class _Sampler:
    """pyinstrument's profiler with cProfile's enable/disable."""

    def __init__(self):
        from pyinstrument import Profiler

        self.profiler = Profiler(interval=0.0002)

    def enable(self):
        self.profiler.start()

    def disable(self):
        self.profiler.stop()

    def output_text(self, **kwargs):
        return self.profiler.output_text(**kwargs)


def _profiler():
    return _Sampler() if importlib.util.find_spec("pyinstrument") else cProfile.Profile()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL (its public schema is dropped)")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", help="print a cProfile of this line (e.g. lesson, sign-in)")
    parser.add_argument("--limits", action="store_true", help="rate limits on (memory://)")
    args = parser.parse_args()

    from bench_web import prepare

    from bench.floor_app import app as floor
    from lms.extensions import db

    folder = tempfile.mkdtemp(prefix="sinau-cost-")
    url = args.database_url or f"sqlite:///{folder}/cost.sqlite"
    plan = prepare(url, args.people, args.units)
    app = production_app(url, folder, args.limits)
    learner = app.test_client()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *_a: _count())
    sign_in(learner, plan["learner_ids"][0], plan["password"])
    identifiers = iter(range(10**9))

    def fresh_sign_in():
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        ident = plan["learner_ids"][next(identifiers) % len(plan["learner_ids"])]
        form = login_form(page, ident, plan["password"])
        started, before = time.process_time(), STATEMENTS[0]
        answer = client.post("/login", data=form)
        assert answer.status_code == 302, answer.status_code
        return time.process_time() - started, STATEMENTS[0] - before

    def get(client, path: str):
        def send():
            assert client.get(path).status_code == 200

        return send

    lines = [
        ("floor", get(floor.test_client(), "/")),
        ("login page", get(app.test_client(), "/login")),
        ("sign-in", fresh_sign_in),
        ("dashboard", get(learner, "/")),
        ("learning", get(learner, "/learning")),
        ("catalogue", get(learner, "/courses")),
        ("lesson", get(learner, plan["lesson"])),
    ]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{url.split(':')[0]}, {plan['people']} accounts, {args.rounds} requests each, "
          f"load average {load}")  # fmt: skip
    print(f"{'request':12} {'cpu p50':>8} {'cpu min':>8} {'SQL':>5}  (ms CPU per request)")
    profiles = {}
    for name, send in lines:
        profiler = _profiler() if name == args.profile else None
        # Sign-in: the GET before each POST is in the profile, not in the time.
        rounds = max(args.rounds // 4, 20) if name == "sign-in" else args.rounds
        p50, low, statements = measure(send, rounds, profiler)
        print(f"{name:12} {p50:8.2f} {low:8.2f} {statements:5.1f}", flush=True)
        if profiler:
            profiles[name] = profiler
    for name, profiler in profiles.items():
        print(f"\n== profile: {name}")
        if isinstance(profiler, cProfile.Profile):
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
        else:
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
