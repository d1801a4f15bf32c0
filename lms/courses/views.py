"""Catalogue, course and lesson pages, "Pembelajaran saya", certificates and verification."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.audit.services import record
from lms.courses import jp, pages, services
from lms.courses import permissions as _permissions  # noqa: F401 - registers the courses rules
from lms.courses import reminders as _reminders  # noqa: F401 - registers the course reminders
from lms.courses.certificates import certificate_pdf
from lms.courses.forms import RevokeForm
from lms.courses.models import Certificate, Course, Enrollment, Lesson
from lms.courses.panels import LessonSeen, panels_for
from lms.extensions import client_address, db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import utcnow, wib_today
from lms.limits import limit_verify
from lms.links import external_url
from lms.policy import authorize, can
from lms.quiz import banks
from lms.quiz import services as quiz

bp = Blueprint("courses", __name__, template_folder="templates")


def _course(slug: str) -> Course:
    return services.live_course(slug) or abort(404)


@bp.route("/courses")
@login_required
def catalogue():
    """Every live course, searchable and filtered by mandatory, level and JP."""
    authorize("courses.browse")
    q = request.args.get("q", "").strip()
    level = request.args.get("level", "")
    mandatory = request.args.get("mandatory", "")
    jp = request.args.get("jp", "")
    # One statement: each course with the person's enrolment and its progress, if any.
    rows = pages.catalogue_rows(current_user, q, level, mandatory, jp)
    courses = [course for course, *_rest in rows]
    enrollments = {e.course_id: e for _course, e, *_counts in rows if e is not None}
    progress = {e.id: (d, t) for _course, e, d, t in rows if e is not None}
    return render_template(
        "courses/catalogue.html",
        courses=courses,
        enrollments=enrollments,
        progress=progress,
        q=q,
        level=level,
        mandatory=mandatory,
        jp=jp,
    )


@bp.route("/courses/<slug>")
@login_required
def course(slug: str):
    """A course's syllabus, JP, duration and the learner's progress."""
    authorize("courses.browse")
    course = _course(slug)
    lessons = services.current_lessons(course)
    enrollment = services.find_enrollment(current_user, course)
    done = services.done_lesson_ids(enrollment) if enrollment else set()
    resume = services.first_unfinished(lessons, done) if enrollment is not None else None
    has_quiz = banks.has_quiz(course.id)
    best = quiz.best_attempt(enrollment) if enrollment and has_quiz else None
    return render_template(
        "courses/course.html",
        course=course,
        lessons=lessons,
        enrollment=enrollment,
        done=done,
        resume=resume,
        has_quiz=has_quiz,
        best=best,
        attempts=len(quiz.attempts_of(enrollment)) if enrollment and has_quiz else 0,
        form=BaseForm(),
    )


@bp.route("/courses/<slug>/resume")
@login_required
def resume(slug: str):
    """Lanjutkan: the first unfinished lesson; with every lesson done, the quiz or the course."""
    authorize("courses.browse")
    course = _course(slug)
    enrollment = services.find_enrollment(current_user, course)
    if enrollment is None:
        return redirect(url_for("courses.course", slug=slug))
    authorize("enrollment.learn", enrollment)
    return _next_step(course, enrollment)


def _next_step(course: Course, enrollment: Enrollment):
    """Where "Lanjutkan" leads: the first lesson not done (in course order), else the quiz while
    the course is not complete, else the course page."""
    lesson = services.first_unfinished(
        services.current_lessons(course), services.done_lesson_ids(enrollment)
    )
    if lesson is not None:
        return redirect(url_for("courses.lesson", slug=course.slug, lesson_slug=lesson.slug))
    if enrollment.completed_at is None and banks.has_quiz(course.id):
        flash(_("Semua materi selesai. Kerjakan kuis untuk menuntaskan kursus."), "info")
        return redirect(url_for("quiz.overview", slug=course.slug))
    return redirect(url_for("courses.course", slug=course.slug))


@bp.route("/courses/<slug>/enroll", methods=["POST"])
@login_required
def enroll(slug: str):
    """Enrol in a course (self-enrolment)."""
    course = _course(slug)
    if services.find_enrollment(current_user, course) is None:
        authorize("course.enroll", course)
        services.enroll(current_user, course, utcnow())
        db.session.commit()
        flash(
            _("Anda terdaftar di kursus %(title)s. Selamat belajar!", title=course.title), "success"
        )
    lessons = services.current_lessons(course)
    if lessons:
        return redirect(url_for("courses.lesson", slug=slug, lesson_slug=lessons[0].slug))
    return redirect(url_for("courses.course", slug=slug))


def _lesson_context(slug: str, lesson_slug: str):
    course = _course(slug)
    enrollment = services.find_enrollment(current_user, course)
    if enrollment is None:
        authorize("courses.browse")
        flash(_("Daftarkan diri Anda di kursus ini terlebih dahulu."), "info")
        return course, None, None
    authorize("enrollment.learn", enrollment)
    lesson = db.session.scalar(
        select(Lesson).where(
            Lesson.course_id == course.id, Lesson.slug == lesson_slug, Lesson.retired_at.is_(None)
        )
    )
    if lesson is None:
        abort(404)
    return course, enrollment, lesson


@bp.route("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """A lesson with previous/next, reading time, progress and "Tandai selesai", and below it
    the panels other features register (:mod:`lms.courses.panels`)."""
    return render_lesson(slug, lesson_slug)


def render_lesson(slug: str, lesson_slug: str):
    """The lesson page. Also shown by a feature whose form on it failed, so the form comes
    back with its errors and what was typed (the form's loader finds it).

    Two statements after the person's, one per panel; it writes only when the lesson opened
    last changes. The course's instructors and staff read it without being enrolled."""
    page = pages.lesson_page(current_user, slug, lesson_slug, banks.has_quiz_clause()) or abort(404)
    course, enrollment = page["course"], page["enrollment"]
    if enrollment is not None:
        authorize("enrollment.learn", enrollment)
    elif can(current_user, "course.teach", course):
        pages.add_lessons(page, lesson_slug)
    else:
        authorize("courses.browse")
        flash(_("Daftarkan diri Anda di kursus ini terlebih dahulu."), "info")
        return redirect(url_for("courses.course", slug=slug))
    lesson = page["lesson"] or abort(404)
    if enrollment is not None and services.visit_lesson(enrollment, lesson):
        db.session.commit()
    lessons = page["lessons"]
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    return render_template(
        "courses/lesson.html",
        course=course,
        lesson=lesson,
        lessons=lessons,
        index=index,
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        done=page["done"],
        enrollment=enrollment,
        has_quiz=page["has_quiz"],
        panels=panels_for(LessonSeen(current_user, course, lesson, enrollment)),
        form=BaseForm(),
    )


@bp.route("/courses/<slug>/lessons/<lesson_slug>/complete", methods=["POST"])
@login_required
def complete(slug: str, lesson_slug: str):
    """Tandai selesai: mark the lesson done and go on."""
    course, enrollment, lesson = _lesson_context(slug, lesson_slug)
    if enrollment is None:
        return redirect(url_for("courses.course", slug=slug))
    completed = services.complete_lesson(enrollment, lesson, utcnow())
    db.session.commit()
    if completed:
        flash(
            _(
                "Selamat! Anda menyelesaikan kursus %(title)s dan memperoleh %(jp)d JP.",
                title=course.title,
                jp=enrollment.jp_earned,
            ),
            "success",
        )
        return redirect(url_for("courses.certificate", cert_id=enrollment.certificate.id))
    return _next_step(course, enrollment)


@bp.route("/courses/<slug>/files/<path:name>")
def asset(slug: str, name: str):
    """A course's image or attachment, cacheable; never executable in the browser."""
    course = _course(slug)
    root = Path(current_app.config["COURSES_PATH"]) / course.slug
    response = send_from_directory(root, name, max_age=86400)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    return response


#: Extra sections of "Pembelajaran saya", after the JP and deadline cards: (template,
#: function(user, today) -> context). Other features register theirs (learning paths).
LEARNING_SECTIONS: list[tuple[str, Callable[[Any, date], dict]]] = []


@bp.route("/learning")
@login_required
def learning():
    """Pembelajaran saya: courses in progress and done, JP by the person's rule (PNS: this
    calendar year against 20; PPPK: this contract year against the ceiling of 24), deadlines."""
    authorize("learning.view_own")
    # One statement for the enrolments, their courses, certificates and progress; one for
    # the deadlines.
    rows, due = pages.learning_rows(current_user)
    enrollments = [e for e, _done, _total in rows]
    progress = {e.id: (d, t) for e, d, t in rows}
    today = wib_today()
    start, end = jp.current_period(current_user, today)
    earned = sum(
        e.jp_earned or 0 for e in enrollments if e.completed_on and start <= e.completed_on < end
    )
    year = today.year
    enrolled_ids = {e.course_id for e in enrollments}
    completed_ids = {e.course_id for e in enrollments if e.completed_at}
    deadlines = [c for c in due if c.id not in completed_ids]
    return render_template(
        "courses/learning.html",
        in_progress=[e for e in enrollments if not e.completed_at and e.course.retired_at is None],
        completed=[e for e in enrollments if e.completed_at],
        progress=progress,
        standing=jp.standing(current_user, today, earned=earned),
        sections=[(template, fn(current_user, today)) for template, fn in LEARNING_SECTIONS],
        year=year,
        deadlines=deadlines,
        enrolled_ids=enrolled_ids,
        today=today,
    )


def _certificate(cert_id: int) -> Certificate:
    certificate = db.session.get(Certificate, cert_id)
    if certificate is None:
        abort(404)
    authorize("certificate.view", certificate)
    owner_id = certificate.enrollment.user_id
    if owner_id != current_user.id:
        record(
            current_user,
            "certificate.view",
            f"user:{owner_id}",
            ip=client_address(),
            certificate=certificate.id,
            pdf=request.endpoint == "courses.certificate_download",
        )
        db.session.commit()
    return certificate


@bp.route("/certificates/<int:cert_id>")
@login_required
def certificate(cert_id: int):
    """The printable certificate (A4 landscape when printed)."""
    certificate = _certificate(cert_id)
    return render_template(
        "courses/certificate.html",
        cert=certificate,
        verify_url=verify_url(certificate),
        revoke_form=RevokeForm() if can(current_user, "certificate.revoke", certificate) else None,
    )


def verify_url(certificate: Certificate) -> str:
    """Where anyone checks this certificate, on the address the person is using."""
    return external_url(url_for("courses.verify", code=certificate.display_code))


@bp.route("/certificates/<int:cert_id>/pdf")
@login_required
def certificate_download(cert_id: int):
    """The certificate as a PDF file."""
    certificate = _certificate(cert_id)
    pdf = certificate_pdf(certificate, verify_url(certificate))
    return current_app.response_class(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="sertifikat-{certificate.code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/certificates/<int:cert_id>/revoke", methods=["POST"])
@login_required
def certificate_revoke(cert_id: int):
    """Revoke a certificate (admin); the verification page says so from then on."""
    certificate = db.session.get(Certificate, cert_id) or abort(404)
    authorize("certificate.revoke", certificate)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Alasan pencabutan wajib diisi."), "error")
    else:
        try:
            services.revoke_certificate(
                certificate, current_user, form.reason.data, utcnow(), ip=client_address()
            )
        except services.CourseError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            current_app.logger.info(
                "certificate %s revoked by user id %s", certificate.id, current_user.id
            )
            flash(_("Sertifikat telah dicabut."), "success")
    return redirect(url_for("courses.certificate", cert_id=certificate.id))


@bp.route("/verify", methods=["GET"])
def verify_form():
    """Anyone can check a certificate by its code."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("courses.verify", code=services.normalize_code(code)))
    return render_template("courses/verify.html", cert=None, code=None)


@bp.route("/verify/<code>")
@limit_verify
def verify(code: str):
    """Public: only name, course, JP, date, validity and a masked NIP."""
    certificate = services.find_certificate(code)
    status = 200 if certificate else 404
    return render_template("courses/verify.html", cert=certificate, code=code), status
