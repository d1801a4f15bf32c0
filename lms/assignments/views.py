"""Course assignments for HR and admin: list, create (with the number covered; the same one
twice is refused), cancel (after a confirmation page)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

# receivers: imported to connect them to the signals of features that place people
from lms.accounts.models import POSITION_TYPES
from lms.assignments import coverage, receivers, services  # noqa: F401
from lms.assignments import permissions as _permissions  # noqa: F401 - registers the assignments rules
from lms.assignments.forms import AssignmentForm, CancelForm
from lms.assignments.models import Assignment
from lms.courses.models import Course
from lms.extensions import db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.org.models import Unit
from lms.org.services import unit_choices
from lms.pagination import paginate
from lms.policy import authorize

bp = Blueprint(
    "assignments", __name__, url_prefix="/admin/assignments", template_folder="templates"
)


@bp.route("/")
@login_required
def index():
    """Every assignment, newest first, with how many people it covers and how many finished."""
    authorize("assignments.manage")
    status = request.args.get("status", "active")
    query = (
        select(Assignment)
        .options(joinedload(Assignment.course), joinedload(Assignment.unit))
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())
    )
    if status == "active":
        query = query.where(Assignment.cancelled_at.is_(None))
    elif status == "cancelled":
        query = query.where(Assignment.cancelled_at.is_not(None))
    page = paginate(query)
    ids = [a.id for a in page.items]
    return render_template(
        "assignments/index.html",
        page=page,
        status=status,
        covered=coverage.covered_counts(ids),
        done=coverage.done_counts(ids),
    )


def _form() -> AssignmentForm:
    form = AssignmentForm()
    courses = db.session.scalars(
        select(Course).where(Course.retired_at.is_(None)).order_by(Course.title)
    )
    form.course_id.choices = options(
        [(0, _("— pilih kursus —"))] + [(c.id, c.title) for c in courses]
    )
    form.unit_id.choices = options([(0, _("— pilih unit kerja —")), *unit_choices()])
    form.position_type.choices = options(
        [("", _("— pilih jenis jabatan —"))] + [(p, p) for p in POSITION_TYPES]
    )
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Assign a course; "Hitung" shows how many people it covers before saving."""
    authorize("assignments.manage")
    form = _form()
    covered = None
    same: list[Assignment] = []
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data)
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        if course is None:
            form.course_id.errors.append(_("Pilih kursus yang ditugaskan."))
        elif form.check.data:
            covered = coverage.count_covered(
                form.scope.data, unit, form.include_subunits.data, form.position_type.data
            )
            same = form.same_target()
        else:
            now = utcnow()
            try:
                _assignment, enrolled = services.create_assignment(
                    course,
                    scope=form.scope.data,
                    deadline=form.deadline.data,
                    by=current_user,
                    now=now,
                    unit=unit,
                    include_subunits=form.include_subunits.data,
                    position_type=form.position_type.data or None,
                )
            except services.AssignmentError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(
                    _(
                        "Kursus %(title)s telah ditugaskan; %(n)d pegawai baru didaftarkan.",
                        title=course.title,
                        n=enrolled,
                    ),
                    "success",
                )
                return redirect(url_for("assignments.index"))
    return render_template(
        "assignments/form.html",
        form=form,
        covered=covered,
        duplicate=next((a for a in same if a.deadline == form.deadline.data), None),
        other_deadlines=[a.deadline for a in same if a.deadline != form.deadline.data],
    )


@bp.route("/<int:assignment_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(assignment_id: int):
    """Withdraw an assignment, after a page that says what it covers; enrolments and progress
    stay."""
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    authorize("assignments.manage", assignment)
    form = CancelForm()
    if request.method == "GET":
        if assignment.cancelled_at is not None:
            flash(_("Penugasan ini sudah dibatalkan."), "info")
            return redirect(url_for("assignments.index"))
        return render_template(
            "assignments/cancel.html",
            assignment=assignment,
            covered=coverage.covered_counts([assignment.id]).get(assignment.id, 0),
            done=coverage.done_counts([assignment.id]).get(assignment.id, 0),
            form=form,
        )
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel_assignment(assignment, utcnow())
    except services.AssignmentError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("Penugasan telah dibatalkan. Pendaftaran dan progres pegawai tetap tersimpan."),
            "success",
        )
    return redirect(url_for("assignments.index"))


@bp.app_template_global()
def assignment_scope_label(assignment: Assignment) -> str:
    """Who an assignment covers, in words."""
    if assignment.scope == "all":
        return _("Semua pegawai")
    if assignment.scope == "position_type":
        return _("Jenis jabatan: %(type)s", type=assignment.position_type)
    name = assignment.unit.name if assignment.unit else "—"
    if assignment.include_subunits:
        return _("%(unit)s beserta sub-unitnya", unit=name)
    return _("%(unit)s saja", unit=name)
