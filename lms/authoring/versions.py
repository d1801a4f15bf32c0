"""Authoring pages about whole versions of a course: what a version changed, its ZIP, rollback,
and a course's export to (and import from) a ``courses/<slug>/`` ZIP."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.assignments.coverage import apply_assignments
from lms.authoring import bundle, services
from lms.authoring.blueprint import bp, editable_draft
from lms.authoring.forms import ImportForm
from lms.courses.models import Course
from lms.extensions import db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.policy import authorize, can


@bp.route("/authoring/<authored>/versions/<int:number>")
@login_required
def version(authored: str, number: int):
    """What version ``number`` changed against the one before it, file by file."""
    draft, _course = editable_draft(authored)
    pub = services.publication(draft, number) or abort(404)
    before = services.publication(draft, number - 1)
    changes = bundle.diff_files(services.publication_files(before), services.publication_files(pub))
    return render_template(
        "authoring/version.html", draft=draft, pub=pub, changes=changes, form=BaseForm()
    )


@bp.route("/authoring/<authored>/versions/<int:number>/zip")
@login_required
def version_zip(authored: str, number: int):
    """Version ``number`` as it was published, as a ``courses/<slug>/`` ZIP."""
    draft, _course = editable_draft(authored)
    pub = services.publication(draft, number) or abort(404)
    name = f"{draft.slug}-v{number}.zip"
    return send_file(io.BytesIO(pub.archive), "application/zip", True, download_name=name)


@bp.route("/authoring/<authored>/versions/<int:number>/rollback", methods=["POST"])
@login_required
def rollback(authored: str, number: int):
    """Publish version ``number`` again (as a new version)."""
    draft, _course = editable_draft(authored)
    if BaseForm().validate_on_submit():
        now = utcnow()
        pub = services.rollback(draft, number, current_user, now)
        apply_assignments(now)
        db.session.commit()
        flash(_("Versi %(old)d diterbitkan lagi sebagai versi %(n)d.", old=number, n=pub.number))
    return redirect(url_for("authoring.course", slug=draft.slug))


@bp.route("/authoring/<slug>/export")
@login_required
def export(slug: str):
    """Any course as a ``courses/<slug>/`` ZIP that ``flask lms courses check`` accepts: a
    browser course's draft for its editors, a synced course's folder for its teachers."""
    draft = services.find_draft(slug)
    if draft is not None:
        authorize("draft.edit", draft)
        files = services.draft_files(draft)
    else:
        course = db.session.scalar(select(Course).where(Course.slug == slug)) or abort(404)
        authorize("courses.edit", course)
        files = services.course_files(course)
    if not files:
        abort(404)
    data = services.zip_bytes(slug, files)
    return send_file(data, "application/zip", True, download_name=f"{slug}.zip")


@bp.route("/authoring/import", methods=["POST"])
@login_required
def import_zip():
    """Take a course ZIP as a browser course's draft; with any problem nothing is written. It
    replaces an existing draft only for someone who may edit that draft."""
    authorize("courses.create")
    form = ImportForm()
    if not form.validate_on_submit():
        for error in form.archive.errors:
            flash(error, "error")
        return redirect(url_for("authoring.index"))
    draft, problems = services.import_zip(
        form.archive.data.read(),
        current_user,
        utcnow(),
        may_replace=lambda existing: can(current_user, "draft.edit", existing),
    )
    if draft is None:
        db.session.rollback()
        flash(_("ZIP tidak diimpor; tidak ada yang diubah. Perbaiki dulu:"), "error")
        for problem in problems[:50]:
            flash(str(problem), "error")
        return redirect(url_for("authoring.index"))
    db.session.commit()
    flash(_("ZIP diimpor sebagai draf. Periksa, lalu terbitkan."), "success")
    return redirect(url_for("authoring.course", slug=draft.slug))
