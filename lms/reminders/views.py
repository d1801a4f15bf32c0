"""Notifications (the bell), email settings, and the admin's view of jobs and the outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.accounts.sessions import user_figure
from lms.audit.services import record
from lms.extensions import client_address, db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow
from lms.pagination import paginate
from lms.policy import authorize
from lms.reminders import labels, outbox, services
from lms.reminders import permissions as _permissions  # noqa: F401 - registers the reminders rules
from lms.reminders.models import JobRun, Notification, NotificationSetting, OutboxMessage
from lms.reminders.rules import RULE_INFO

bp = Blueprint("reminders", __name__, template_folder="templates")


@user_figure("unread")
def _unread_figure():
    """The bell's count of unread notifications, selected with the signed-in person."""
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


CATEGORY_LABELS = {
    "course": _l("Kursus wajib: tenggat dan ajakan melanjutkan"),
    "action": _l("Rencana aksi: tenggat butir yang Anda tanggung jawabi"),
    "escalation": _l("Eskalasi: tunggakan pegawai di unit yang Anda pimpin"),
    "digest": _l("Ringkasan mingguan"),
    "summary": _l("Ringkasan bulanan"),
}


@bp.route("/notifications")
@login_required
def notifications():
    """My notifications, newest first."""
    authorize("notifications.own")
    page = paginate(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return render_template("reminders/notifications.html", page=page, form=BaseForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    """Mark one notification as read and, if asked, open what it points to."""
    notification = db.session.get(Notification, notification_id) or abort(404)
    authorize("notification.mark", notification)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    if request.form.get("open"):
        return redirect(notification.url if notification.url.startswith("/") else "/")
    return redirect(url_for("reminders.notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    """Mark every notification as read."""
    authorize("notifications.own")
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(_("Semua pemberitahuan ditandai sudah dibaca."), "success")
    return redirect(url_for("reminders.notifications"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Which reminders also arrive by email (in Sinau they always arrive)."""
    authorize("notifications.own")
    form = BaseForm()
    if form.validate_on_submit():
        wanted = set(request.form.getlist("email"))
        db.session.execute(
            NotificationSetting.__table__.delete().where(
                NotificationSetting.user_id == current_user.id
            )
        )
        for category in services.CATEGORIES:
            if category not in wanted:
                db.session.add(
                    NotificationSetting(user_id=current_user.id, category=category, email=False)
                )
        db.session.commit()
        flash(_("Pengaturan pengingat disimpan."), "success")
        return redirect(url_for("reminders.settings"))
    muted = set(
        db.session.scalars(
            select(NotificationSetting.category).where(
                NotificationSetting.user_id == current_user.id,
                NotificationSetting.email.is_(False),
            )
        )
    )
    return render_template(
        "reminders/settings.html", form=form, muted=muted, labels=CATEGORY_LABELS
    )


@bp.route("/admin/reminders")
@login_required
def admin():
    """Each job's last run, the rules, and the outbox by status: all named in plain words."""
    authorize("reminders.admin")
    status = request.args.get("status", "")
    latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    runs = db.session.scalars(
        select(JobRun).join(latest, latest.c.id == JobRun.id).order_by(JobRun.job)
    ).all()
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )
    query = select(OutboxMessage).options(joinedload(OutboxMessage.notification))
    if status:
        query = query.where(OutboxMessage.status == status)
    page = paginate(query.order_by(OutboxMessage.id.desc()))
    return render_template(
        "reminders/admin.html",
        runs=[(run, labels.job(run.job)) for run in runs],
        rules=list(RULE_INFO.items()),
        disabled=set(current_app.config["REMIND_DISABLED"]),
        statuses=list(labels.STATUSES.items()),
        status_label=labels.status,
        count_label=labels.count,
        counts=counts,
        page=page,
        status=status,
        smtp=bool(current_app.config["SMTP_HOST"]),
        form=BaseForm(),
    )


@bp.route("/admin/outbox/<int:message_id>")
@login_required
def message(message_id: int):
    """One email as it is (or would be) sent: the admin can read the outbox without SMTP."""
    authorize("reminders.admin")
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    email = outbox.compose(message)
    text = email.get_body(preferencelist=("plain",)).get_content()
    record(
        current_user,
        "reminders.message.view",
        f"user:{message.notification.user_id}",
        ip=client_address(),
        message=message.id,
    )
    db.session.commit()
    return render_template(
        "reminders/message.html",
        message=message,
        email=email,
        text=text,
        status=labels.status(message.status),
        rule=labels.rule(message.notification.rule),
        form=BaseForm(),
    )


@bp.route("/admin/outbox/<int:message_id>/resend", methods=["POST"])
@login_required
def resend(message_id: int):
    """Queue a failed message again."""
    authorize("reminders.admin")
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    outbox.resend(message, utcnow())
    db.session.commit()
    flash(_("Pesan dimasukkan kembali ke antrean."), "success")
    return redirect(url_for("reminders.admin", status="queued"))
