"""A person's notifications, the emails sent to them and their email settings, for "Data saya"."""

from __future__ import annotations

from sqlalchemy import delete, select

from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Subject, fields, personal_data
from lms.reminders.models import Notification, NotificationSetting, OutboxMessage


@personal_data(
    "reminders",
    _l("Notifikasi dan email"),
    tables=[Notification, OutboxMessage, NotificationSetting],
    labels={
        "notifications": _l("Notifikasi"),
        "emails": _l("Email yang dikirim kepada Anda"),
        "email_settings": _l("Pengaturan email"),
        "title": _l("Judul"),
        "body": _l("Isi"),
        "created_at": _l("Dibuat"),
        "read_at": _l("Dibaca"),
        "to_address": _l("Alamat tujuan"),
        "sent_at": _l("Terkirim"),
    },
)
def export_notifications(user) -> dict:
    """Notifications with their emails (one query with an outer join) and email settings."""
    rows = db.session.execute(
        select(Notification, OutboxMessage)
        .outerjoin(OutboxMessage, OutboxMessage.notification_id == Notification.id)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    ).all()
    settings = db.session.scalars(
        select(NotificationSetting)
        .where(NotificationSetting.user_id == user.id)
        .order_by(NotificationSetting.category)
    )
    return {
        "notifications": [
            fields(n, "id", "category", "rule", "title", "body", "url", "created_at", "read_at")
            for n, _message in rows
        ],
        "emails": [
            {"notification_id": n.id, "subject": n.title}
            | fields(m, "to_address", "status", "attempts", "created_at", "sent_at", "last_error")
            for n, m in rows
            if m is not None
        ],
        "email_settings": [fields(s, "category", "email") for s in settings],
    }


@export_notifications.eraser
def erase_notifications(subject: Subject) -> dict:
    """The person's notifications and their emails (the outbox rows go with them) and email
    settings go. Other people's notifications that name the person (a head's list of who is
    late, say) keep their figures and lose the name."""
    user_id = subject.user.id
    notifications = db.session.execute(delete(Notification).where(Notification.user_id == user_id))
    settings = db.session.execute(
        delete(NotificationSetting).where(NotificationSetting.user_id == user_id)
    )
    mentioning = db.session.scalars(
        select(Notification).where(subject.mentioned_in(Notification.title, Notification.body))
    )
    return {
        "notifications": notifications.rowcount,
        "email_settings": settings.rowcount,
        "mentions": subject.scrub_rows(mentioning, "title", "body"),
    }
