"""Action plans: importing items from a CSV or XLSX file (upload and check, confirm, template)."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required

from lms.actions import imports, queries, services
from lms.actions.blueprint import bp
from lms.actions.forms import ImportConfirmForm, ImportForm
from lms.actions.models import Program
from lms.extensions import db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.limits import limit_upload
from lms.org.models import Unit
from lms.policy import authorize, can


def _import_form() -> ImportForm:
    form = ImportForm()
    form.program_id.choices = options([(p.id, p.name) for p in services.programs(active_only=True)])
    units = [
        u for u in queries.visible_units(current_user) if can(current_user, "actions.import", u)
    ]
    choices = [(u.id, "\u2003" * u.depth + u.name) for u in units]
    form.unit_id.choices = options([(0, _("— sesuai kolom Unit Kerja —")), *choices])
    return form


@bp.route("/import", methods=["GET", "POST"])
@login_required
@limit_upload
def import_upload():
    """Upload a CSV/XLSX of action items and see every row's problems before anything is saved."""
    authorize("actions.import")
    form = _import_form()
    confirm = None
    check = None
    if form.validate_on_submit():
        upload = form.file.data
        name = getattr(upload, "filename", "") or ""
        program = db.session.get(Program, form.program_id.data)
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        if not name:
            form.file.errors = [_("Pilih berkas CSV atau XLSX.")]
        elif not name.lower().endswith((".csv", ".xlsx", ".txt")):
            form.file.errors = [_("Unggah berkas .csv atau .xlsx.")]
        elif program is None:
            form.program_id.errors = [_("Pilih program.")]
        elif unit is not None and not can(current_user, "actions.import", unit):
            abort(403)
        else:
            data = upload.stream.read()
            now = utcnow()
            imports.parking.purge(now)
            check = imports.check_import(name, data, current_user, program, unit)
            if check.ok:
                # The name is not kept (it may name someone); its extension is what matters.
                extension = "xlsx" if name.lower().endswith(".xlsx") else "csv"
                parked = imports.parking.park(
                    data,
                    {"user_id": current_user.id, "program_id": program.id,
                     "unit_id": unit.id if unit else None, "filename": f"impor.{extension}"},
                    now,
                )  # fmt: skip
                confirm = ImportConfirmForm(token=parked.token)
    return render_template("actions/import.html", form=form, check=check, confirm=confirm)


@bp.route("/import/confirm", methods=["POST"])
@login_required
def import_confirm():
    """Write every checked row, or none: the file is checked again just before writing."""
    authorize("actions.import")
    form = ImportConfirmForm()
    parked = (
        imports.parking.unpark(form.token.data, utcnow()) if form.validate_on_submit() else None
    )
    if parked is None or parked.meta.get("user_id") != current_user.id:
        flash(
            _("Berkas impor tidak ditemukan atau sudah kedaluwarsa. Silakan unggah lagi."), "error"
        )
        return redirect(url_for("actions.import_upload"))
    data, meta = parked.read(), parked.meta
    program = db.session.get(Program, meta["program_id"])
    unit = db.session.get(Unit, meta["unit_id"]) if meta.get("unit_id") else None
    if program is None:
        abort(404)
    check = imports.check_import(meta["filename"], data, current_user, program, unit)
    if not check.ok:
        flash(
            _("Data berubah sejak pemeriksaan; tidak ada yang diimpor. Periksa masalah di bawah."),
            "error",
        )
        return render_template(
            "actions/import.html", form=_import_form(), check=check, confirm=None
        )
    try:
        items = imports.apply_import(check, current_user, program, utcnow())
        db.session.commit()
    except services.ActionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("actions.import_upload"))
    imports.parking.discard(parked.token)
    flash(_("%(n)d butir rencana aksi telah diimpor.", n=len(items)), "success")
    return redirect(url_for("actions.index"))


@bp.route("/import/template.csv")
@login_required
def import_template():
    """An empty CSV with the columns the import understands."""
    authorize("actions.import")
    header = "Judul;Deskripsi;Output;Indikator;Target;NIP Penanggung Jawab;Unit Kerja;Mulai;Tenggat;Prioritas;Status;Progres\r\n"  # noqa: E501
    return Response(
        "\ufeff" + header,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="templat-rencana-aksi.csv"'},
    )
