"""Faults leave a clear trace (issue 16, point 11): a real SMTP server (aiosmtpd) and a real
database fault: while SMTP accepts an email, the database goes away (SQLite: another connection
takes an exclusive lock; PostgreSQL: the sender's connections are terminated)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select, update

from lms.i18n import utcnow
from lms.reminders import outbox, services
from lms.reminders.models import JobRun, OutboxMessage
from tests.reminders.conftest import DEADLINE, at

ROOT = Path(__file__).resolve().parents[2]


class DatabaseFault:
    """Takes the database away once, from the SMTP server's thread, and gives it back later."""

    def __init__(self, url: str, back_after: float) -> None:
        self.url = url
        self.back_after = back_after
        self.lock: sqlite3.Connection | None = None
        self.done = threading.Event()

    def strike(self) -> None:
        if self.done.is_set():
            return
        self.done.set()
        if self.url.startswith("sqlite"):
            self.lock = sqlite3.connect(
                self.url.removeprefix("sqlite:///"), timeout=30, check_same_thread=False
            )
            self.lock.isolation_level = None
            self.lock.execute("BEGIN EXCLUSIVE")
            threading.Timer(self.back_after, self.give_back).start()
        else:
            dsn = self.url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )

    def give_back(self) -> None:
        if self.lock is not None:
            self.lock.execute("ROLLBACK")
            self.lock.close()
            self.lock = None


@pytest.fixture
def fault(smtp, database_url):
    """The database fails the moment the SMTP server has accepted the first email."""
    fault = DatabaseFault(database_url, back_after=12)  # past SQLite's 10 s busy timeout
    accept = smtp.inbox.handle_DATA

    async def handle_data(server, session, envelope):
        answer = await accept(server, session, envelope)
        fault.strike()
        return answer

    smtp.inbox.handle_DATA = handle_data
    yield fault
    fault.give_back()


def test_database_lost_after_smtp_accepted_is_recorded_and_the_repeat_is_recognisable(
    mail_app, smtp, world, db, fault
):
    moment = at(DEADLINE - timedelta(days=7))
    services.run_rules(moment)
    db.session.commit()
    mail_app.config["JOB_RECORD_WAIT"] = 30
    run = services.run_job("outbox", lambda now: outbox.deliver(now, limit=1), moment)
    # (b) The failed run is in job_runs: recorded once the database answered again.
    assert run.error and run.id is not None
    db.session.expire_all()
    recorded = db.session.scalars(select(JobRun).where(JobRun.job == "outbox")).all()
    assert [r.error for r in recorded] == [run.error]
    assert len(smtp.inbox.messages) == 1
    first = smtp.inbox.messages[0]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == "sending"))
    assert message is not None and message.sent_at is None  # "sent" never committed
    # (c) The claim is judged by the wall clock: eleven minutes later, the same --now (a fixed
    # moment, weeks ahead of the clock) recovers it.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(claimed_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()
    outbox.deliver(moment, limit=1)
    db.session.expire_all()
    again = db.session.get(OutboxMessage, message.id)
    assert again.status == "sent"
    # (a) The repeat carries the same Message-ID, derived from the outbox row alone, and the
    # row says it may have arrived twice.
    repeats = [m for m in smtp.inbox.messages if m["X-Sinau-Key"] == first["X-Sinau-Key"]]
    assert len(repeats) == 2
    assert repeats[0]["Message-ID"] == repeats[1]["Message-ID"]
    assert (
        repeats[0]["Message-ID"]
        == f"<sinau-outbox-{message.id}-{message.notification_id}@jatimprov.go.id>"
    )
    assert again.last_error.startswith(outbox.UNCERTAIN_MARK)


def test_message_id_is_the_same_for_every_send_of_a_row_and_differs_between_rows(
    mail_app, smtp, world, db
):
    moment = at(DEADLINE - timedelta(days=7))
    services.run_rules(moment)
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(rows) >= 2
    ids = [outbox.compose(m)["Message-ID"] for m in rows]
    assert ids == [outbox.compose(m)["Message-ID"] for m in rows]
    assert len(set(ids)) == len(ids)


def test_stale_claim_is_judged_by_the_wall_clock_not_the_runs_now(mail_app, smtp, world, db):
    moment = at(DEADLINE - timedelta(days=7))
    services.run_rules(moment)
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    # A sender died after claiming it five minutes ago (wall clock): not stale yet, whatever
    # --now says; eleven minutes ago: stale, even for a --now earlier than the claim.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(status="sending", claimed_at=utcnow() - timedelta(minutes=5))
    )
    db.session.commit()
    outbox.deliver(moment + timedelta(days=30))
    sent = smtp.inbox.keys()
    assert message.notification.key not in sent
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(claimed_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()
    outbox.deliver(moment - timedelta(days=365))
    assert smtp.inbox.keys().count(message.notification.key) == 1


def test_remind_without_a_database_ends_with_one_clear_line_and_a_non_zero_exit(
    database_url, tmp_path
):
    if database_url.startswith("sqlite"):
        gone = f"sqlite:///{tmp_path}/missing/dir/sinau.sqlite"
    else:
        gone = "postgresql+psycopg://postgres@127.0.0.1:1/sinau"
    env = {
        **os.environ,
        "DATABASE_URL": gone,
        "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
        "LMS_JOB_RECORD_WAIT": "1",
        "LMS_SMTP_HOST": "127.0.0.1",  # so the outbox job reads the database too
        "LMS_SMTP_PORT": "1",
        "FLASK_APP": "lms",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "lms", "remind", "--now", "2026-12-24T07:00"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Gagal: reminders: OperationalError: ")
    assert "outbox: OperationalError: " in last and "belum tercatat" in last
