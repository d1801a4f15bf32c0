"""Creating reminders once and recording job runs; sending them is lms/reminders/outbox.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Text,
    and_,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.exc import DBAPIError

from lms.accounts.models import User
from lms.extensions import db
from lms.i18n import utcnow
from lms.reminders import digests as _digests  # noqa: F401 - registers the digest rules
from lms.reminders.models import JobRun, Notification, NotificationSetting, OutboxMessage
from lms.reminders.outbox import deliver
from lms.reminders.rules import BEFORE_RUN, Batch, Due, in_order, one_run
from lms.sql import insert_or_ignore, retry_when_locked

CATEGORIES = ("course", "action", "escalation", "digest", "summary")
#: Categories nobody can switch off by email: an activation or reset link must arrive.
ALWAYS_EMAILED = ("account",)
BATCH = 2000


def record(batch: list[Due], now: datetime) -> list[int]:
    """Create the notifications of ``batch`` whose keys do not exist yet, and queue their emails.

    The existing keys are left out by a query first; the unique key still guards the insert,
    so two processes running the same rule at the same moment create each reminder once.
    """
    keys = [d.key for d in batch]
    existing = set()
    for start in range(0, len(keys), 500):
        existing.update(
            db.session.scalars(
                select(Notification.key).where(Notification.key.in_(keys[start : start + 500]))
            )
        )
    rows = [
        {
            "user_id": d.user_id,
            "key": d.key,
            "category": d.category,
            "rule": d.rule,
            "title": d.title[:300],
            "body": d.body,
            "url": d.url,
            "data": d.data,
            "created_at": now,
        }
        for d in batch
        if d.key not in existing
    ]
    if not rows:
        return []
    created = list(
        db.session.scalars(insert_or_ignore(Notification).returning(Notification.id), rows)
    )
    for start in range(0, len(created), 500):
        _queue_emails(Notification.id.in_(created[start : start + 500]), now)
    return created


def record_batch(batch: Batch, now: datetime) -> int:
    """Create the reminders of a :class:`Batch` in one ``INSERT ... SELECT`` (the rule's select
    already left out existing keys), then queue their emails in a second one."""
    found = batch.people.subquery("candidates")
    user_id, key = list(found.c)[:2]
    before = db.session.scalar(select(func.coalesce(func.max(Notification.id), 0)))
    rows = select(
        user_id,
        key,
        literal(batch.category, String),
        literal(batch.rule, String),
        literal(batch.title[:300], String),
        literal(batch.body, Text),
        literal(batch.url, String),
        literal(now, DateTime),
    ).where(user_id.is_not(None))
    made = len(
        db.session.scalars(
            insert_or_ignore(Notification)
            .from_select(
                ["user_id", "key", "category", "rule", "title", "body", "url", "created_at"],
                rows,
            )
            .returning(Notification.id)
        ).all()
    )
    if made:
        _queue_emails(and_(Notification.id > before, Notification.rule == batch.rule), now)
    return made


def _queue_emails(which, now: datetime) -> None:
    """Queue an email for each notification ``which`` selects that has none yet, unless its
    person has no email address or turned the category off: one ``INSERT ... SELECT``."""
    muted = exists().where(
        NotificationSetting.user_id == User.id,
        NotificationSetting.category == Notification.category,
        NotificationSetting.email.is_(False),
        Notification.category.not_in(ALWAYS_EMAILED),
    )
    queued = exists().where(OutboxMessage.notification_id == Notification.id)
    rows = (
        select(
            Notification.id,
            User.email,
            literal("queued", String),
            literal(0, Integer),
            literal(now, DateTime),
            literal(now, DateTime),
        )
        .join(User, User.id == Notification.user_id)
        .where(which, User.active.is_(True), User.email.is_not(None), ~muted, ~queued)
    )
    db.session.execute(
        insert_or_ignore(OutboxMessage).from_select(
            [
                "notification_id",
                "to_address",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
            ],
            rows,
        )
    )


def run_rules(now: datetime, names: Iterable[str] | None = None) -> dict[str, int]:
    """Run every enabled rule (or ``names``) for ``now``; return how many reminders each made.

    A full run first runs the steps features registered in ``BEFORE_RUN``. Within one run,
    what rules share (the courses' obligations, the chain of heads) is computed once.
    """
    disabled = set(current_app.config["REMIND_DISABLED"])
    counts: dict[str, int] = {}
    with one_run():
        if names is None:
            for step, fn in BEFORE_RUN.items():
                counts[step] = retry_when_locked(lambda fn=fn: fn(now)) or 0
        for name, fn in in_order():
            if (names is not None and name not in names) or name in disabled:
                continue
            made = 0
            dues: list[Due] = []
            for found in fn(now):
                if isinstance(found, Batch):
                    made += retry_when_locked(lambda found=found: record_batch(found, now)) or 0
                    continue
                dues.append(found)
                if len(dues) >= BATCH:
                    made += len(retry_when_locked(lambda dues=dues: record(dues, now)) or [])
                    dues = []
            if dues:
                made += len(retry_when_locked(lambda dues=dues: record(dues, now)) or [])
            counts[name] = made
    return counts


# -- jobs -------------------------------------------------------------------------------------


def one_line(exc: BaseException) -> str:
    """An exception as one readable line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:1000]


def _rollback() -> None:
    """Roll back; when the database is gone the rollback fails too, and that is all right."""
    try:
        db.session.rollback()
    except Exception:
        db.session.close()


def run_job(name: str, fn: Callable[[datetime], dict], now: datetime | None = None) -> JobRun:
    """Run a job and keep a record of it (last run, duration, counts, error).

    A failure is logged on one line (the traceback only at debug level) and recorded too:
    when the database itself failed, the record waits for it to answer again (up to
    ``JOB_RECORD_WAIT`` seconds). ``run.id`` stays None when it never did.
    """
    now = now or utcnow()
    started = time.monotonic()
    run = JobRun(job=name, started_at=utcnow())
    try:
        counts = fn(now)
        error = None
    except Exception as exc:
        _rollback()
        counts, error = {}, one_line(exc)
        current_app.logger.error("job %s failed: %s", name, error)
        current_app.logger.debug("job %s failed", name, exc_info=True)
    run.finished_at = utcnow()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.counts = counts
    run.error = error
    _keep(run)
    return run


def _keep(run: JobRun) -> None:
    """Save ``run``, retrying while the database does not answer (locked, restarting)."""
    wait = current_app.config["JOB_RECORD_WAIT"]
    give_up = time.monotonic() + wait
    delay = 0.25
    while True:
        try:
            db.session.add(run)
            db.session.commit()
            return
        except DBAPIError as exc:
            _rollback()
            if time.monotonic() + delay > give_up:
                current_app.logger.error(
                    "job %s: its run could not be recorded: %s", run.job, one_line(exc)
                )
                run.id = None
                return
            time.sleep(delay)
            delay = min(delay * 2, 5)


def remind_all(now: datetime) -> dict[str, dict]:
    """What ``flask lms remind`` and the scheduler's daily job do: rules, then delivery."""
    runs = [run_job("reminders", run_rules, now), run_job("outbox", deliver, now)]
    result: dict[str, dict] = {run.job: run.counts for run in runs}
    failed = {run.job: {"error": run.error, "recorded": run.id is not None} for run in runs}
    if any(f["error"] for f in failed.values()):
        result["failed"] = {job: f for job, f in failed.items() if f["error"]}
    return result


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    )
