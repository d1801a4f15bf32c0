"""Learning paths a person (as HR) required, for "Data saya".

What a path asked of a person shows in their enrolments (the path's courses, assigned, with its
deadline) in the courses part.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.paths.models import LearningPath, PathAssignment, PathStep
from lms.privacy.registry import Subject, fields, personal_data


@personal_data(
    "paths",
    _l("Jalur belajar yang Anda wajibkan"),
    tables=[LearningPath, PathStep, PathAssignment],
    labels={"created": _l("Jalur belajar yang Anda wajibkan"), "deadline": _l("Tenggat")},
)
def export_paths(user) -> dict:
    """Paths whose creator is the person (one query)."""
    paths = db.session.scalars(
        select(LearningPath).where(LearningPath.created_by_id == user.id).order_by(LearningPath.id)
    )
    return {
        "created": [
            {
                **fields(path, "id", "title", "deadline", "created_at", "cancelled_at"),
                "courses": [step.course.slug for step in path.steps],
            }
            for path in paths
        ]
    }


@export_paths.eraser
def erase_paths(subject: Subject) -> dict:
    """Nothing to change: a path holds no text about its creator, only their account number,
    which now points at the anonymised account. Kept: it decides others' deadlines."""
    return {}
