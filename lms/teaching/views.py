"""Teaching pages: who teaches a course, an instructor's courses and learners, the grading queue,
and questions to the instructor, shown below each lesson (a panel of the lesson page)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.accounts.models import User
from lms.courses import services as courses
from lms.courses.models import Course, Lesson
from lms.courses.panels import LessonSeen, lesson_panel
from lms.courses.views import render_lesson
from lms.extensions import db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.policy import authorize, can, is_staff
from lms.quiz.models import AttemptQuestion
from lms.teaching import grading, questions, services
from lms.teaching import permissions as _permissions  # noqa: F401 - registers the teaching rules
from lms.teaching import reminders as _reminders  # noqa: F401 - registers the grading reminder
from lms.teaching.forms import AnswerForm, AskForm, EssayGradeForm, InstructorForm

bp = Blueprint("teaching", __name__, template_folder="templates")


@bp.errorhandler(services.TeachingError)
def teaching_error(error: services.TeachingError):
    """One answer for every refused teaching step: nothing saved, the reason shown."""
    db.session.rollback()
    flash(str(error), "error")
    return redirect(request.referrer or url_for("teaching.index"))


def _course(slug: str) -> Course:
    return courses.live_course(slug) or abort(404)


# -- instructors of a course (HR, admin) --------------------------------------------------------


@bp.route("/courses/<slug>/instructors", methods=["GET", "POST"])
@login_required
def instructors(slug: str):
    """HR and admin see and assign the course's instructors."""
    course = _course(slug)
    authorize("instructors.manage", course)
    current = services.instructors_of(course.id)
    form = InstructorForm()
    taken = {u.id for u in current}
    form.user_id.choices = [(0, _("— pilih pengajar —"))] + [
        (u.id, f"{u.full_name} ({u.display_nip or u.email})")
        for u in services.instructor_candidates()
        if u.id not in taken
    ]
    if form.validate_on_submit():
        person = db.get_or_404(User, form.user_id.data)
        services.assign_instructor(course, person, current_user, utcnow())
        db.session.commit()
        flash(_("%(name)s kini mengajar kursus ini.", name=person.full_name), "success")
        return redirect(url_for("teaching.instructors", slug=slug))
    return render_template(
        "teaching/instructors.html", course=course, current=current, form=form, remove=BaseForm()
    )


@bp.route("/courses/<slug>/instructors/<int:user_id>/remove", methods=["POST"])
@login_required
def instructor_remove(slug: str, user_id: int):
    """End one person's teaching of the course."""
    course = _course(slug)
    authorize("instructors.manage", course)
    if not BaseForm().validate_on_submit():
        abort(400)
    if services.remove_instructor(course, user_id):
        db.session.commit()
        flash(_("Pengajar dilepas dari kursus ini."), "success")
    return redirect(url_for("teaching.instructors", slug=slug))


# -- an instructor's courses and learners -------------------------------------------------------


def _scope(taught: list[Course]) -> list[int] | None:
    """The courses whose essays the person grades: None (every course) for HR and admin."""
    return None if is_staff(current_user) else [c.id for c in taught]


@bp.route("/teaching")
@login_required
def index():
    """Pengajaran: the courses the person teaches and how many essays wait for a grade."""
    authorize("grading.queue")
    taught = services.taught_courses(current_user)
    waiting = grading.waiting_counts(_scope(taught))
    return render_template(
        "teaching/index.html",
        taught=taught,
        waiting=waiting,
        staff=is_staff(current_user),
    )


@bp.route("/courses/<slug>/learners")
@login_required
def learners(slug: str):
    """The course's learners: lessons done, attempts, best score, essays waiting, completion."""
    course = _course(slug)
    authorize("course.teach", course)
    return render_template(
        "teaching/learners.html",
        course=course,
        rows=services.learners_of(course),
        instructors=services.instructors_of(course.id),
    )


# -- grading essays -----------------------------------------------------------------------------


@bp.route("/grading")
@login_required
def queue():
    """Essays waiting for a grade, oldest first: the courses the person teaches (staff: all)."""
    authorize("grading.queue")
    scope = (
        None if is_staff(current_user) else [c.id for c in services.taught_courses(current_user)]
    )
    return render_template("teaching/queue.html", items=grading.queue(scope))


@bp.route("/grading/<int:answer_id>", methods=["GET", "POST"])
@login_required
def grade(answer_id: int):
    """Read one essay answer and give it a score and feedback."""
    aq = db.get_or_404(AttemptQuestion, answer_id)
    if aq.question.type != "essay":
        abort(404)
    attempt = grading.attempt_of(aq)
    course = db.session.get(Course, attempt.course_id)
    authorize("course.teach", course)
    if attempt.submitted_at is None:
        abort(404)  # still being written: nothing to grade yet
    grading.record_view(current_user, attempt, course)
    db.session.commit()  # the view is audited even when nothing is graded
    form = EssayGradeForm(obj=grading.form_values(aq))
    if form.validate_on_submit():
        grading.grade_essay(aq, current_user, form.score.data, form.feedback.data or "", utcnow())
        db.session.commit()
        flash(_("Nilai esai disimpan."), "success")
        return redirect(url_for("teaching.queue"))
    return render_template(
        "teaching/grade.html",
        aq=aq,
        attempt=attempt,
        course=course,
        learner=db.session.get(User, attempt.user_id),
        essay=grading.essay_view(aq),
        form=form,
    )


# -- questions to the instructor, below each lesson ----------------------------------------------


@lesson_panel("teaching/_lesson_questions.html")
def _questions_panel(seen: LessonSeen) -> dict | None:
    """Below a lesson: the questions the viewer may read, with their answers (one statement);
    for its learners the form to ask (back with its errors after a failed ask); for its
    instructors and staff every question, with answer and hide forms."""
    teacher = can(seen.user, "course.teach", seen.course)
    if not teacher and not can(seen.user, "lesson.questions", seen.enrollment):
        return None
    return {
        "items": questions.visible(seen.lesson.id, seen.user, teacher),
        "teacher": teacher,
        "form": None if teacher else g.get("ask_form") or AskForm(formdata=None),
    }


def _lesson(course: Course, lesson_slug: str) -> Lesson:
    lesson = next((x for x in courses.current_lessons(course) if x.slug == lesson_slug), None)
    return lesson or abort(404)


def _on_lesson(slug: str, lesson_slug: str, anchor: str):
    return redirect(url_for("courses.lesson", slug=slug, lesson_slug=lesson_slug, _anchor=anchor))


@bp.route("/courses/<slug>/lessons/<lesson_slug>/questions")
@login_required
def lesson_questions(slug: str, lesson_slug: str):
    """The questions' former page: they are shown below the lesson now (older notifications
    and bookmarks lead here)."""
    course = _course(slug)
    _lesson(course, lesson_slug)
    if not can(current_user, "course.teach", course):
        authorize("lesson.questions", courses.find_enrollment(current_user, course))
    return _on_lesson(slug, lesson_slug, "tanya-pengajar")


@bp.route("/courses/<slug>/lessons/<lesson_slug>/questions/ask", methods=["POST"])
@login_required
def ask(slug: str, lesson_slug: str):
    """A learner of the course asks from the lesson page; the course's instructors are told.
    A question that does not pass comes back on the lesson page, at its field, as typed."""
    course = _course(slug)
    lesson = _lesson(course, lesson_slug)
    enrollment = courses.find_enrollment(current_user, course)
    authorize("lesson.questions", enrollment)
    form = AskForm()
    if not form.validate_on_submit():
        g.ask_form = form
        return render_lesson(slug, lesson_slug)
    asked = questions.ask(
        enrollment, lesson, current_user, form.body.data, form.private.data, utcnow()
    )
    db.session.commit()
    flash(_("Pertanyaan Anda terkirim kepada pengajar kursus ini."), "success")
    return _on_lesson(slug, lesson_slug, f"tanya-{asked.id}")


def _question_for_teacher(question_id: int):
    question = questions.get_or_404(question_id)
    course = db.session.get(Course, question.course_id)
    authorize("course.teach", course)
    return question, course


def _back_to(question, course: Course):
    lesson = db.session.get(Lesson, question.lesson_id)
    return _on_lesson(course.slug, lesson.slug, f"tanya-{question.id}")


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(question_id: int):
    """An instructor answers a question; the asker is told."""
    question, course = _question_for_teacher(question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Tulis jawaban terlebih dahulu."), "error")
    else:
        questions.answer(question, current_user, form.body.data, utcnow())
        db.session.commit()
        flash(_("Jawaban terkirim."), "success")
    return _back_to(question, course)


@bp.route("/questions/<int:question_id>/hide", methods=["POST"])
@login_required
def hide(question_id: int):
    """An instructor hides (or shows again) a question and its answers."""
    question, course = _question_for_teacher(question_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    questions.toggle_hidden(question, current_user, utcnow())
    db.session.commit()
    return _back_to(question, course)
