"""Where a page's CPU goes under gunicorn, per worker setting: workers, PostgreSQL, Locust.

``bench_web.py`` gives requests/s, which a shared machine blurs; this one also reads the CPU
time (utime + stime from ``/proc``) that each part of the system spent during one point: the
gunicorn master and workers, the PostgreSQL backends connected to the benchmark's database,
and the Locust process, each divided by the requests served. The settings (``--settings``,
gunicorn arguments separated by ``;``; an empty one is ``gunicorn.conf.py`` as it stands) are
alternated round by round on one seeded database, so a busy moment of the machine does not
fall on one setting only.

    .venv/bin/python bench/bench_worker_cpu.py --database-url postgresql+psycopg://.../db
        [--scenario learner] [--users 8] [--seconds 10] [--rounds 2]
        [--settings "-k sync -w 2;-k sync -w 3;-k sync -w 4;;-k gthread -w 3 --threads 2"]

PostgreSQL only (its ``public`` schema is dropped); Locust from bench/.venv-load as for
bench_web.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import bench_web
import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def processes(master: int) -> list[int]:
    """gunicorn's master and its workers."""
    command = ["pgrep", "-P", str(master)]
    found = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    return [master, *(int(pid) for pid in found.stdout.split())]


def backends(url: str) -> list[int]:
    """PostgreSQL backends connected to the benchmark's database (this query's excepted)."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in rows]


def measure(url: str, setting: str, args, plan: dict, folder: Path) -> dict:
    """One point under one setting: requests/s and CPU ms per request of each part."""
    bench_web.GUNICORN_ARGS[:] = setting.split()
    log = folder / "gunicorn.log"
    server, base = bench_web.serve("wsgi:app", url, str(folder / "instance"), log)
    try:
        bench_web.point(base, args.scenario, args.users, 3, plan)  # workers, pools, connections
        workers = processes(server.pid)
        before = {pid: cpu_seconds(pid) for pid in workers + backends(url)}
        locust_before = os.times()
        result = bench_web.point(base, args.scenario, args.users, args.seconds, plan)
        locust_after = os.times()
        database = backends(url)
        requests = result["rps"] * args.seconds or 1
        spent = {
            "workers": sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in workers),
            "postgres": sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in database),
            "locust": (locust_after.children_user + locust_after.children_system)
            - (locust_before.children_user + locust_before.children_system),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "rps": result["rps"],
        "p50": result["p50_ms"],
        "errors": result["errors"],
        **{part: 1000 * seconds / requests for part, seconds in spent.items()},
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL (schema dropped)")
    parser.add_argument("--scenario", default="learner")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--settings", default="-k sync -w 2;-k sync -w 3;-k sync -w 4;;-k gthread -w 3 --threads 2"
    )
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()
    settings = args.settings.split(";")
    folder = Path(tempfile.mkdtemp(prefix="sinau-worker-cpu-"))
    plan = bench_web.prepare(args.database_url, args.people, 20)
    print(f"{args.scenario} x {args.users}, {args.seconds:.0f} s a point, load average "
          f"{bench_web.load_average()}; CPU ms per request")  # fmt: skip
    print(f"{'setting':32} {'req/s':>7} {'p50':>5} {'workers':>8} {'postgres':>8} "
          f"{'locust':>7} {'load':>5}")  # fmt: skip
    rows: dict[str, list[dict]] = {setting: [] for setting in settings}
    for _ in range(args.rounds):
        for setting in settings:
            row = measure(args.database_url, setting, args, plan, folder)
            rows[setting].append(row)
            name = setting or "gunicorn.conf.py"
            cpu = f"{row['workers']:8.2f} {row['postgres']:8.2f} {row['locust']:7.2f}"
            print(f"{name:32} {row['rps']:7.1f} {row['p50'] or 0:5.0f} {cpu} {row['load']:5.1f}",
                  flush=True)  # fmt: skip
            time.sleep(1)
    print("\nmedian of the rounds")
    for setting, points in rows.items():
        middle = {key: statistics.median(p[key] for p in points)
                  for key in ("rps", "workers", "postgres", "locust")}  # fmt: skip
        cpu = f"{middle['workers']:8.2f} {middle['postgres']:8.2f} {middle['locust']:7.2f}"
        print(f"{setting or 'gunicorn.conf.py':32} {middle['rps']:7.1f} {'':5} {cpu}")


if __name__ == "__main__":
    main()
