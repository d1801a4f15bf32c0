"""Emails with their own wording and links: features register them here by notification rule.

Most notifications share one email (``email/notification.*``: a title, a body, "Buka di Sinau").
An email that says something else, or whose link is a secret (account activation, "Lupa kata
sandi"), registers its templates and a function that gives their context. The outbox composes
the email when it sends it, so a secret link never waits in the database in readable form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lms.reminders.models import Notification


@dataclass(frozen=True)
class EmailKind:
    """How to write the email of one notification rule."""

    #: Template path without extension; ``.txt`` and ``.html`` are both rendered.
    template: str
    #: (notification, reveal) -> context for the templates, with ``link``. With ``reveal``
    #: False (the admin reading the outbox) a secret link must be left out.
    context: Callable[[Notification, bool], dict]
    #: (notification, now) -> whether the email is still worth sending (a replaced link is
    #: not); otherwise the outbox skips it.
    still_due: Callable[[Notification, datetime], bool] = lambda notification, now: True
    #: Sent before everything else queued (a person is waiting for it right now).
    urgent: bool = False


#: Notification rule -> its email; rules not listed use the shared notification email.
EMAILS: dict[str, EmailKind] = {}


def register(rule: str, kind: EmailKind) -> None:
    """Make notifications of ``rule`` use ``kind``'s templates and context."""
    if rule in EMAILS and EMAILS[rule] != kind:
        raise RuntimeError(f"email for {rule!r} registered twice")
    EMAILS[rule] = kind


def urgent_rules() -> list[str]:
    return [rule for rule, kind in EMAILS.items() if kind.urgent]
