"""One point of the web load benchmark: Locust users against one server for a fixed time.

Run by bench/bench_web.py with the interpreter of the load generator's own venv (Locust is
not one of Sinau's dependencies). Prints one line of JSON: requests, requests/s, p50, p95,
errors (with a sample), for the requests the scenario measures.

    bench/.venv-load/bin/python bench/web_load.py --host http://127.0.0.1:8000 \
        --scenario learner --users 8 --seconds 15 --plan '{"lesson": "/courses/..."}'

Scenarios (each user loops without pause, a closed loop of ``--users`` at once):
- ``floor``: GET / of the floor app (bench/floor_app.py).
- ``signin``: GET /login for the CSRF token, POST /login with the right password, each time
  as a new browser (no cookies): the POST is measured.
- ``learner``: signed in once as a learner of their own, GET the dashboard, Pembelajaran
  saya, the catalogue and a lesson, in turn.
- ``quiz``: signed in once, POST start of the quiz, POST its submission (graded): both measured.
- ``report``: signed in once as HR, GET the unit report of a 100-person unit.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import time

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from signin import CSRF

ATTEMPT = re.compile(r"/attempts/(\d+)")
PLAN: dict = {}
_numbers = itertools.count()
ERRORS: list[str] = []


class Base(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def token(self, path: str) -> str:
        with self.client.get(path, name="setup", catch_response=True) as response:
            found = CSRF.search(response.text or "")
            if not found:
                response.failure(f"no CSRF token on {path}")
                raise RuntimeError(f"no CSRF token on {path}: {response.status_code}")
            return found.group(1)

    def sign_in(self, identifier: str, name: str = "setup") -> None:
        self.client.cookiejar.clear()
        csrf = self.token("/login")
        with self.client.post(
            "/login",
            data={"identifier": identifier, "password": PLAN["password"], "csrf_token": csrf},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
        self.csrf = csrf

    def learner_id(self) -> str:
        """The next learner's NIP: each user signs in as someone else."""
        ids = PLAN["learner_ids"]
        return ids[next(_numbers) % len(ids)]


class Floor(Base):
    @task
    def floor(self):
        self.client.get("/", name="measured")


class SignIn(Base):
    @task
    def sign_in_again(self):
        self.sign_in(self.learner_id(), name="measured")


class Learner(Base):
    def on_start(self):
        self.sign_in(self.learner_id())
        self.pages = itertools.cycle(["/", "/learning", "/courses", PLAN["lesson"]])

    @task
    def page(self):
        self.client.get(next(self.pages), name="measured")


class Quiz(Base):
    def on_start(self):
        self.sign_in(self.learner_id())
        # Signing in starts a fresh session, and with it a new CSRF token.
        self.csrf = self.token(PLAN["quiz_start"].removesuffix("/start"))

    @task
    def start_and_submit(self):
        data = {"csrf_token": self.csrf}
        with self.client.post(
            PLAN["quiz_start"], data=data, name="measured", allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            found = ATTEMPT.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                response.failure(f"start answered {response.status_code}")
                return
        with self.client.post(
            f"/attempts/{found.group(1)}/submit", data=data | {"confirm": "1"}, name="measured",
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302 or "/review" not in response.headers.get("Location", ""):
                response.failure(f"submit answered {response.status_code}")


class Report(Base):
    def on_start(self):
        self.sign_in(PLAN["hr"])

    @task
    def report(self):
        self.client.get(PLAN["report"], name="measured")


SCENARIOS = {"floor": Floor, "signin": SignIn, "learner": Learner, "quiz": Quiz, "report": Report}


@events.request.add_listener
def _keep_error(name, exception, response, **_kwargs):
    if exception is not None and name == "measured" and len(ERRORS) < 5:
        status = getattr(response, "status_code", None)
        ERRORS.append(f"{status}: {str(exception)[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--scenario", choices=SCENARIOS, required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--plan", default="{}", help="JSON: accounts, URLs")
    args = parser.parse_args()
    PLAN.update(json.loads(args.plan))
    env = Environment(user_classes=[SCENARIOS[args.scenario]], host=args.host, events=events)
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=args.users)
    gevent.sleep(args.warmup)  # every user started and signed in; caches warm
    env.stats.reset_all()
    ERRORS.clear()
    started = time.perf_counter()
    gevent.sleep(args.seconds)
    measured = env.stats.get("measured", "GET") if args.scenario in {"floor", "learner", "report"} \
        else env.stats.get("measured", "POST")  # fmt: skip
    requests, failures = measured.num_requests, measured.num_failures
    p50 = measured.get_response_time_percentile(0.5) if requests else None
    p95 = measured.get_response_time_percentile(0.95) if requests else None
    elapsed = time.perf_counter() - started
    runner.quit()
    print(json.dumps({
        "scenario": args.scenario, "users": args.users, "seconds": round(elapsed, 2),
        "requests": requests, "rps": requests / elapsed, "p50_ms": p50, "p95_ms": p95,
        "errors": failures, "error_sample": ERRORS,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
