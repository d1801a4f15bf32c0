"""Erasure and retention pages for administrators: the preview, the erasure, and the accounts
whose retention period has ended."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.audit.services import record
from lms.erasure import permissions as _permissions  # noqa: F401 - registers the erasure rules
from lms.erasure import services
from lms.erasure.forms import ErasureForm
from lms.extensions import client_address, db
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.pagination import paginate
from lms.policy import authorize

bp = Blueprint("erasure", __name__, template_folder="templates")


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@login_required
def erase(user_id: int):
    """Preview everything Sinau holds about a person; on confirmation, anonymise them."""
    user = db.session.get(User, user_id) or abort(404)
    authorize("privacy.erase", user)
    form = ErasureForm()
    if user.erased_at is None and form.validate_on_submit():
        result = services.erase(user, utcnow(), actor=current_user, ip=client_address())
        if result is None:  # erased meanwhile, by another administrator or the scheduler
            flash(_("Data orang ini sudah dianonimkan sebelumnya; tidak ada yang berubah."), "info")
        elif result.failed:
            flash(
                _(
                    "Data pribadi telah dianonimkan, tetapi %(n)d berkas bukti tidak dapat "
                    "dihapus dari server. Hubungi pengelola server; nama berkasnya tercatat di "
                    "log aplikasi.",
                    n=len(result.failed),
                ),
                "error",
            )
        else:
            flash(
                _(
                    "Data pribadi telah dianonimkan dan %(n)d berkas bukti dihapus. Angka "
                    "agregat unit tetap.",
                    n=result.files_deleted,
                ),
                "success",
            )
        return redirect(url_for("erasure.erase", user_id=user.id))
    preview = services.preview(user) if user.erased_at is None else None
    record(current_user, "privacy.erase_preview", f"user:{user.id}", ip=client_address())
    db.session.commit()
    return render_template("erasure/erase.html", user=user, preview=preview, form=form)


@bp.route("/admin/retention")
@login_required
def retention():
    """Deactivated accounts whose retention period has ended: the scheduler anonymises them at
    its next nightly run; each one's preview is a click away."""
    authorize("privacy.retention")
    now = utcnow()
    years = current_app.config["RETENTION_YEARS"]
    page = None
    if years > 0:
        page = paginate(services.due_for_retention(now).options(joinedload(User.unit)))
    record(current_user, "privacy.retention_view", None, ip=client_address())
    db.session.commit()
    return render_template(
        "erasure/retention.html",
        page=page,
        years=years,
        cutoff=services.retention_cutoff(now, years) if years > 0 else None,
        hour=current_app.config["RETENTION_HOUR"],
    )
