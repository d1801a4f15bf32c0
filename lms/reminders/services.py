"""Creating reminders once and recording job runs; sending them is lms/reminders/outbox.py."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial

from flask import current_app
from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    exists,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from lms.accounts.models import User
from lms.extensions import db
from lms.i18n import utcnow
from lms.reminders import digests as _digests  # noqa: F401 - registers the digest rules
from lms.reminders.connections import side_by_side
from lms.reminders.models import JobRun, Notification, NotificationSetting, OutboxMessage
from lms.reminders.outbox import deliver
from lms.reminders.rules import (
    BEFORE_RUN,
    LAST,
    Batch,
    Due,
    Rule,
    Step,
    fresh,
    in_order,
    one_run,
)
from lms.sql import insert_or_ignore, retry_when_locked, rollback_quietly

CATEGORIES = ("course", "action", "escalation", "digest", "summary")
#: Categories nobody can switch off by email: an activation or reset link must arrive.
ALWAYS_EMAILED = ("account",)
BATCH = 2000


def record(batch: list[Due], now: datetime) -> list[int]:
    """Create the notifications of ``batch`` and queue their emails; return the new ids.

    Rules leave out existing keys in their own queries; the unique key still guards the
    insert (``ON CONFLICT DO NOTHING``), so two processes running the same rule at the same
    moment create each reminder once.
    """
    if not batch:
        return []
    if _postgresql():
        return list(db.session.scalars(_with_emails(_insert_unnested(batch, now), now)))
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
    ]
    created = list(
        db.session.scalars(insert_or_ignore(Notification).returning(Notification.id), rows)
    )
    if created:
        _queue_emails_from(min(created), now)
    return created


def _insert_unnested(batch: list[Due], now: datetime):
    """PostgreSQL: ``INSERT ... SELECT`` of ``batch`` from one array per column (``unnest``):
    a statement of fixed shape, whatever the number of rows."""
    columns = {
        "user_id": (Integer, [d.user_id for d in batch]),
        "key": (String, [d.key for d in batch]),
        "category": (String, [d.category for d in batch]),
        "rule": (String, [d.rule for d in batch]),
        "title": (String, [d.title[:300] for d in batch]),
        "body": (Text, [d.body for d in batch]),
        "url": (String, [d.url for d in batch]),
        "data": (Text, [None if d.data is None else json.dumps(d.data) for d in batch]),
    }
    arrays = [bindparam(f"due_{c}", values, type_=ARRAY(t)) for c, (t, values) in columns.items()]
    rows = func.unnest(*arrays).table_valued(*columns, name="due").render_derived()
    return insert_or_ignore(Notification).from_select(
        [*columns, "created_at"],
        select(
            *(rows.c[name] for name in columns if name != "data"),
            cast(rows.c.data, JSON),
            literal(now, DateTime),
        ),
    )


def record_batches(batches: list[Batch], now: datetime) -> int:
    """Create the reminders of a rule's :class:`Batch` es in one ``INSERT ... SELECT``: their
    selects joined by ``UNION ALL``, each with its words, and the keys that exist already left
    out once for all of them (:func:`fresh`; one look at the notifications, not one per
    batch). Their emails are queued in the same statement on PostgreSQL (a data-modifying CTE),
    in a second one on SQLite."""
    parts = []
    for batch in batches:
        found = batch.people.subquery()
        user_id, key = list(found.c)[:2]
        parts.append(
            select(
                user_id.label("user_id"),
                key.label("key"),
                literal(batch.category, String).label("category"),
                literal(batch.rule, String).label("rule"),
                literal(batch.title[:300], String).label("title"),
                literal(batch.body, Text).label("body"),
                literal(batch.url, String).label("url"),
            ).where(user_id.is_not(None))
        )
    found = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("candidates")
    columns = ["user_id", "key", "category", "rule", "title", "body", "url"]
    rows = select(*(found.c[c] for c in columns), literal(now, DateTime)).where(fresh(found.c.key))
    insert = insert_or_ignore(Notification).from_select([*columns, "created_at"], rows)
    if _postgresql():
        made = _with_emails(insert, now).subquery("made")
        return db.session.scalar(select(func.count()).select_from(made)) or 0
    made = db.session.execute(insert).rowcount
    if made > 0:
        # The new rows are the ``made`` highest ids: SQLite gives a new row the largest id
        # plus one, and no other writer can insert while this transaction writes.
        last = db.session.scalar(select(func.max(Notification.id)))
        _queue_emails_from(last - made + 1, now)
    return max(made, 0)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


_OUTBOX_COLUMNS = ["notification_id", "to_address", "status", "attempts", "next_attempt_at",
                   "created_at"]  # fmt: skip


def _emails(notification_id, user_id, category, now: datetime):
    """The outbox rows of new notifications (columns given): one per notification whose person
    is active, has an email address and has not turned its category off."""
    muted = exists().where(
        NotificationSetting.user_id == user_id,
        NotificationSetting.category == category,
        NotificationSetting.email.is_(False),
        category.not_in(ALWAYS_EMAILED),
    )
    return (
        select(
            notification_id,
            User.email,
            literal("queued", String),
            literal(0, Integer),
            literal(now, DateTime),
            literal(now, DateTime),
        )
        .join_from(notification_id.table, User, User.id == user_id)
        .where(User.active.is_(True), User.email.is_not(None), ~muted)
    )


def _with_emails(insert, now: datetime):
    """PostgreSQL: ``insert`` (into notifications) as a CTE that also queues the emails of the
    rows it made, in the same statement; selects the new notifications' ids."""
    made = insert.returning(Notification.id, Notification.user_id, Notification.category).cte(
        "made"
    )
    emails = (
        sa_insert(OutboxMessage)
        .from_select(_OUTBOX_COLUMNS, _emails(made.c.id, made.c.user_id, made.c.category, now))
        .cte("emails")
    )
    return select(made.c.id).add_cte(emails)


def _queue_emails_from(first: int, now: datetime) -> None:
    """SQLite: queue the emails of the notifications this transaction just made, the first of
    them ``first``. Every notification from ``first`` on is this transaction's: SQLite lets one
    writer in at a time, so nobody else added one since, and a new row's id is one above the
    largest before it."""
    rows = _emails(Notification.id, Notification.user_id, Notification.category, now)
    db.session.execute(
        sa_insert(OutboxMessage).from_select(_OUTBOX_COLUMNS, rows.where(Notification.id >= first))
    )


def run_rules(
    now: datetime,
    names: Iterable[str] | None = None,
    timings: dict[str, tuple[float, float]] | None = None,
) -> dict[str, int]:
    """Run every enabled rule (or ``names``) for ``now``; return how many reminders each made.

    A full run first runs the steps features registered in ``BEFORE_RUN``. Within one run,
    what rules share (the courses' obligations, the chain of heads) is computed once. On
    PostgreSQL the rules then go over ``REMIND_CONNECTIONS`` connections at once (each rule in
    its own transactions, as always; the ``last`` ones, the digests, after all others), since a
    province's run is mostly the database writing reminders; SQLite has one writer, so there
    they run one after another. ``timings``, when given, receives the seconds each step and
    rule took, wall clock and the CPU of the thread that ran it (for the benchmark).
    """
    disabled = set(current_app.config["REMIND_DISABLED"])
    counts: dict[str, int] = {}
    chosen = [
        (name, fn)
        for name, fn in in_order()
        if (names is None or name in names) and name not in disabled
    ]
    with one_run():
        connections = current_app.config["REMIND_CONNECTIONS"] if _postgresql() else 1
        if names is None:
            for name, step in BEFORE_RUN.items():
                started = _clocks()
                counts[name] = _run_step(step, now, connections)
                if timings is not None:
                    timings[name] = _since(started)
        first = [(name, fn) for name, fn in chosen if name not in LAST]
        if connections > 1 and len(first) > 1:
            tasks = [(name, partial(_run_rule, name, fn, now, timings)) for name, fn in first]
            counts.update(side_by_side(tasks, connections))
        else:
            counts.update({name: _run_rule(name, fn, now, timings) for name, fn in first})
        for name, fn in chosen:
            if name in LAST:
                counts[name] = _run_rule(name, fn, now, timings)
    return counts


def _run_step(step: Step, now: datetime, connections: int) -> int:
    """A step before the rules, in its own transaction; its parts side by side when it has
    them and there are several connections."""
    parts = step.parts(connections) if step.parts is not None and connections > 1 else []
    if len(parts) < 2:
        return retry_when_locked(lambda: _tuned() or step.fn(now)) or 0
    tasks = [
        (i, partial(retry_when_locked, lambda p=p: _tuned() or step.fn(now, p)))
        for i, p in enumerate(parts)
    ]
    return sum(n or 0 for n in side_by_side(tasks, connections).values())


def _run_rule(
    name: str, fn: Rule, now: datetime, timings: dict[str, tuple[float, float]] | None
) -> int:
    """Run one rule: its :class:`Due` rows recorded in batches, its :class:`Batch` es in one
    statement; each write in a transaction of its own (retried while SQLite is locked)."""
    started = _clocks()
    made = 0
    dues: list[Due] = []
    batches: list[Batch] = []
    _tuned()  # for the rule's own queries, run in the transaction this begins
    for found in fn(now):
        if isinstance(found, Batch):
            batches.append(found)
            continue
        dues.append(found)
        if len(dues) >= BATCH:
            made += len(retry_when_locked(lambda d=dues: _tuned() or record(d, now)) or [])
            dues = []
    if dues:
        made += len(retry_when_locked(lambda d=dues: _tuned() or record(d, now)) or [])
    if batches:
        made += retry_when_locked(lambda b=batches: _tuned() or record_batches(b, now)) or 0
    if timings is not None:
        timings[name] = _since(started)
    return made


def _tuned() -> None:
    """PostgreSQL: settings for this transaction of a reminder run. Its queries hash a whole
    province (100,000 people, several hundred thousand reminder keys): with the default 4 MB
    of ``work_mem`` the hashes spill to disk; and just-in-time compilation, which the planner
    switches on for statements this large, costs more than it saves on them."""
    if _postgresql():
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
        db.session.execute(text("SET LOCAL jit = off"))


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.thread_time()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    return tuple(now - then for now, then in zip(_clocks(), started, strict=True))


# -- jobs -------------------------------------------------------------------------------------


def one_line(exc: BaseException) -> str:
    """An exception as one readable line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:1000]


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
        rollback_quietly()
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
            rollback_quietly()
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
