"""Course authoring in the browser: course.toml as a form, lessons in Markdown with a preview,
images, the GIFT bank, draft -> publish. Versions, rollback and ZIP export/import are in
:mod:`lms.authoring.versions`, on the same blueprint.

Every page works without JavaScript. A course synced from courses/ is shown read-only here
("dikelola lewat berkas"): one source of truth per course. HR and admin write every course;
an instructor writes their own new courses and those they teach (policy "draft.edit").
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import PurePosixPath

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.assignments.coverage import apply_assignments
from lms.authoring import bundle, services
from lms.authoring import permissions as _permissions  # noqa: F401 - registers the authoring rules
from lms.authoring import questions as _questions  # noqa: F401 - registers its routes on bp
from lms.authoring import versions as _versions  # noqa: F401 - registers its routes on bp
from lms.authoring.blueprint import bp, editable_draft
from lms.authoring.forms import (
    CourseForm,
    ImageForm,
    ImportForm,
    LessonForm,
    NewCourseForm,
    QuizForm,
)
from lms.authoring.models import CourseDraft
from lms.courses.markdown import render_markdown
from lms.courses.models import Course
from lms.courses.source import IMAGE_EXTENSIONS, QUIZ_FILE
from lms.extensions import db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow
from lms.main.views import NAV
from lms.policy import authorize, is_staff
from lms.teaching.permissions import taught_course_ids

__all__ = ["bp"]

NAV.append(("authoring.index", _l("Penulisan Kursus"), "courses.create"))


def _draft_url(slug: str):
    return lambda name: url_for("authoring.draft_file", authored=slug, name=name)


@bp.route("/authoring")
@login_required
def index():
    """The courses the person writes: browser courses to edit, synced ones marked "dikelola
    lewat berkas". HR and admin see every course; an instructor their own unpublished drafts
    and the courses they teach."""
    authorize("courses.create")
    courses_query, drafts_query = select(Course).order_by(Course.title), select(CourseDraft)
    if not is_staff(current_user):
        taught = taught_course_ids(current_user)
        courses_query = courses_query.where(Course.id.in_(taught))
        drafts_query = drafts_query.where(
            CourseDraft.course_id.in_(taught)
            | (CourseDraft.course_id.is_(None) & (CourseDraft.created_by_id == current_user.id))
        )
    courses = db.session.scalars(courses_query).all()
    drafts = {d.slug: d for d in db.session.scalars(drafts_query)}
    unpublished = [d for d in drafts.values() if d.course_id is None]
    return render_template(
        "authoring/index.html",
        courses=courses,
        drafts=drafts,
        unpublished=unpublished,
        form=ImportForm(),
    )


@bp.route("/authoring/new", methods=["GET", "POST"])
@login_required
def new():
    """A new course: the fields of course.toml (its draft is its creator's to write)."""
    authorize("courses.create")
    form = NewCourseForm()
    if form.validate_on_submit():
        if services.slug_taken(form.slug.data):
            form.slug.errors.append(_("Nama ini sudah dipakai kursus lain."))
        else:
            draft = services.create_draft(
                form.slug.data, form.settings(), form.quiz(), current_user, utcnow()
            )
            db.session.commit()
            flash(_("Kursus dibuat sebagai draf. Tambahkan materinya."), "success")
            return redirect(url_for("authoring.course", slug=draft.slug))
    return render_template("authoring/settings.html", form=form, draft=None)


@bp.route("/authoring/<slug>")
@login_required
def course(slug: str):
    """A browser course's draft (lessons, images, quiz, problems, versions); a synced course
    read-only."""
    draft = services.find_draft(slug)
    if draft is None:
        course = db.session.scalar(select(Course).where(Course.slug == slug)) or abort(404)
        authorize("courses.edit", course)
        return render_template("authoring/managed.html", course=course)
    draft, course = editable_draft(slug)
    files = services.draft_files(draft)
    settings, _quiz = bundle.read_course_toml(files)
    _source, problems = services.check(draft, files)
    latest = services.latest_publication(draft)
    pending = bundle.diff_files(services.publication_files(latest), files)
    return render_template(
        "authoring/course.html",
        draft=draft,
        course=course,
        title=settings.get("title") or draft.slug,
        lessons=bundle.lesson_files(files),
        images=sorted(n for n in files if PurePosixPath(n).suffix.lower() in IMAGE_EXTENSIONS),
        has_quiz=QUIZ_FILE in files,
        problems=problems,
        pending=pending,
        versions=services.publications(draft),
        image_form=ImageForm(),
        form=BaseForm(),
    )


@bp.route("/authoring/<authored>/settings", methods=["GET", "POST"])
@login_required
def settings(authored: str):
    """Edit the course's course.toml as a form."""
    draft, _course = editable_draft(authored)
    form = CourseForm()
    if form.validate_on_submit():
        services.save_settings(draft, form.settings(), form.quiz(), utcnow())
        db.session.commit()
        flash(_("Pengaturan kursus disimpan di draf."), "success")
        return redirect(url_for("authoring.course", slug=draft.slug))
    if request.method == "GET":
        form.fill(*bundle.read_course_toml(services.draft_files(draft)))
    return render_template("authoring/settings.html", form=form, draft=draft)


def _lesson_page(draft: CourseDraft, form: LessonForm, lesson: bundle.LessonFile | None):
    """The lesson editor; after "Pratinjau", the text rendered as learners will see it and the
    problems ``courses check`` would report in it."""
    preview, problems = None, []
    if form.preview.data and form.body.data:
        preview = render_markdown(form.body.data, asset_url=_draft_url(draft.slug))
        files = services.draft_files(draft)
        name = lesson.name if lesson else f"{len(bundle.lesson_files(files)) + 1:02d}-baru.md"
        files[name] = bundle.lesson_text(form.title.data or "?", form.body.data)
        problems = [p for p in services.check(draft, files)[1] if p.file.endswith("/" + name)]
    images = sorted(
        n
        for n in services.draft_files(draft)
        if PurePosixPath(n).suffix.lower() in IMAGE_EXTENSIONS
    )
    return render_template(
        "authoring/lesson.html",
        draft=draft,
        lesson=lesson,
        form=form,
        preview=preview,
        problems=problems,
        images=images,
    )


@bp.route("/authoring/<authored>/preview", methods=["POST"])
@login_required
def preview(authored: str):
    """The live preview (static/js/authoring.js): the same fragment "Pratinjau" shows."""
    draft, _course = editable_draft(authored)
    form = LessonForm()
    if not form.validate_on_submit():
        return "", 400
    html = render_markdown(form.body.data, asset_url=_draft_url(draft.slug))
    return render_template(
        "authoring/_preview.html", preview=html, title=form.title.data, problems=[]
    )


@bp.route("/authoring/<authored>/lessons/new", methods=["GET", "POST"])
@login_required
def lesson_new(authored: str):
    """Write a new lesson (added at the end)."""
    draft, _course = editable_draft(authored)
    form = LessonForm()
    if form.validate_on_submit() and form.save.data:
        services.add_lesson(draft, form.title.data, form.body.data, utcnow())
        db.session.commit()
        flash(_("Materi disimpan di draf."), "success")
        return redirect(url_for("authoring.course", slug=draft.slug))
    return _lesson_page(draft, form, None)


@bp.route("/authoring/<authored>/lessons/<lesson_slug>", methods=["GET", "POST"])
@login_required
def lesson_edit(authored: str, lesson_slug: str):
    """Edit a lesson's title and Markdown; "Pratinjau" renders it without saving."""
    draft, _course = editable_draft(authored)
    lesson = services.find_lesson(draft, lesson_slug) or abort(404)
    form = LessonForm()
    if request.method == "GET":
        form.title.data, form.body.data = lesson.title, lesson.body
    elif form.validate_on_submit() and form.save.data:
        services.save_lesson(draft, lesson, form.title.data, form.body.data, utcnow())
        db.session.commit()
        flash(_("Materi disimpan di draf."), "success")
        return redirect(url_for("authoring.course", slug=draft.slug))
    return _lesson_page(draft, form, lesson)


@bp.route("/authoring/<authored>/lessons/<lesson_slug>/move", methods=["POST"])
@login_required
def lesson_move(authored: str, lesson_slug: str):
    """Move a lesson one place up or down (buttons, no JavaScript)."""
    draft, _course = editable_draft(authored)
    form = BaseForm()
    if form.validate_on_submit():
        step = -1 if request.form.get("direction") == "up" else 1
        services.move_lesson(draft, lesson_slug, step, utcnow())
        db.session.commit()
    return redirect(url_for("authoring.course", slug=draft.slug) + "#materi")


@bp.route("/authoring/<authored>/lessons/<lesson_slug>/delete", methods=["POST"])
@login_required
def lesson_delete(authored: str, lesson_slug: str):
    """Remove a lesson from the draft (learners' progress on it stays after publishing)."""
    draft, _course = editable_draft(authored)
    if BaseForm().validate_on_submit():
        services.remove_lesson(draft, lesson_slug, utcnow())
        db.session.commit()
        flash(_("Materi dihapus dari draf."), "success")
    return redirect(url_for("authoring.course", slug=draft.slug) + "#materi")


@bp.route("/authoring/<authored>/images", methods=["POST"])
@login_required
def image_upload(authored: str):
    """Add an image; its content decides whether it is one."""
    draft, _course = editable_draft(authored)
    form = ImageForm()
    if form.validate_on_submit():
        upload = form.image.data
        name = services.add_image(draft, upload.filename or "", upload.read(), utcnow())
        db.session.commit()
        flash(_("Gambar disimpan. Tulis di materi: ![keterangan](%(name)s)", name=name), "success")
    else:
        for error in form.image.errors:
            flash(error, "error")
    return redirect(url_for("authoring.course", slug=draft.slug) + "#gambar")


@bp.route("/authoring/<authored>/images/delete", methods=["POST"])
@login_required
def image_delete(authored: str):
    """Remove an image from the draft."""
    draft, _course = editable_draft(authored)
    if BaseForm().validate_on_submit():
        services.remove_file(draft, request.form.get("name", ""), utcnow())
        db.session.commit()
    return redirect(url_for("authoring.course", slug=draft.slug) + "#gambar")


@bp.route("/authoring/<authored>/files/<path:name>")
@login_required
def draft_file(authored: str, name: str):
    """A draft's image, for the preview (only its editors see unpublished files)."""
    draft, _course = editable_draft(authored)
    return _send(services.draft_files(draft), name, max_age=0)


@bp.route("/courses/<authored>/media/<path:name>")
def media(authored: str, name: str):
    """A published browser course's image, as courses.asset serves a synced one's."""
    draft = services.find_draft(authored) or abort(404)
    return _send(services.publication_files(services.latest_publication(draft)), name, 86400)


def _send(files: bundle.Files, name: str, max_age: int):
    if name not in files or PurePosixPath(name).suffix.lower() not in IMAGE_EXTENSIONS | {".pdf"}:
        abort(404)
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = send_file(io.BytesIO(files[name]), mimetype=kind, max_age=max_age)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@bp.route("/authoring/<authored>/quiz", methods=["GET", "POST"])
@login_required
def quiz(authored: str):
    """The question bank as GIFT text; every problem is listed with its line."""
    draft, _course = editable_draft(authored)
    form = QuizForm()
    files = services.draft_files(draft)
    problems = []
    if form.validate_on_submit():
        problems = services.save_quiz(draft, form.gift.data or "", utcnow())
        db.session.commit()
        if not problems:
            flash(_("Bank soal disimpan di draf."), "success")
            return redirect(url_for("authoring.course", slug=draft.slug))
    elif request.method == "GET":
        form.gift.data = files.get(QUIZ_FILE, b"").decode("utf-8", "replace")
        problems = services.quiz_problems(draft.slug, form.gift.data)
    return render_template("authoring/quiz.html", draft=draft, form=form, problems=problems)


@bp.route("/authoring/<authored>/publish", methods=["POST"])
@login_required
def publish(authored: str):
    """Check the draft like ``courses check`` and make it live as a new version."""
    draft, _course = editable_draft(authored)
    if BaseForm().validate_on_submit():
        now = utcnow()
        pub = services.publish(draft, current_user, now)
        apply_assignments(now)  # a mandatory course: enrol whoever owes it, as sync does
        db.session.commit()
        flash(_("Versi %(n)d diterbitkan.", n=pub.number), "success")
    return redirect(url_for("authoring.course", slug=draft.slug))
