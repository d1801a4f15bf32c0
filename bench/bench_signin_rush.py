"""A morning sign-in rush against real gunicorn, per worker class: does it starve other pages?

For each gunicorn setting (sync workers, gthread workers with threads), on one database:
``--rush`` clients sign in over and over (GET /login for the CSRF token, POST /login with the
right password, as a browser does; each sign-in is a new session), while ``--readers`` clients
already signed in load the learner dashboard ``/`` over and over. First the readers alone
(baseline), then both for ``--seconds``. Prints sign-ins/s, sign-in p50/p95, and the readers'
pages/s and p50/p95 alone and during the rush, plus errors (any status but 200/302).

Rate limits are switched off (every client comes from 127.0.0.1). The load generator runs on the
same machine, so it takes CPU from the server too: compare the lines with each other.

    python bench/bench_signin_rush.py [--database-url postgresql+psycopg://...] [--seconds 20]

SQLite (a temporary file) unless ``--database-url`` is given; that database's schema is dropped.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import requests
from signin import ROOT, empty_database, free_port, login_form, production_env, shared_password_hash

#: name -> gunicorn arguments of the pool serving pages, and of a pool of its own for sign-in
#: (as a proxy would route ``/login`` to it), or None when one pool serves everything.
SETTINGS = {
    "sync, 2 workers": (["-k", "sync", "-w", "2"], None),
    "sync, 4 workers": (["-k", "sync", "-w", "4"], None),
    "gthread, 2 workers x 4 threads": (["-k", "gthread", "-w", "2", "--threads", "4"], None),
    "sync 2 + sign-in pool sync 1": (["-k", "sync", "-w", "2"], ["-k", "sync", "-w", "1"]),
    "gthread 2x4 + sign-in pool sync 1": (
        ["-k", "gthread", "-w", "2", "--threads", "4"],
        ["-k", "sync", "-w", "1"],
    ),
}


def prepare(url: str, people: int) -> None:
    """Migrate an empty database and add ``people`` learners sharing one password."""
    from lms.accounts.services import create_user
    from lms.extensions import db
    from lms.notice.services import current_version
    from tests.factories import valid_nip

    with empty_database(url, "sinau-rush-"):
        hashed = shared_password_hash()
        for n in range(people):
            user = create_user(
                full_name=f"Pegawai {n}",
                nip=valid_nip(n),
                email=f"pegawai{n}@rush.test",
                privacy_version=current_version(),
            )
            user.password_hash = hashed
        db.session.commit()


def serve(url: str, args: list[str], folder: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = production_env(url, folder)
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", *args, "wsgi:app"]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    answer = "no answer"
    for _ in range(200):
        try:
            health = requests.get(f"{base}/healthz", timeout=10)
            if health.status_code == 200:
                return process, base
            answer = health.text
        except requests.RequestException as exc:
            answer = str(exc)
        time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn {' '.join(args)} is not healthy: {answer}")


def sign_in(browser: requests.Session, base: str, n: int) -> int:
    page = browser.get(f"{base}/login", timeout=60).text
    response = browser.post(
        f"{base}/login",
        data=login_form(page, f"pegawai{n}@rush.test"),
        allow_redirects=False,
        timeout=60,
    )
    return response.status_code


def run(base: str, login: str, people: int, rush: int, readers: int, seconds: float) -> dict:
    """Readers on ``base``; sign-ins (and the readers' own first one) on ``login``."""
    stop = threading.Event()
    signins: list[float] = []
    pages: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    ready = threading.Event()

    def reader(n: int) -> None:
        browser = requests.Session()
        sign_in(browser, login, n)
        ready.wait()
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status = browser.get(f"{base}/", timeout=60).status_code
            except requests.RequestException:
                status = 0  # reset or timed out: counted as an error
            with lock:
                if status == 200:
                    pages.append(time.perf_counter() - started)
                else:
                    errors.append(status)

    def rusher(n: int) -> None:
        ready.wait()
        k = n
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status = sign_in(requests.Session(), login, readers + k % (people - readers))
            except requests.RequestException:
                status = 0
            with lock:
                if status == 302:
                    signins.append(time.perf_counter() - started)
                else:
                    errors.append(status)
            k += rush

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    threads += [threading.Thread(target=rusher, args=(n,)) for n in range(rush)]
    for thread in threads:
        thread.start()
    time.sleep(3)  # readers sign in first
    ready.set()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return {"signins": signins, "pages": pages, "errors": errors, "seconds": seconds}


def ms(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100)[int(q * 100) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--rush", type=int, default=16, help="clients signing in at once")
    parser.add_argument("--readers", type=int, default=4, help="clients reading pages")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--only", help="run only the settings whose name contains this")
    parser.add_argument(
        "--rounds", type=int, default=1, help="settings alternate, round after round, so a busy "
        "moment of the machine does not fall on one setting only"
    )  # fmt: skip
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="sinau-rush-")
    url = args.database_url or f"sqlite:///{folder}/rush.sqlite"
    prepare(url, args.people)
    columns = f"{'pages/s':>7} {'p50':>6} {'p95':>6}"
    print(f"{'gunicorn':32} {'sign-in/s':>9} {'p50':>6} {'p95':>6} | {columns} alone | "
          f"{columns} in rush | errors   (ms)", flush=True)  # fmt: skip
    chosen = [(n, a) for n, a in SETTINGS.items() if not args.only or args.only in n]
    for name, (pages_args, login_args) in chosen * args.rounds:
        processes = [serve(url, pages_args, folder)]
        if login_args:
            processes.append(serve(url, login_args, folder))
        base, login = processes[0][1], processes[-1][1]
        try:
            alone = run(base, login, args.people, 0, args.readers, min(args.seconds, 6))
            rush = run(base, login, args.people, args.rush, args.readers, args.seconds)
        finally:
            for process, _ in processes:
                process.terminate()
                process.wait()
        s = rush["seconds"]
        print(
            f"{name:32} {len(rush['signins']) / s:9.1f} {ms(rush['signins'], 0.5):6.0f} "
            f"{ms(rush['signins'], 0.95):6.0f} | {len(alone['pages']) / alone['seconds']:7.1f} "
            f"{ms(alone['pages'], 0.5):6.0f} {ms(alone['pages'], 0.95):6.0f}       | "
            f"{len(rush['pages']) / s:7.1f} {ms(rush['pages'], 0.5):6.0f} "
            f"{ms(rush['pages'], 0.95):6.0f}         | {len(rush['errors'] + alone['errors'])}",
            flush=True,
        )


if __name__ == "__main__":
    main()
