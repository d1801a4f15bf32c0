"""The APScheduler process: daily rules at 07.00 WIB, the outbox every minute.

It runs only from ``flask lms scheduler``: APScheduler's job store cannot be shared between
processes, so gunicorn workers must never start it. Running twice by mistake is still safe:
reminder keys and outbox claims in the database make every send happen once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

#: Daily jobs other features add (name -> (job, the setting holding its hour in WIB)); a job
#: takes the time of the run and returns counts for the job-run record, as the rules do.
DAILY_JOBS: dict[str, tuple[Callable[[datetime], dict], str]] = {}


def daily_job(name: str, hour_setting: str):
    """Decorator: run the decorated job once a day at ``config[hour_setting]`` o'clock WIB."""

    def register(fn: Callable[[datetime], dict]) -> Callable[[datetime], dict]:
        DAILY_JOBS[name] = (fn, hour_setting)
        return fn

    return register


def build_scheduler(app: Flask, scheduler_class: type = BlockingScheduler) -> BaseScheduler:
    """The scheduler with its jobs, not yet started (tests pass a BackgroundScheduler)."""
    from lms.reminders.services import deliver, run_job, run_rules

    def in_app(name, fn):
        def job():
            with app.app_context():
                run_job(name, fn)

        return job

    scheduler = scheduler_class(
        timezone="Asia/Jakarta",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    hour = app.config["REMIND_HOUR"]
    scheduler.add_job(
        in_app("reminders", run_rules),
        CronTrigger(hour=hour, minute=0, timezone="Asia/Jakarta"),
        id="reminders",
        name="reminders",
        replace_existing=True,
    )
    # Digests fall due on Monday 07.00 WIB; an extra run then picks them up on time even if
    # the daily hour was moved.
    scheduler.add_job(
        in_app("digests", lambda now: run_rules(now, {"head_digest", "hr_digest", "hr_summary"})),
        CronTrigger(hour=app.config["DIGEST_HOUR"], minute=5, timezone="Asia/Jakarta"),
        id="digests",
        name="digests",
        replace_existing=True,
    )
    for name, (fn, hour_setting) in sorted(DAILY_JOBS.items()):
        scheduler.add_job(
            in_app(name, fn),
            CronTrigger(hour=app.config[hour_setting], minute=30, timezone="Asia/Jakarta"),
            id=name,
            name=name,
            replace_existing=True,
        )
    scheduler.add_job(
        in_app("outbox", deliver),
        IntervalTrigger(minutes=1),
        id="outbox",
        name="outbox",
        replace_existing=True,
    )
    return scheduler
