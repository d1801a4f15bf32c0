"""The people import for HR and admin: upload, preview every problem, confirm all or nothing."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from lms.audit.services import record
from lms.extensions import client_address, db
from lms.i18n import gettext as _
from lms.i18n import utcnow, wib_today
from lms.limits import limit_upload
from lms.pagination import check_page, page_number
from lms.people import importer
from lms.people import permissions as _permissions  # noqa: F401 - registers the people rules
from lms.people.forms import ConfirmImportForm, ImportForm
from lms.policy import authorize
from lms.uploads import Parked, Parking

bp = Blueprint("people", __name__, url_prefix="/admin/people", template_folder="templates")

#: Problems listed per preview page.
PROBLEMS_PER_PAGE = 200
#: Staff lists between upload and confirmation, in ``<instance>/imports/``; any HR or admin
#: may confirm one.
parking = Parking("imports")


def _limit() -> int:
    return current_app.config["IMPORT_MAX_MB"] * 1024 * 1024


@bp.route("/import", methods=["GET", "POST"])
@login_required
@limit_upload
def import_upload():
    """Upload a SIASN/SIMPEG staff list; it is checked and shown before anything is saved."""
    authorize("people.import")
    max_mb = current_app.config["IMPORT_MAX_MB"]
    too_big = _("Berkas terlalu besar; paling besar %(n)d MB.", n=max_mb)
    if request.method == "POST" and (request.content_length or 0) > _limit() + 64 * 1024:
        form = ImportForm(formdata=None)
        form.file.errors = [too_big]
        return render_template("people/import_upload.html", form=form, max_mb=max_mb), 413
    request.max_content_length = _limit() + 64 * 1024  # also for uploads without a length
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(_limit() + 1)
        now = utcnow()
        parking.purge(now)
        if len(data) > _limit():
            form.file.errors.append(too_big)
        else:
            filename = (form.file.data.filename or "berkas")[-200:]
            try:
                parsed = importer.parse(data, filename, wib_today(now))
            except importer.ImportFileError as exc:
                form.file.errors.append(str(exc))
            else:
                plan = importer.plan_for(parsed, full=form.full.data, actor_id=current_user.id)
                meta = {"actor_id": current_user.id, "filename": filename, "full": plan.full}
                # The checked rows are parked, not the file: confirming never reads it again.
                upload = parking.park(parsed.dumps(), {**meta, "preview": plan.preview()}, now)
                return redirect(url_for("people.import_preview", token=upload.token))
    return render_template("people/import_upload.html", form=form, max_mb=max_mb)


def _upload(token: str) -> Parked:
    return parking.unpark(token, utcnow()) or abort(404)


@bp.route("/import/<token>")
@login_required
def import_preview(token: str):
    """What the import would do, and every problem with its row and column."""
    authorize("people.import")
    upload = _upload(token)
    preview = upload.meta["preview"]
    problems = preview["problems"]
    pages = max((len(problems) + PROBLEMS_PER_PAGE - 1) // PROBLEMS_PER_PAGE, 1)
    page = page_number()
    check_page(page, pages)
    shown = problems[(page - 1) * PROBLEMS_PER_PAGE : page * PROBLEMS_PER_PAGE]
    # The preview shows names and NIPs from the file (and of people it would deactivate).
    record(
        current_user,
        "people.import.preview",
        target=preview["filename"],
        ip=client_address(),
        full=preview["full"],
        page=page,
        counts=preview["counts"],
        problems=len(problems),
    )
    db.session.commit()
    return render_template(
        "people/import_preview.html",
        upload=upload,
        preview=preview,
        problems=shown,
        page=page,
        pages=pages,
        first=(page - 1) * PROBLEMS_PER_PAGE,
        form=ConfirmImportForm(),
    )


@bp.route("/import/<token>/confirm", methods=["POST"])
@login_required
def import_confirm(token: str):
    """Check the parked rows again against today's data and save all of it, or nothing."""
    authorize("people.import")
    upload = _upload(token)
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    now = utcnow()
    back = redirect(url_for("people.import_preview", token=token))
    try:
        parsed = importer.Parsed.loads(upload.read())
    except ValueError:  # parked by an older version of Sinau: treated as gone
        parking.discard(token)
        abort(404)
    plan = importer.plan_for(parsed, full=upload.meta["full"], actor_id=current_user.id)
    if not plan.ok:
        upload.meta["preview"] = plan.preview()
        parking.update(upload)
        flash(
            _("Data berubah sejak pratinjau dan kini ada masalah; tidak ada yang disimpan."),
            "error",
        )
        return back
    try:
        counts = importer.apply(plan, now=now)
        record(
            current_user,
            "people.import",
            target=plan.filename,
            now=now,
            ip=request.remote_addr,
            full=plan.full,
            source="web",
            **counts,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(
            _(
                "Data pegawai berubah saat impor berjalan; tidak ada yang disimpan. "
                "Silakan coba lagi."
            ),
            "error",
        )
        return back
    parking.discard(token)
    flash(summary_message(counts), "success")
    if counts["new"]:
        flash(no_password_note(), "info")
    return redirect(url_for("people.import_upload"))


@bp.route("/import/<token>/cancel", methods=["POST"])
@login_required
def import_cancel(token: str):
    """Throw an upload away without saving anything."""
    authorize("people.import")
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    parking.discard(token)
    flash(_("Impor dibatalkan; berkas unggahan telah dihapus."), "info")
    return redirect(url_for("people.import_upload"))


def summary_message(counts: dict[str, int]) -> str:
    """One sentence with the numbers of a finished import."""
    return _(
        "Impor selesai: %(new)d pegawai baru, %(updated)d diperbarui (%(reactivated)d diaktifkan "
        "kembali), %(unchanged)d tidak berubah, %(deactivated)d dinonaktifkan, %(units)d unit "
        "kerja baru.",
        new=counts["new"],
        updated=counts["updated"],
        reactivated=counts["reactivated"],
        unchanged=counts["unchanged"],
        deactivated=counts["deactivated"],
        units=counts["new_units"],
    )


def no_password_note() -> str:
    """Why new people cannot log in yet, and what HR can do about it."""
    return _(
        "Pegawai baru belum memiliki kata sandi sehingga belum dapat masuk. Kirim undangan "
        "aktivasi lewat email dari halaman Aktivasi akun; bagi yang tidak memiliki email, "
        "buat kata sandi sementara dari halaman Pegawai."
    )
