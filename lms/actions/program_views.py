"""Action plans: the programmes items belong to (list, new, edit)."""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import login_required

from lms.actions import services
from lms.actions.blueprint import bp
from lms.actions.forms import ProgramForm
from lms.actions.models import Program
from lms.extensions import db
from lms.i18n import gettext as _
from lms.policy import authorize


@bp.route("/programs")
@login_required
def programs():
    """The follow-up programmes (HR and admin)."""
    authorize("actions.programs")
    return render_template("actions/programs.html", programs=services.programs())


def _fill(program: Program, form: ProgramForm) -> None:
    program.name = form.name.data  # stripped and checked for a clash by the form
    program.description = (form.description.data or "").strip() or None
    program.starts_on = form.starts_on.data
    program.ends_on = form.ends_on.data
    program.active = form.active.data


@bp.route("/programs/new", methods=["GET", "POST"])
@login_required
def program_new():
    """Add a programme, with its period."""
    authorize("actions.programs")
    form = ProgramForm()
    if form.validate_on_submit():
        program = Program()
        _fill(program, form)
        db.session.add(program)
        db.session.commit()
        flash(_("Program %(name)s telah ditambahkan.", name=program.name), "success")
        return redirect(url_for("actions.programs"))
    return render_template("actions/program_form.html", form=form, program=None)


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
@login_required
def program_edit(program_id: int):
    """Rename a programme, change its period, or close it to new items."""
    program = db.get_or_404(Program, program_id)
    authorize("actions.programs", program)
    form = ProgramForm(obj=program, program_id=program.id)
    if form.validate_on_submit():
        _fill(program, form)
        db.session.commit()
        flash(_("Program %(name)s telah disimpan.", name=program.name), "success")
        return redirect(url_for("actions.programs"))
    return render_template("actions/program_form.html", form=form, program=program)
