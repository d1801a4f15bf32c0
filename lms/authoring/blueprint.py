"""The authoring blueprint, shared by its page modules (:mod:`lms.authoring.views` for the draft,
:mod:`lms.authoring.versions` for versions, rollback, export and import), and the one way they
find a draft the person may edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlalchemy import select

from lms.authoring import services
from lms.authoring.models import CourseDraft
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import gettext as _
from lms.policy import authorize

bp = Blueprint("authoring", __name__, template_folder="templates")


@bp.errorhandler(services.AuthoringError)
def authoring_error(error: services.AuthoringError):
    """One answer for every refused step: nothing saved, the reason (each problem) shown."""
    db.session.rollback()
    for line in str(error).split("\n"):
        flash(line, "error")
    slug = (request.view_args or {}).get("authored")
    return redirect(url_for("authoring.course", slug=slug) if slug else url_for("authoring.index"))


def editable_draft(authored: str) -> tuple[CourseDraft, Course | None]:
    """The browser course and its live course (if published), if the person may edit it."""
    draft = services.find_draft(authored)
    if draft is None:
        # A course from courses/ exists under this name: read-only, say so instead of 404.
        course = db.session.scalar(select(Course).where(Course.slug == authored)) or abort(404)
        authorize("courses.edit", course)
        flash(_("Kursus ini dikelola lewat berkas dan hanya dapat dibaca di sini."), "error")
        abort(redirect(url_for("authoring.course", slug=authored)))
    authorize("draft.edit", draft)
    course = db.session.get(Course, draft.course_id) if draft.course_id else None
    return draft, course
