"""Who may read reports: HR and admin every report, a unit head those of their units and
sub-units, each person their own person report."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from lms.policy import headed_paths, is_staff, rule


@rule("reports.view")
def _view_reports(user: User, unit: Any) -> bool:
    """HR and admin see every report; a unit head sees those of their units and sub-units.

    ``unit`` None means "the reports menu" for unit heads, and "the whole province" only for
    staff: pass the unit whenever a report is about one.
    """
    if is_staff(user):
        return True
    if not user.has_role(Role.UNIT_HEAD):
        return False
    paths = headed_paths(user)
    if unit is None:
        return bool(paths)
    return any(unit.path.startswith(p) for p in paths if p)


@rule("reports.province")
def _province_reports(user: User, obj: Any) -> bool:
    """Reports on the whole province (no unit chosen): HR and admin."""
    return is_staff(user)


@rule("reports.person")
def _person_report(user: User, person: Any) -> bool:
    """A person's report: the person themself (UU 27/2022 Pasal 7), HR, admin, or the head of
    a unit the person belongs to."""
    if person is None:
        return False
    if person.id == user.id or is_staff(user):
        return True
    unit = getattr(person, "unit", None)
    return unit is not None and _view_reports(user, unit)
