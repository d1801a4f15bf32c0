"""Correction requests: the person's page, and HR's queue and decision page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.corrections import permissions as _permissions  # noqa: F401 - registers the corrections rules
from lms.corrections import services
from lms.corrections.forms import CorrectionForm, DecisionForm
from lms.corrections.models import CorrectionRequest
from lms.corrections.services import CorrectionError
from lms.extensions import client_address, db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow
from lms.main.views import NAV
from lms.org.services import unit_choices
from lms.pagination import paginate
from lms.policy import authorize

bp = Blueprint("corrections", __name__, template_folder="templates")

# In the menu right after "Pegawai" (at the end if that entry ever goes).
NAV.insert(
    next((i + 1 for i, entry in enumerate(NAV) if entry[0] == "accounts.users"), len(NAV)),
    ("corrections.queue", _l("Perbaikan data"), "corrections.queue"),
)


@bp.errorhandler(CorrectionError)
def _correction_error(error: CorrectionError):
    """A decision that cannot be made: nothing is kept, the officer reads why."""
    db.session.rollback()
    flash(str(error), "error")
    return redirect(request.url)


@bp.route("/account/corrections", methods=["GET", "POST"])
@login_required
def mine():
    """Ask for a correction of my name, position, unit or email; my earlier requests."""
    authorize("corrections.request")
    form = CorrectionForm()
    form.unit_id.choices = options([(0, _("— pilih unit kerja —")), *unit_choices()])
    if request.method == "GET" and request.args.get("field") in services.FIELDS:
        form.field.data = request.args["field"]
    if form.validate_on_submit():
        try:
            services.ask(
                current_user,
                form.field.data,
                form.value.data or "",
                form.note.data or "",
                utcnow(),
                unit_id=form.unit_id.data or None,
                ip=client_address(),
            )
        except CorrectionError as exc:
            db.session.rollback()
            target = form.unit_id if form.field.data == "unit" else form.value
            target.errors = [*target.errors, str(exc)]
        else:
            db.session.commit()
            flash(
                _(
                    "Permintaan Anda telah dikirim kepada pengelola kepegawaian. Anda akan "
                    "menerima pemberitahuan setelah diputuskan."
                ),
                "success",
            )
            return redirect(url_for("corrections.mine"))
    return render_template(
        "corrections/mine.html",
        form=form,
        requests=services.requests_of(current_user),
        fields=services.FIELDS,
    )


@bp.route("/admin/corrections")
@login_required
def queue():
    """The requests waiting for a decision (or, ``?status=decided``, those decided)."""
    authorize("corrections.queue")
    status = "decided" if request.args.get("status") == "decided" else "pending"
    page = paginate(services.queue(current_user, decided=status == "decided"))
    return render_template(
        "corrections/queue.html", page=page, status=status, fields=services.FIELDS
    )


@bp.route("/admin/corrections/<int:correction_id>", methods=["GET", "POST"])
@login_required
def review(correction_id: int):
    """One request beside the account as it is; accept (applying it) or refuse with a reason."""
    correction = db.session.get(CorrectionRequest, correction_id) or abort(404)
    authorize("corrections.queue")
    authorize("users.manage", correction.user)
    form = DecisionForm()
    if correction.decided_at is None and form.validate_on_submit():
        now = utcnow()
        if form.decision.data == "accept":
            services.accept(correction, current_user, now, ip=client_address())
            message = _("Perbaikan diterapkan; pegawai telah diberi tahu.")
        else:
            services.refuse(correction, current_user, form.reason.data, now, ip=client_address())
            message = _("Permintaan ditolak; pegawai telah diberi tahu alasannya.")
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("corrections.queue"))
    return render_template(
        "corrections/review.html",
        correction=correction,
        form=form,
        fields=services.FIELDS,
        current=services.current_value(correction.user, correction.field),
    )
