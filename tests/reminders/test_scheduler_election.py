"""Several app servers each run ``flask lms scheduler`` against one PostgreSQL: every firing of
every job runs once, on one of them (an advisory lock per job, then the job-run record)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from lms.extensions import db
from lms.reminders.models import JobRun
from lms.reminders.scheduler import DAILY_JOBS, build_scheduler, lock_key


@pytest.fixture
def now():
    """The start of this minute. Job-run records carry the wall clock, so a test's firings must
    be real moments: at or before the runs they should find, after those they should not."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def servers(make_app, database_url):
    """Two apps, as on two app servers: each its own engine and connections."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several schedulers need PostgreSQL; on SQLite one process runs them all")
    return make_app(), make_app()


def jobs_of(app):
    return {job.id: job.func for job in build_scheduler(app, BackgroundScheduler).get_jobs()}


def runs(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(JobRun.job, func.count()).group_by(JobRun.job)).all()
        return dict(rows)


def together(*calls):
    """Start the calls at the same moment, each in its own thread; re-raise what they raise."""
    barrier = threading.Barrier(len(calls))

    def go(call):
        barrier.wait()
        call()

    with ThreadPoolExecutor(len(calls)) as pool:
        for future in [pool.submit(go, call) for call in calls]:
            future.result()


def test_two_schedulers_firing_together_run_each_job_once(servers, now):
    a, b = servers
    jobs_a, jobs_b = jobs_of(a), jobs_of(b)
    assert set(jobs_a) == set(jobs_b) and {"reminders", "digests", "outbox"} <= set(jobs_a)
    for name in jobs_a:
        together(lambda n=name: jobs_a[n](now), lambda n=name: jobs_b[n](now))
    assert runs(a) == dict.fromkeys(jobs_a, 1)
    # A scheduler that runs the same firing late (busy, restarted) finds the run done.
    for name in jobs_a:
        jobs_b[name](now)
    assert runs(a) == dict.fromkeys(jobs_a, 1)


def test_a_later_firing_runs_again_on_either_server(servers, now):
    a, b = servers
    jobs_a, jobs_b = jobs_of(a), jobs_of(b)
    jobs_a["outbox"](now)
    jobs_b["outbox"](now + timedelta(minutes=5))  # a firing after the first run
    jobs_a["reminders"](now)
    jobs_a["reminders"](now + timedelta(days=1))  # tomorrow's firing
    assert runs(a) == {"outbox": 2, "reminders": 2}


def test_a_slow_run_keeps_the_other_scheduler_out_until_it_is_recorded(servers, now, monkeypatch):
    calls = []

    def slow(now):
        calls.append(threading.current_thread().name)
        time.sleep(1.0)  # the other scheduler fires meanwhile; nothing is recorded yet
        return {"done": 1}

    monkeypatch.setitem(DAILY_JOBS, "slow", (slow, "REMIND_HOUR"))
    a, b = servers
    slow_a, slow_b = jobs_of(a)["slow"], jobs_of(b)["slow"]
    together(lambda: slow_a(now), lambda: slow_b(now))
    assert len(calls) == 1
    assert runs(a) == {"slow": 1}


def test_each_job_has_its_own_lock():
    keys = {lock_key(name) for name in ("reminders", "digests", "outbox", "retention")}
    assert len(keys) == 4 and all(-(2**63) <= key < 2**63 for key in keys)
