"""What teaching holds about a person, for "Data saya" and erasure: the courses they teach, the
essay grades they gave or received, and the questions they asked or answered."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import REDACTED, Subject, fields, personal_data
from lms.quiz.models import Attempt, AttemptQuestion
from lms.teaching.models import CourseInstructor, EssayGrade, LessonAnswer, LessonQuestion


@personal_data(
    "teaching",
    _l("Pengajaran, penilaian esai dan pertanyaan"),
    tables=[CourseInstructor, EssayGrade, LessonQuestion, LessonAnswer],
    labels={
        "teaches": _l("Kursus yang Anda ajar"),
        "grades_given": _l("Esai yang Anda nilai"),
        "grades_received": _l("Penilaian esai Anda"),
        "questions": _l("Pertanyaan Anda kepada pengajar"),
        "answers": _l("Jawaban Anda atas pertanyaan"),
        "course": _l("Kursus"),
        "lesson": _l("Materi"),
    },
)
def export_teaching(user) -> dict:
    """Five queries, one per kind of row."""
    teaches = db.session.execute(
        select(Course.slug, CourseInstructor.assigned_at)
        .join(CourseInstructor, CourseInstructor.course_id == Course.id)
        .where(CourseInstructor.user_id == user.id)
        .order_by(Course.slug)
    ).all()
    graded = (
        select(EssayGrade, Attempt.id, Attempt.user_id, Course.slug)
        .join(AttemptQuestion, AttemptQuestion.id == EssayGrade.attempt_question_id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Course, Course.id == Attempt.course_id)
        .order_by(EssayGrade.graded_at, EssayGrade.id)
    )
    given = db.session.execute(graded.where(EssayGrade.grader_id == user.id)).all()
    received = db.session.execute(graded.where(Attempt.user_id == user.id)).all()
    questions = db.session.execute(
        select(LessonQuestion, Course.slug, Lesson.slug)
        .join(Course, Course.id == LessonQuestion.course_id)
        .join(Lesson, Lesson.id == LessonQuestion.lesson_id)
        .where(LessonQuestion.user_id == user.id)
        .order_by(LessonQuestion.created_at, LessonQuestion.id)
    ).all()
    answers = db.session.scalars(
        select(LessonAnswer)
        .where(LessonAnswer.user_id == user.id)
        .order_by(LessonAnswer.created_at, LessonAnswer.id)
    )
    grade_fields = ("fraction", "feedback_html", "graded_at")
    return {
        "teaches": [{"course": slug, "assigned_at": at} for slug, at in teaches],
        "grades_given": [
            {"course": slug, "attempt": attempt_id} | fields(grade, *grade_fields)
            for grade, attempt_id, _learner, slug in given
        ],
        "grades_received": [
            {"course": slug, "attempt": attempt_id} | fields(grade, *grade_fields)
            for grade, attempt_id, _learner, slug in received
        ],
        "questions": [
            {"course": course, "lesson": lesson}
            | fields(q, "id", "body_html", "private", "created_at", "answered_at", "hidden_at")
            for q, course, lesson in questions
        ],
        "answers": [fields(a, "question_id", "body_html", "created_at") for a in answers],
    }


@export_teaching.eraser
def erase_teaching(subject: Subject) -> dict:
    """The person's questions lose their text (the answers under them stay, they are the
    instructor's); what they wrote as an instructor stays, with their name scrubbed wherever it
    appears; their teaching assignments end. Grades stay: they make the learner's score."""
    uid = subject.user.id
    asked = db.session.execute(
        update(LessonQuestion)
        .where(LessonQuestion.user_id == uid)
        .values(body_html=REDACTED, private=True)
    ).rowcount
    assigned = db.session.execute(
        delete(CourseInstructor).where(CourseInstructor.user_id == uid)
    ).rowcount
    db.session.execute(
        update(CourseInstructor)
        .where(CourseInstructor.assigned_by_id == uid)
        .values(assigned_by_id=None)
    )
    scrubbed = subject.scrub_rows(
        db.session.scalars(
            select(EssayGrade).where(subject.mentioned_in(EssayGrade.feedback_html))
        ),
        "feedback_html",
    )
    scrubbed += subject.scrub_rows(
        db.session.scalars(
            select(LessonAnswer).where(
                or_(LessonAnswer.user_id == uid, subject.mentioned_in(LessonAnswer.body_html))
            )
        ),
        "body_html",
    )
    db.session.flush()
    return {"questions": asked, "teaching": assigned, "texts_scrubbed": scrubbed}
