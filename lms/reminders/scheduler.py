"""The APScheduler process: daily rules at 07.00 WIB, the outbox every minute.

It runs only from ``flask lms scheduler``: APScheduler's job store cannot be shared between
processes, so gunicorn workers must never start it. On PostgreSQL every app server may run one:
each firing of a job is run by the scheduler that takes the job's advisory lock and finds no run
of it recorded since that firing (:func:`elected`); the others skip it. On SQLite there is one app
server and one scheduler process, so there is nothing to elect. Running twice by mistake is safe
either way: reminder keys and outbox claims in the database make every send happen once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy import exists, func, select

from lms.extensions import db
from lms.reminders.models import JobRun

#: Daily jobs other features add (name -> (job, the setting holding its hour in WIB)); a job
#: takes the time of the run and returns counts for the job-run record, as the rules do.
DAILY_JOBS: dict[str, tuple[Callable[[datetime], dict], str]] = {}


def daily_job(name: str, hour_setting: str):
    """Decorator: run the decorated job once a day at ``config[hour_setting]`` o'clock WIB."""

    def register(fn: Callable[[datetime], dict]) -> Callable[[datetime], dict]:
        DAILY_JOBS[name] = (fn, hour_setting)
        return fn

    return register


def lock_key(name: str) -> int:
    """The advisory lock key of job ``name``: a stable signed 64-bit number."""
    digest = hashlib.sha256(f"sinau-job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def elected(name: str, fired_at: datetime) -> Iterator[bool]:
    """Whether this scheduler runs the firing of job ``name`` at ``fired_at`` (naive UTC).

    PostgreSQL: yes for the scheduler holding the job's advisory lock, unless a run of the job
    started at or after ``fired_at`` is already recorded. The lock is held on a connection of its
    own until the run is recorded (``run_job`` commits it), so a scheduler firing a moment later
    finds that record. A scheduler that dies lets go of the lock with its connection.
    SQLite: always yes (one scheduler process, README "Production deployment").
    """
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with db.engine.connect() as conn:
        locked = bool(conn.scalar(select(func.pg_try_advisory_lock(key))))
        conn.commit()  # the lock outlives the transaction; no transaction stays open
        try:
            ran = locked and db.session.scalar(
                select(exists().where(JobRun.job == name, JobRun.started_at >= fired_at))
            )
            yield locked and not ran
        finally:
            if locked:
                conn.execute(select(func.pg_advisory_unlock(key)))
                conn.commit()


def build_scheduler(app: Flask, scheduler_class: type = BlockingScheduler) -> BaseScheduler:
    """The scheduler with its jobs, not yet started (tests pass a BackgroundScheduler)."""
    from lms.reminders.outbox import deliver
    from lms.reminders.services import run_job, run_rules

    def in_app(name: str, fn: Callable[[datetime], dict], trigger: BaseTrigger, every: timedelta):
        """Job ``name`` as the scheduler calls it; tests call it with ``now`` (aware)."""

        def job(now: datetime | None = None) -> None:
            now = now or datetime.now(UTC)
            # The firing this call belongs to: the trigger's last time at or before ``now``.
            fired = trigger.get_next_fire_time(None, now - every + timedelta(seconds=1)) or now
            with app.app_context(), elected(name, _naive_utc(min(fired, now))) as chosen:
                if chosen:
                    run_job(name, fn, _naive_utc(now))
                else:
                    app.logger.info("job %s: this firing is run by another scheduler", name)

        return job

    def add(name: str, fn: Callable[[datetime], dict], trigger: BaseTrigger, every: timedelta):
        scheduler.add_job(
            in_app(name, fn, trigger, every), trigger, id=name, name=name, replace_existing=True
        )

    scheduler = scheduler_class(
        timezone="Asia/Jakarta",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    day = timedelta(days=1)
    wib = "Asia/Jakarta"
    add(
        "reminders",
        run_rules,
        CronTrigger(hour=app.config["REMIND_HOUR"], minute=0, timezone=wib),
        day,
    )
    # Digests fall due on Monday 07.00 WIB; an extra run then picks them up on time even if
    # the daily hour was moved.
    add(
        "digests",
        lambda now: run_rules(now, {"head_digest", "hr_digest", "hr_summary"}),
        CronTrigger(hour=app.config["DIGEST_HOUR"], minute=5, timezone=wib),
        day,
    )
    for name, (fn, hour_setting) in sorted(DAILY_JOBS.items()):
        add(name, fn, CronTrigger(hour=app.config[hour_setting], minute=30, timezone=wib), day)
    # At the start of every minute (not a minute after each process started), so the schedulers
    # of several app servers fire together and elect one runner.
    add("outbox", deliver, CronTrigger(minute="*", timezone=wib), timedelta(minutes=1))
    return scheduler


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
