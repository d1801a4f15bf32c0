"""The real SMTP server (aiosmtpd) and an app that sends to it, as the reminder tests use them."""

from __future__ import annotations

from tests.reminders.conftest import mail_app, smtp  # noqa: F401
