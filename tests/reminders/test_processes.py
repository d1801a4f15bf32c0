"""Two `flask lms remind` processes at the same moment still send each reminder once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from lms.reminders.models import OutboxMessage
from tests.reminders.conftest import DEADLINE

ROOT = Path(__file__).resolve().parents[2]


def test_two_remind_processes_at_once_send_one_email_per_reminder(
    app, db, smtp, world, database_url, tmp_path
):
    for n in range(40):
        from tests.factories import make_user

        make_user(email=f"staf{n}@jatimprov.go.id")
    db.session.commit()
    moment = (DEADLINE - timedelta(days=7)).isoformat() + "T07:00:00+07:00"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
        "LMS_SMTP_HOST": "127.0.0.1",
        "LMS_SMTP_PORT": str(smtp.port),
        "FLASK_APP": "lms",
    }
    command = [sys.executable, "-m", "flask", "lms", "remind", "--now", moment]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
    db.session.expire_all()
    queued = db.session.scalar(select(func.count(OutboxMessage.id)))
    assert queued >= 42  # 41 late learners + the head, at least
    keys = smtp.inbox.keys()
    assert len(keys) == queued
    assert len(set(keys)) == len(keys)
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "sent")
        )
        == queued
    )
