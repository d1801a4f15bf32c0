"""The person report: one person's courses (their *pairs*, :func:`lms.reports.services.pairs`)
with progress, deadline, best score, attempts and certificate, and the state of a pair
(:func:`status_of`), which the people x courses export names too.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.accounts.models import User
from lms.courses.models import Certificate, Course, Enrollment
from lms.courses.services import percent, progress_by_enrollment
from lms.extensions import db
from lms.reports.services import Filters, pairs


def person_courses(user: User, today: date) -> list[dict]:
    """A person's courses: status, progress, deadline, best score, attempts, certificate."""
    filters = Filters(year=today.year)
    p = pairs(None, filters, user_id=user.id).subquery("p")
    rows = (
        db.session.execute(
            select(
                p,
                Course.title,
                Course.slug,
                Course.jp.label("course_jp"),
                Enrollment.jp_earned,
                Certificate.code,
                Certificate.revoked_at,
                Certificate.id.label("certificate_id"),
            )
            .join(Course, Course.id == p.c.course_id)
            .outerjoin(Enrollment, Enrollment.id == p.c.enrollment_id)
            .outerjoin(Certificate, Certificate.enrollment_id == p.c.enrollment_id)
            .where(p.c.user_id == user.id)
            .order_by(Course.title)
        )
        .mappings()
        .all()
    )
    progress = progress_by_enrollment([r["enrollment_id"] for r in rows if r["enrollment_id"]])
    out = []
    for r in rows:
        done, total = progress.get(r["enrollment_id"], (0, 0))
        out.append(
            {
                **r,
                "status": status_of(r, today),
                "progress": 100 if r["completed_at"] else percent(done, total),
                "lessons_done": done,
                "lessons_total": total,
            }
        )
    return out


def status_of(row, today: date) -> str:
    """completed, overdue, awaiting_grade, in_progress or not_started for one pair."""
    if row["completed_at"] is not None:
        return "completed"
    if row.get("awaiting"):
        return "awaiting_grade"
    if row["deadline"] is not None and row["deadline"] < today:
        return "overdue"
    if row["last_activity_at"] is not None:
        return "in_progress"
    return "not_started"
