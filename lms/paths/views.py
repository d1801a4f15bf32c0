"""Learning paths for HR and admin (list, require, withdraw), and the learner's view of theirs
on "Pembelajaran saya"."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts.models import POSITION_TYPES, User
from lms.audit.services import record
from lms.courses.models import Course
from lms.courses.views import LEARNING_SECTIONS
from lms.extensions import client_address, db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow
from lms.main.views import NAV
from lms.pagination import paginate
from lms.paths import permissions as _permissions  # noqa: F401 - registers the paths rules
from lms.paths import services
from lms.paths.forms import CancelPathForm, PathForm
from lms.paths.models import LearningPath
from lms.policy import authorize

bp = Blueprint("paths", __name__, url_prefix="/admin/paths", template_folder="templates")


@bp.errorhandler(services.PathError)
def _path_error(exc: services.PathError):
    db.session.rollback()
    flash(str(exc), "error")
    return redirect(url_for("paths.index"))


@bp.route("/")
@login_required
def index():
    """Every path, newest first: its courses in order, who must follow it, how many finished."""
    authorize("paths.manage")
    page = paginate(
        select(LearningPath).order_by(LearningPath.created_at.desc(), LearningPath.id.desc())
    )
    ids = [p.id for p in page.items]
    return render_template(
        "paths/index.html",
        page=page,
        kinds=services.position_types(ids),
        counts=services.progress_counts(ids),
        cancel_form=CancelPathForm(),
    )


def _form() -> PathForm:
    form = PathForm()
    courses = db.session.execute(
        select(Course.id, Course.title).where(Course.retired_at.is_(None)).order_by(Course.title)
    ).all()
    choices = options([(0, _("— tidak ada —")), *courses])
    for entry in form.steps:
        entry.choices = choices
    form.position_types.choices = options((p, p) for p in POSITION_TYPES)
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Require a path: the courses in order, for some position types, by a deadline."""
    authorize("paths.manage")
    form = _form()
    if form.validate_on_submit():
        chosen = form.chosen()
        by_id = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_(chosen)))}
        path, enrolled = services.require_path(
            form.title.data,
            [by_id[i] for i in chosen],
            form.position_types.data,
            form.deadline.data,
            by=current_user,
            now=utcnow(),
            description=form.description.data,
        )
        record(current_user, "paths.require", f"path:{path.id}", ip=client_address(),
               courses=chosen, position_types=form.position_types.data,
               enrolled=enrolled)  # fmt: skip
        db.session.commit()
        flash(
            _(
                "Jalur belajar %(title)s telah diwajibkan; %(n)d pendaftaran kursus baru dibuat.",
                title=path.title,
                n=enrolled,
            ),
            "success",
        )
        return redirect(url_for("paths.index"))
    return render_template("paths/form.html", form=form)


@bp.route("/<int:path_id>/cancel", methods=["POST"])
@login_required
def cancel(path_id: int):
    """Withdraw a path and its assignments; enrolments and progress stay."""
    path = db.get_or_404(LearningPath, path_id)
    authorize("paths.manage", path)
    if not CancelPathForm().validate_on_submit():
        abort(400)
    services.cancel_path(path, utcnow())
    record(current_user, "paths.cancel", f"path:{path.id}", ip=client_address())
    db.session.commit()
    flash(
        _("Jalur belajar telah dibatalkan. Pendaftaran dan progres pegawai tetap tersimpan."),
        "success",
    )
    return redirect(url_for("paths.index"))


def learner_paths(user: User, today: date) -> dict:
    """The paths required of the learner, for their "Pembelajaran saya"."""
    return {"paths": services.paths_of(user), "today": today}


LEARNING_SECTIONS.append(("paths/_learning.html", learner_paths))
NAV.insert(
    next(i + 1 for i, entry in enumerate(NAV) if entry[0] == "assignments.index"),
    ("paths.index", _l("Jalur Belajar"), "paths.manage"),
)
