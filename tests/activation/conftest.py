"""Fixtures for activation and "Lupa kata sandi": a real SMTP server and reading its mail."""

from __future__ import annotations

import re

# The real SMTP server (aiosmtpd) and an app that sends to it, as the reminder tests use them.
from tests.reminders.conftest import mail_app, smtp  # noqa: F401

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
