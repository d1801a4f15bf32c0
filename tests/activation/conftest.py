"""Fixtures for activation and "Lupa kata sandi": a real SMTP server and reading its mail."""

from __future__ import annotations

import re

import pytest

from tests.reminders.conftest import SmtpServer, free_port


@pytest.fixture
def smtp():
    """A running SMTP server (aiosmtpd) on 127.0.0.1."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5)
    return app


LINK = re.compile(r"https?://\S+/(activate|reset)/([A-Za-z0-9_-]+)")


def link_in(message) -> tuple[str, str]:
    """(kind, path) of the one secret link in an email's plain text and HTML."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    found = LINK.search(text)
    assert found, text
    assert found.group(0) in html
    return found.group(1), f"/{found.group(1)}/{found.group(2)}"


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]
