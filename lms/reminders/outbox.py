"""The email outbox: composing each notification's email, claiming, sending with back-off,
and marking what may have gone twice. Run by the scheduler every minute (``deliver``)."""

from __future__ import annotations

import re
import smtplib
import ssl
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app, render_template
from sqlalchemy import (
    and_,
    case,
    or_,
    select,
    update,
)

from lms.extensions import db
from lms.i18n import utcnow
from lms.reminders.emails import EMAILS, urgent_rules
from lms.reminders.models import Notification, OutboxMessage
from lms.sql import retry_when_locked

#: A claim older than this belongs to a sender that died; the message is tried again.
STALE_CLAIM = timedelta(minutes=10)
UNCERTAIN_MARK = "Mungkin terkirim dua kali"
#: Kept on a message whose earlier send was claimed but never recorded as done or failed.
UNCERTAIN = (
    UNCERTAIN_MARK + ": pengiriman sebelumnya (diklaim {claimed} UTC) tidak tercatat selesai, "
    "jadi email ini dikirim lagi dengan Message-ID yang sama."
)


# -- email ------------------------------------------------------------------------------------

#: Line breaks and other control characters: in a header they would start a new header.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def header_text(value: str) -> str:
    """``value`` on one line, safe in an email header: each run of line breaks and control
    characters becomes one space, so a title holding "\\r\\nBcc: ..." adds no header."""
    return _HEADER_BREAKS.sub(" ", value).strip()


def compose(message: OutboxMessage, *, reveal: bool = False) -> EmailMessage:
    """The email of one notification: Indonesian, plain text plus HTML, with links.

    Only the sender passes ``reveal``: without it a secret link (account activation, password
    reset) is left out, so the admin reading the outbox cannot open someone else's account.
    Every email carries ``Date`` (when it is written, i.e. sent) and ``List-Unsubscribe``
    (RFC 2369): the page where a person turns reminder emails off, the same link as the footer.
    """
    notification = message.notification
    base = current_app.config["BASE_URL"]
    settings_link = f"{base}/notifications/settings"
    context = {
        "n": notification,
        "link": f"{base}{notification.url}",
        "settings_link": settings_link,
        "name": notification.user.full_name,
    }
    template = "email/notification"
    kind = EMAILS.get(notification.rule)
    if kind is not None:
        template = kind.template
        context.update(kind.context(notification, reveal))
    email = EmailMessage()
    email["Subject"] = header_text(f"[Sinau] {notification.title}")
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = message_id(message)
    email["List-Unsubscribe"] = f"<{header_text(settings_link)}>"
    email["X-Sinau-Key"] = notification.key
    email.set_content(render_template(f"{template}.txt", **context))
    email.add_alternative(render_template(f"{template}.html", **context), subtype="html")
    return email


def message_id(message: OutboxMessage) -> str:
    """The Message-ID of an outbox row, from the row alone: every send of it carries the same
    one, so a repeat (the database dropped after SMTP accepted it) is recognisable."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "sinau"
    return f"<sinau-outbox-{message.id}-{message.notification_id}@{domain}>"


@contextmanager
def smtp_connection():
    config = current_app.config
    timeout = config["SMTP_TIMEOUT"]
    if config["SMTP_SSL"]:
        client = smtplib.SMTP_SSL(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        client = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout)
    try:
        if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
            client.starttls(context=ssl.create_default_context())
        if config["SMTP_USER"]:
            client.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        yield client
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def _stale():
    """A claim older than ``STALE_CLAIM`` by the wall clock (not the run's ``now``, which a
    ``--now`` in the past would keep from ever passing)."""
    return and_(
        OutboxMessage.status == "sending", OutboxMessage.claimed_at < utcnow() - STALE_CLAIM
    )


def _claim(message_id: int, now: datetime) -> bool:
    """Claim a message for this sender (stamped with the wall clock). Taking over a stale claim
    is recorded on the row: the sender before may have handed it to SMTP already."""
    taken = db.session.execute(
        select(OutboxMessage.status, OutboxMessage.claimed_at).where(OutboxMessage.id == message_id)
    ).one_or_none()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, or_(OutboxMessage.status == "queued", _stale()))
        .values(status="sending", claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed == 1 and taken is not None and taken[0] == "sending":
        note = UNCERTAIN.format(claimed=f"{taken[1]:%Y-%m-%d %H:%M:%S}")
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(last_error=note[:500])
            .execution_options(synchronize_session=False)
        )
        current_app.logger.warning("outbox message %s: %s", message_id, note)
    return claimed == 1


def backoff(attempts: int) -> timedelta:
    """2, 4, 8, 16 … minutes, at most a day."""
    return timedelta(minutes=min(2**attempts, 24 * 60))


def deliver(now: datetime, limit: int | None = None) -> dict[str, int]:
    """Send queued emails that are due; each is claimed first, so it is sent by one sender.

    At most ``limit`` (``MAIL_BATCH``) per run; urgent emails (a password reset someone waits
    for) go before the rest, so a province-wide invitation queued ahead does not delay them.
    """
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    if not current_app.config["SMTP_HOST"]:
        return counts  # no SMTP: the outbox keeps the messages for the admin to read
    limit = limit or current_app.config["MAIL_BATCH"]
    order = [OutboxMessage.id]
    if urgent := urgent_rules():
        order.insert(0, case((Notification.rule.in_(urgent), 0), else_=1))
    due_ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .join(Notification, Notification.id == OutboxMessage.notification_id)
            .where(
                or_(
                    and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
                    _stale(),
                )
            )
            .order_by(*order)
            .limit(limit)
        )
    )
    db.session.commit()
    if not due_ids:
        return counts
    try:
        connection = smtp_connection()
        client = connection.__enter__()
    except (smtplib.SMTPException, OSError) as exc:
        _fail_all(due_ids, now, str(exc), counts)
        return counts
    try:
        for message_id in due_ids:
            if not retry_when_locked(lambda message_id=message_id: _claim(message_id, now)):
                continue
            message = db.session.get(OutboxMessage, message_id)
            kind = EMAILS.get(message.notification.rule)
            if not message.notification.user.active or (
                kind is not None and not kind.still_due(message.notification, now)
            ):
                message.status = "skipped"
                db.session.commit()
                counts["skipped"] += 1
                continue
            try:
                email = compose(message, reveal=True)
            except Exception as exc:
                # One bad message must not stop the batch; sending it again would fail the same
                # way: failed now, the error kept for the admin.
                db.session.rollback()
                _unsendable(message_id, f"{type(exc).__name__}: {exc}", counts)
                continue
            try:
                client.send_message(email)
            except (smtplib.SMTPException, OSError) as exc:
                _failed(message, now, str(exc), counts)
                db.session.commit()
                if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                    break  # the server is gone: the rest stay queued for the next run
                continue
            message.status = "sent"
            message.sent_at = now
            message.attempts += 1
            if not (message.last_error or "").startswith(UNCERTAIN_MARK):
                message.last_error = None  # an earlier failure; a possible repeat stays noted
            try:
                db.session.commit()
            except Exception:
                current_app.logger.error(
                    "outbox message %s was accepted by SMTP but could not be recorded as sent: "
                    "it will be sent again, with the same Message-ID %s",
                    message_id,
                    email["Message-ID"],
                )
                raise
            counts["sent"] += 1
    finally:
        connection.__exit__(None, None, None)
    return counts


def _failed(message: OutboxMessage, now: datetime, error: str, counts: dict) -> None:
    message.attempts += 1
    message.last_error = error[:500]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        counts["failed"] += 1
    else:
        message.status = "queued"
        message.next_attempt_at = now + backoff(message.attempts)
        counts["retry"] += 1


def _unsendable(message_id: int, error: str, counts: dict) -> None:
    """The email of ``message_id`` cannot even be written: failed at once, with its error."""
    message = db.session.get(OutboxMessage, message_id)
    message.attempts += 1
    message.status = "failed"
    message.last_error = error[:500]
    db.session.commit()
    counts["failed"] += 1
    current_app.logger.warning("outbox message %s could not be composed", message_id)


def _fail_all(ids: list[int], now: datetime, error: str, counts: dict) -> None:
    """The SMTP server could not be reached: every due message waits for its next try."""
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
        if message.status == "queued":
            _failed(message, now, error, counts)
    db.session.commit()


def resend(message: OutboxMessage, now: datetime) -> None:
    """Put a failed message back in the queue (admin)."""
    message.status = "queued"
    message.attempts = 0
    message.next_attempt_at = now
    message.last_error = None
    db.session.flush()
