"""Action plans: an item's page (its updates, comments and history), reporting progress with
evidence, the head's review, and evidence downloads."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.actions import evidence as evidence_files
from lms.actions import services
from lms.actions.blueprint import bp
from lms.actions.courses import linked_courses
from lms.actions.forms import CommentForm, ReviewForm, UpdateForm
from lms.actions.models import (
    PRIORITY_LABELS,
    STATUS_LABELS,
    ActionItem,
    Comment,
    ItemEvent,
    Priority,
    Program,
    ProgressUpdate,
    Status,
)
from lms.extensions import db
from lms.i18n import format_day, utcnow, wib_today
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.limits import limit_upload
from lms.policy import authorize

FIELD_LABELS = {
    "title": _l("Judul"),
    "description": _l("Deskripsi"),
    "expected_output": _l("Output yang diharapkan"),
    "target_indicator": _l("Indikator target"),
    "target_value": _l("Nilai target"),
    "owner_id": _l("Penanggung jawab"),
    "program_id": _l("Program"),
    "start_date": _l("Tanggal mulai"),
    "due_date": _l("Tenggat"),
    "priority": _l("Prioritas"),
    "status": _l("Status"),
    "progress": _l("Progres"),
    "co_owners": _l("Penanggung jawab pendamping"),
    "tags": _l("Keselarasan"),
    "courses": _l("Kursus pendukung"),
    "accepted_at": _l("Penerimaan"),
}


def _history(events: list[ItemEvent]) -> list[dict]:
    """Events as lines people can read: names instead of ids, labels instead of codes."""
    user_ids, program_ids = set(), set()
    for e in events:
        target = (
            user_ids if e.field == "owner_id" else program_ids if e.field == "program_id" else None
        )
        if target is not None:
            target.update(int(v) for v in (e.old_value, e.new_value) if v and v.isdigit())
    names = (
        dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    program_names = (
        dict(
            db.session.execute(
                select(Program.id, Program.name).where(Program.id.in_(program_ids))
            ).all()
        )
        if program_ids
        else {}
    )

    def show(field: str | None, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if field == "owner_id" and value.isdigit():
            return names.get(int(value), value)
        if field == "program_id" and value.isdigit():
            return program_names.get(int(value), value)
        if field == "status" and value in set(Status):
            return str(STATUS_LABELS[Status(value)])
        if field == "priority" and value in set(Priority):
            return str(PRIORITY_LABELS[Priority(value)])
        if field in ("start_date", "due_date"):
            try:
                return format_day(date.fromisoformat(value))
            except ValueError:
                return value
        if field == "progress":
            return f"{value}%"
        if field == "accepted_at":
            return _("diterima")
        return value if len(value) <= 160 else value[:157] + "…"

    kinds = {
        "created": _("membuat butir ini"),
        "imported": _("mengimpor butir ini dari berkas"),
        "update": _("mengirim laporan progres"),
        "accepted": _("menerima butir ini sebagai selesai"),
        "returned": _("mengembalikan butir ini untuk diperbaiki"),
        "comment": _("menulis komentar"),
    }
    lines = []
    for e in events:
        if e.kind == "changed":
            text = _(
                "mengubah %(field)s: %(old)s → %(new)s",
                field=FIELD_LABELS.get(e.field, e.field),
                old=show(e.field, e.old_value),
                new=show(e.field, e.new_value),
            )
        else:
            text = kinds.get(e.kind, e.kind)
        lines.append({"at": e.created_at, "actor": e.actor, "text": text})
    return lines


@bp.route("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """An item: its plan, progress updates with evidence, comments, review and history."""
    item = db.get_or_404(ActionItem, item_id)
    authorize("actions.view_item", item)
    updates = db.session.scalars(
        select(ProgressUpdate)
        .options(selectinload(ProgressUpdate.author))
        .where(ProgressUpdate.item_id == item.id)
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    ).all()
    comments = db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author))
        .where(Comment.item_id == item.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    events = db.session.scalars(
        select(ItemEvent)
        .options(selectinload(ItemEvent.actor))
        .where(ItemEvent.item_id == item.id)
        .order_by(ItemEvent.created_at.desc(), ItemEvent.id.desc())
    ).all()
    return render_template(
        "actions/item.html",
        item=item,
        updates=updates,
        comments=comments,
        history=_history(list(events)),
        courses=linked_courses([c.course_slug for c in item.courses]),
        today=wib_today(utcnow()),
        comment_form=CommentForm(),
        review_form=ReviewForm(),
    )


@bp.route("/items/<int:item_id>/update", methods=["GET", "POST"])
@login_required
@limit_upload
def update_new(item_id: int):
    """Report progress (owners): a new percentage and status, a note, and evidence."""
    item = db.get_or_404(ActionItem, item_id)
    authorize("actions.post_update", item)
    form = UpdateForm()
    if request.method == "GET":
        form.progress.data = item.progress
        if item.status in (Status.IN_PROGRESS, Status.DONE, Status.BLOCKED):
            form.status.data = item.status
    if form.validate_on_submit():
        checked = None
        upload = form.evidence.data
        if upload is not None and getattr(upload, "filename", ""):
            try:
                checked = evidence_files.check_upload(upload)
            except evidence_files.EvidenceError as exc:
                form.evidence.errors = [str(exc)]
        if not form.evidence.errors:
            now = utcnow()
            key = None
            try:
                update = services.post_update(
                    item,
                    current_user,
                    now,
                    progress=form.progress.data,
                    status=form.status.data,
                    note=form.note.data,
                    link_url=form.link_url.data,
                    evidence=checked,
                )
                if checked is not None:
                    key = evidence_files.store(checked, now)
                    update.evidence_key = key
                    db.session.flush()
                db.session.commit()
            except services.ActionError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            except Exception:
                db.session.rollback()
                if key:
                    evidence_files.remove(key)
                raise
            else:
                current_app.logger.info("progress update %s on item %s", update.id, item.id)
                flash(_("Laporan progres telah dikirim."), "success")
                return redirect(url_for("actions.item", item_id=item.id))
    max_mb = current_app.config["MAX_UPLOAD_MB"]
    return render_template("actions/update_form.html", form=form, item=item, max_mb=max_mb)


@bp.route("/items/<int:item_id>/comments", methods=["POST"])
@login_required
def comment_new(item_id: int):
    """Comment on an item (anyone who may read it)."""
    item = db.get_or_404(ActionItem, item_id)
    authorize("actions.comment", item)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(item, current_user, utcnow(), form.body.data)
        db.session.commit()
        flash(_("Komentar telah dikirim."), "success")
    else:
        flash(_("Komentar tidak boleh kosong dan paling banyak 2.000 karakter."), "error")
    return redirect(url_for("actions.item", item_id=item.id) + "#komentar")


@bp.route("/items/<int:item_id>/review", methods=["POST"])
@login_required
def review(item_id: int):
    """The unit head accepts a done item, or sends it back with a reason."""
    item = db.get_or_404(ActionItem, item_id)
    authorize("actions.review", item)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    if form.send_back.data:
        services.send_back(item, current_user, utcnow(), form.comment.data)
        message = _("Butir dikembalikan kepada penanggung jawab untuk diperbaiki.")
    else:
        services.accept(item, current_user, utcnow())
        message = _("Butir diterima sebagai selesai.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("actions.item", item_id=item.id))


@bp.route("/evidence/<int:update_id>")
@login_required
def evidence(update_id: int):
    """Download an evidence file, as an attachment, for people who may read the item."""
    update = db.get_or_404(ProgressUpdate, update_id)
    authorize("actions.download_evidence", update)
    if not update.evidence_key:
        abort(404)
    try:
        path = evidence_files.path_for(update.evidence_key)
    except evidence_files.EvidenceError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=update.evidence_type or "application/octet-stream",
        as_attachment=True,
        download_name=update.evidence_name or "bukti-dukung",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
