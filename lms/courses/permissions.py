"""Who may browse, enrol in, learn and certify courses, and manage them."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import is_staff, rule


@rule("courses.browse", "learning.view_own")
def _learner(user: User, obj: Any) -> bool:
    return True


@rule("course.enroll")
def _enroll(user: User, course: Any) -> bool:
    """Anyone may enrol in a live course, unless HR must assign it."""
    return course is not None and course.retired_at is None and not course.assignment_only


@rule("enrollment.learn")
def _own_enrollment(user: User, enrollment: Any) -> bool:
    """Progress and attempts belong to the learner alone."""
    return enrollment is not None and enrollment.user_id == user.id


@rule("certificate.view")
def _view_certificate(user: User, certificate: Any) -> bool:
    return certificate is not None and (certificate.enrollment.user_id == user.id or is_staff(user))


@rule("certificate.revoke")
def _admin(user: User, obj: Any) -> bool:
    return user.has_role(Role.ADMIN)


@rule("courses.manage")
def _quiz_staff(user: User, obj: Any) -> bool:
    return is_staff(user)
