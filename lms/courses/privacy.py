"""A person's enrolments, lesson progress and certificates, for "Data saya"."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from lms.courses.models import (
    WITHDRAWN_AFTER_RETENTION,
    WITHDRAWN_ON_REQUEST,
    Certificate,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
)
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Subject, fields, personal_data


@personal_data(
    "courses",
    _l("Kursus, kemajuan belajar dan sertifikat"),
    tables=[Enrollment, LessonProgress, Certificate],
    labels={
        "enrollments": _l("Kursus yang diikuti"),
        "certificates": _l("Sertifikat"),
        "certificates_revoked_by_you": _l("Sertifikat yang Anda cabut"),
        "course": _l("Kursus"),
        "course_title": _l("Kursus"),
        "enrolled_at": _l("Mendaftar"),
        "completed_at": _l("Selesai"),
        "jp_earned": _l("JP diperoleh"),
        "best_score": _l("Nilai terbaik"),
        "lessons_completed": _l("Materi selesai"),
        "holder_name": _l("Nama pada sertifikat"),
        "holder_nip": _l("NIP pada sertifikat"),
        "code": _l("Kode verifikasi"),
        "revoked_at": _l("Dicabut"),
        "revoke_reason": _l("Alasan pencabutan"),
    },
)
def export_courses(user) -> dict:
    """Enrolments (with each lesson marked done) and certificates: three queries."""
    progress = defaultdict(list)
    rows = db.session.execute(
        select(LessonProgress.enrollment_id, Lesson.slug, Lesson.title, LessonProgress.completed_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Enrollment, Enrollment.id == LessonProgress.enrollment_id)
        .where(Enrollment.user_id == user.id)
        .order_by(LessonProgress.completed_at, LessonProgress.id)
    )
    for enrollment_id, slug, title, completed_at in rows:
        progress[enrollment_id].append(
            {"lesson": slug, "title": title, "completed_at": completed_at}
        )
    enrollments = []
    rows = db.session.execute(
        select(Enrollment, Course.slug, Course.title)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.enrolled_at, Enrollment.id)
    )
    for enrollment, slug, title in rows:
        row = {"course": slug, "course_title": title}
        row |= fields(
            enrollment,
            "source",
            "enrolled_at",
            "last_activity_at",
            "completed_at",
            "completed_on",
            "jp_earned",
            "deadline",
            "best_score",
            "attempts",
            "quiz_passed",
        )
        row["lessons_completed"] = progress.get(enrollment.id, [])
        enrollments.append(row)
    certificates = db.session.scalars(
        select(Certificate)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Certificate.issued_at, Certificate.id)
    )
    revoked = db.session.scalars(
        select(Certificate).where(Certificate.revoked_by_id == user.id).order_by(Certificate.id)
    )
    return {
        "enrollments": enrollments,
        "certificates": [
            fields(
                c,
                "code",
                "holder_name",
                "holder_nip",
                "course_title",
                "jp",
                "completed_on",
                "issued_at",
                "revoked_at",
                "revoke_reason",
            )
            for c in certificates
        ],
        # Certificates of other people this person (as admin) revoked: when, not whose.
        "certificates_revoked_by_you": [{"id": c.id, "revoked_at": c.revoked_at} for c in revoked],
    }


@export_courses.eraser
def erase_courses(subject: Subject) -> dict:
    """Certificates lose name and NIP and are withdrawn (the verification page says so and names
    no one). Enrolments, lesson progress, completion dates and JP stay: they carry no text about
    the person and are what the unit's figures (completion rates, JP totals) are counted from."""
    certificates = db.session.scalars(
        select(Certificate)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Enrollment.user_id == subject.user.id)
    ).all()
    reason = WITHDRAWN_AFTER_RETENTION if subject.reason == "retention" else WITHDRAWN_ON_REQUEST
    for certificate in certificates:
        certificate.holder_name = ""
        certificate.holder_nip = None
        if certificate.revoked_at is None:
            certificate.revoked_at = subject.now
            certificate.revoked_by_id = getattr(subject.actor, "id", None)
        certificate.revoke_reason = reason
    return {"certificates": len(certificates)}
