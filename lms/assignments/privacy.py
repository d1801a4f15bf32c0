"""Course assignments a person (as HR) made, for "Data saya".

Assignments are never stored per person covered (see :class:`Assignment`); what a person was
assigned shows in their enrolments (source "assigned", deadline) in the courses part.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.assignments.models import Assignment
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Subject, fields, personal_data


@personal_data(
    "assignments",
    _l("Penugasan kursus yang Anda buat"),
    tables=[Assignment],
    labels={"created": _l("Penugasan yang Anda buat"), "deadline": _l("Tenggat")},
)
def export_assignments(user) -> dict:
    """Assignments whose creator is the person (one query)."""
    rows = db.session.execute(
        select(Assignment, Course.slug)
        .join(Course, Course.id == Assignment.course_id)
        .where(Assignment.created_by_id == user.id)
        .order_by(Assignment.id)
    )
    return {
        "created": [
            {"course": slug}
            | fields(a, "id", "scope", "position_type", "deadline", "created_at", "cancelled_at")
            for a, slug in rows
        ]
    }


@export_assignments.eraser
def erase_assignments(subject: Subject) -> dict:
    """Nothing to change: an assignment holds no text about its creator, only their account
    number, which now points at the anonymised account. Kept: it decides others' deadlines."""
    return {}
