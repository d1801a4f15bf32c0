"""Quiz pages: overview and history, attempt, autosave, submit, review, statistics, settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.audit.services import record
from lms.courses import services as courses
from lms.courses.models import Course, Enrollment
from lms.extensions import client_address, db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.limits import limit_upload
from lms.policy import authorize
from lms.quiz import banks, gift, presenting, services
from lms.quiz import permissions as _permissions  # noqa: F401 - registers the quiz rules
from lms.quiz.answers import from_form
from lms.quiz.forms import GiftUploadForm, QuizSettingsForm
from lms.quiz.models import Attempt

bp = Blueprint("quiz", __name__, template_folder="templates")


def _course(slug: str) -> Course:
    return courses.live_course(slug) or abort(404)


def _enrollment(course: Course) -> Enrollment | None:
    enrollment = courses.find_enrollment(current_user, course)
    if enrollment is not None:
        authorize("enrollment.learn", enrollment)
    return enrollment


@bp.route("/courses/<slug>/quiz")
@login_required
def overview(slug: str):
    """The quiz's rules, the learner's attempts and the button to start."""
    authorize("courses.browse")
    course = _course(slug)
    enrollment = _enrollment(course)
    if enrollment is None:
        flash(_("Daftarkan diri Anda di kursus ini terlebih dahulu."), "info")
        return redirect(url_for("courses.course", slug=slug))
    now = utcnow()
    current = services.open_attempt(enrollment)
    if current is not None and services.close_if_expired(current, now):
        db.session.commit()
        current = None
    attempts = services.attempts_of(enrollment)
    bank = len(banks.active_questions(course.id))
    return render_template(
        "quiz/overview.html",
        course=course,
        enrollment=enrollment,
        attempts=attempts,
        current=current,
        best=services.best_attempt(enrollment),
        left=services.attempts_left(course, len(attempts)),
        questions=min(course.draw or bank, bank),
        form=BaseForm(),
    )


@bp.route("/courses/<slug>/quiz/start", methods=["POST"])
@login_required
def start(slug: str):
    """Start an attempt (or return to the open one)."""
    course = _course(slug)
    enrollment = _enrollment(course)
    if enrollment is None:
        abort(403)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(enrollment, utcnow())
    except services.QuizError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("quiz.overview", slug=slug))
    db.session.commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


def _attempt(attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    authorize("attempt.view", attempt)
    return attempt


def _own_attempt(attempt_id: int) -> Attempt:
    attempt = _attempt(attempt_id)
    if attempt.user_id != current_user.id:
        abort(403)  # HR may look at an attempt, never answer it
    return attempt


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The attempt page: questions and options only, never the answer key."""
    attempt = _attempt(attempt_id)
    now = utcnow()
    if services.close_if_expired(attempt, now):
        db.session.commit()
        flash(_("Waktu pengerjaan habis; jawaban yang tersimpan sudah dinilai."), "info")
    if attempt.submitted_at is not None:
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    course = db.session.get(Course, attempt.course_id)
    if attempt.user_id != current_user.id:
        # HR/admin see that it is under way, never the answers being written (the review,
        # which sends an unsubmitted attempt here, would otherwise send them back: a loop).
        _record_view(attempt, course)
        return render_template(
            "quiz/in_progress.html",
            attempt=attempt,
            course=course,
            answered=len(attempt.questions) - len(services.unanswered(attempt)),
        )
    remaining = (
        max(int((attempt.deadline_at - now).total_seconds()), 0) if attempt.deadline_at else None
    )
    return render_template(
        "quiz/attempt.html",
        attempt=attempt,
        course=course,
        shown=presenting.shown_questions(attempt),
        remaining=remaining,
        focus=request.args.get("focus", type=int),
        form=BaseForm(),
    )


def _record_view(attempt: Attempt, course: Course) -> None:
    """Staff looking at someone's attempt is written to the audit log."""
    record(
        current_user,
        "quiz.attempt.view",
        f"user:{attempt.user_id}",
        ip=client_address(),
        attempt=attempt.id,
        course=course.slug,
    )
    db.session.commit()


@bp.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@login_required
def save(attempt_id: int):
    """Save responses: the whole form, or one question (``only``) when JavaScript saves it."""
    attempt = _own_attempt(attempt_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    only = request.form.get("only", type=int)
    before = {aq.position: aq.response for aq in attempt.questions}
    try:
        answers = from_form(attempt, request.form, only=only)
        saved = services.save_responses(attempt, answers, utcnow())
    except services.QuizError as exc:
        db.session.rollback()
        if wants_json:
            return jsonify(ok=False, message=str(exc)), 409
        flash(str(exc), "error")
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    db.session.commit()
    if wants_json:
        return jsonify(ok=True, saved=saved)
    flash(_("Jawaban tersimpan."), "success")
    focus = only
    if focus is None and request.form.get("enter"):
        # Enter in an answer, without JavaScript: the whole form was posted through the hidden
        # default button; the question whose answer changed is where the person was typing.
        focus = next(
            (aq.position for aq in attempt.questions if aq.response != before.get(aq.position)),
            None,
        )
    # autofocus brings the question into view; a #fragment would make browsers skip autofocus
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id, focus=focus))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Hand in the attempt; it is graded once, on the server.

    With questions left unanswered, the answers are saved and the person is asked first
    (:func:`confirm`); the attempt is graded only when the post says ``confirm=1``.
    """
    attempt = _own_attempt(attempt_id)
    now = utcnow()
    answers = from_form(attempt, request.form)
    if request.form.get("confirm") != "1" and services.is_open(attempt, now):
        services.save_responses(attempt, answers, now)
        if services.unanswered(attempt):
            db.session.commit()
            return redirect(url_for("quiz.confirm", attempt_id=attempt.id))
        answers = None  # saved just now
    services.submit_attempt(attempt, answers, now)
    db.session.commit()
    return redirect(url_for("quiz.review", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/confirm")
@login_required
def confirm(attempt_id: int):
    """Before grading: which questions are unanswered, and "Kumpulkan" or go back to them."""
    attempt = _own_attempt(attempt_id)
    if services.close_if_expired(attempt, utcnow()):
        db.session.commit()
        flash(_("Waktu pengerjaan habis; jawaban yang tersimpan sudah dinilai."), "info")
    if attempt.submitted_at is not None:
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    course = db.session.get(Course, attempt.course_id)
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    used = len(services.attempts_of(enrollment))
    return render_template(
        "quiz/confirm.html",
        attempt=attempt,
        course=course,
        missing=[s for s in presenting.shown_questions(attempt) if not s.aq.response],
        left=services.attempts_left(course, used),
        form=BaseForm(),
    )


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """Score, pass or fail, and (as the course allows) right answers and feedback."""
    attempt = _attempt(attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    course = db.session.get(Course, attempt.course_id)
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    used = len(services.attempts_of(enrollment))
    show = services.may_show_answers(attempt, course, used)
    if attempt.user_id != current_user.id:
        _record_view(attempt, course)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        course=course,
        enrollment=enrollment,
        show=show,
        items=presenting.review_items(attempt) if show else [],
        essays=presenting.essay_items(attempt),
        left=services.attempts_left(course, used),
    )


@bp.route("/courses/<slug>/quiz/statistics")
@login_required
def statistics(slug: str):
    """Per-question statistics for trainers and HR, to spot bad questions."""
    course = _course(slug)
    authorize("quiz.statistics", course)
    return render_template(
        "quiz/statistics.html", course=course, stats=presenting.question_statistics(course.id)
    )


@bp.route("/courses/<slug>/quiz/settings", methods=["GET", "POST"])
@login_required
@limit_upload
def settings(slug: str):
    """Admin/HR change the quiz rules and may replace the question bank with a GIFT file."""
    course = _course(slug)
    authorize("courses.manage", course)
    form = QuizSettingsForm(obj=course, prefix="s")
    upload = GiftUploadForm(prefix="g")
    problems: list[str] = []
    if request.method == "POST" and "s-pass_mark" in request.form and form.validate_on_submit():
        form.populate_obj(course)
        db.session.commit()
        flash(_("Pengaturan kuis disimpan."), "success")
        return redirect(url_for("quiz.settings", slug=slug))
    if request.method == "POST" and "g-file" in request.files and upload.validate_on_submit():
        data = upload.file.data.read(2_000_000)
        try:
            text = data.decode("utf-8-sig")
            questions = gift.parse_gift(text, upload.file.data.filename or "quiz.gift", essays=True)
        except UnicodeDecodeError:
            problems.append(_("Berkas harus berupa teks UTF-8."))
        except gift.GiftError as exc:
            problems.append(str(exc))
        else:
            if not questions:
                problems.append(_("Berkas tidak berisi soal."))
            else:
                banks.replace_bank(course, questions, utcnow())
                db.session.commit()
                flash(_("%(n)d soal dimuat dari berkas GIFT.", n=len(questions)), "success")
                return redirect(url_for("quiz.settings", slug=slug))
    return render_template(
        "quiz/settings.html", course=course, form=form, upload=upload, problems=problems
    )
