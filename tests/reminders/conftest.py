"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the reminder tests."""

from __future__ import annotations

import socket
import threading
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from lms.courses import services as courses
from lms.courses.models import Course
from tests.factories import make_unit, make_user, sync, write_course


class Inbox:
    """Collects every message the server accepts."""

    def __init__(self) -> None:
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def keys(self) -> list[str]:
        return [m["X-Sinau-Key"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    """A running SMTP server; ``smtp.stop()`` / ``smtp.start()`` take it down and up."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5)
    return app


DEADLINE = date(2026, 12, 31)


def at(day: date, hour: int = 7, minute: int = 0) -> datetime:
    """A WIB wall-clock moment as the naive UTC the services take."""
    return datetime(day.year, day.month, day.day, hour, minute) - timedelta(hours=7)  # WIB = UTC+7


@pytest.fixture
def world(db, tmp_path):
    """A unit with its head, a late learner, one who finished, one deactivated, and HR."""
    write_course(tmp_path, slug="etika-ai", gift=None, mandatory=True, deadline=DEADLINE)
    sync(tmp_path)
    # The course was "assigned" (created) well before the reminders start.
    course = db.session.scalar(select(Course))
    course.created_at = datetime(2026, 11, 1)
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi Informatika", parent=opd)
    head = make_user(unit=bidang, email="kepala@jatimprov.go.id", roles={"learner", "unit_head"})
    bidang.head = head
    late = make_user(unit=bidang, email="rina@jatimprov.go.id")
    done = make_user(unit=bidang, email="fajar@jatimprov.go.id")
    gone = make_user(unit=bidang, email="pensiun@jatimprov.go.id", active=False)
    hr = make_user(unit=opd, email="bkd@jatimprov.go.id", roles={"learner", "hr"})
    enrollment = courses.enroll(done, course, datetime(2026, 11, 2))
    for lesson in courses.current_lessons(course):
        courses.complete_lesson(enrollment, lesson, datetime(2026, 11, 3))
    db.session.commit()
    return {"course": course, "head": head, "late": late, "done": done, "gone": gone, "hr": hr}
