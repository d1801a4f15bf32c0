"""Who may do what: the one place that answers "may this user do this to that object".

Every view calls :func:`authorize` (or checks :func:`can` to show a link). Rules are small
functions registered by action name; ``tests/test_permissions.py`` walks every route with every
role, so a route without a rule or an expectation fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.aiuse.models import Delegate
from lms.extensions import db
from lms.org.models import Unit
from lms.teaching.models import CourseInstructor

Rule = Callable[[User, Any], bool]
RULES: dict[str, Rule] = {}


def rule(*actions: str) -> Callable[[Rule], Rule]:
    """Register a function as the rule for ``actions``."""

    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in RULES:
                raise RuntimeError(f"rule for {action!r} registered twice")
            RULES[action] = fn
        return fn

    return register


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action`` (to ``obj``). Anonymous and inactive users may not."""
    if action not in RULES:
        raise KeyError(f"no policy rule for {action!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(RULES[action](user, obj))


def authorize(action: str, obj: Any = None) -> None:
    """Stop the request unless the current user may do ``action``: login first, else 403."""
    if can(current_user, action, obj):
        return
    if not current_user.is_authenticated:
        from lms.extensions import login_manager

        abort(login_manager.unauthorized())
    abort(403)


def is_staff(user: User) -> bool:
    return user.has_role(Role.HR, Role.ADMIN)


# -- accounts and people -------------------------------------------------------------------------


@rule(
    "dashboard.view",
    "account.view_own",
    "account.change_password",
    "account.set_locale",
    "corrections.request",
)
def _any_member(user: User, obj: Any) -> bool:
    return True


@rule("account.export_own")
def _export_own(user: User, obj: Any) -> bool:
    """Data saya: everyone signed in downloads their own data, never someone else's (the route
    takes no person; it always answers for the signed-in one)."""
    return True


@rule("users.list", "users.create", "units.list", "units.manage", "people.import")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("users.manage")
def _manage_user(user: User, target: User | None) -> bool:
    """An admin manages every account; HR only those of people who hold neither the HR nor
    the admin role (no officer resets a fellow officer's password and reads it)."""
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.HR):
        return False
    return target is None or not is_staff(target)


@rule("users.grant_staff")
def _grant_staff(user: User, obj: Any) -> bool:
    """Only an admin grants or removes the HR and admin roles."""
    return user.has_role(Role.ADMIN)


@rule("corrections.queue")
def _corrections(user: User, obj: Any) -> bool:
    """HR and admin work through correction requests; each decision also needs
    "users.manage" on the person (HR decides no fellow officer's request)."""
    return is_staff(user)


@rule("activation.manage")
def _activation(user: User, obj: Any) -> bool:
    """HR and admin see who has not activated their account and send invitations (to the
    person's own email, so inviting a fellow officer opens nothing to the sender)."""
    return is_staff(user)


# -- courses and learning ------------------------------------------------------------------------


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


@rule("attempt.view")
def _view_attempt(user: User, attempt: Any) -> bool:
    """An attempt is seen by its owner, HR, admin and the course's instructors."""
    if attempt is None:
        return False
    return attempt.user_id == user.id or is_staff(user) or teaches(user, attempt.course_id)


@rule("certificate.view")
def _view_certificate(user: User, certificate: Any) -> bool:
    return certificate is not None and (certificate.enrollment.user_id == user.id or is_staff(user))


@rule("certificate.revoke", "courses.sync")
def _admin(user: User, obj: Any) -> bool:
    return user.has_role(Role.ADMIN)


@rule("courses.manage")
def _quiz_staff(user: User, obj: Any) -> bool:
    return is_staff(user)


# -- teaching (pengajar) -------------------------------------------------------------------------


def taught_course_ids(user: User) -> set[int]:
    """Ids of the courses ``user`` teaches: assigned to them, and they hold the instructor role
    (read once per request). Taking the role away ends every assignment's rights at once."""
    if not user.has_role(Role.INSTRUCTOR):
        return set()
    cache = g.setdefault("taught_courses", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = set(
            db.session.scalars(
                select(CourseInstructor.course_id).where(CourseInstructor.user_id == user.id)
            )
        )
    return cache[user.id]


def teaches(user: User, course: Any) -> bool:
    """Whether ``user`` is an instructor of ``course`` (a Course or its id)."""
    course_id = getattr(course, "id", course)
    return course_id is not None and course_id in taught_course_ids(user)


@rule("courses.edit", "course.teach", "quiz.statistics")
def _course_teacher(user: User, course: Any) -> bool:
    """HR and admin, and the course's own instructors: edit the course, follow its learners'
    progress and attempts, grade its essays, answer and moderate its questions."""
    return is_staff(user) or (course is not None and teaches(user, course))


@rule("courses.create")
def _course_author(user: User, obj: Any) -> bool:
    """HR, admin and instructors start courses in the browser (a new draft, or a course ZIP)."""
    return is_staff(user) or user.has_role(Role.INSTRUCTOR)


@rule("draft.edit")
def _draft_editor(user: User, draft: Any) -> bool:
    """A browser course's draft: HR and admin; before its first publish, the instructor who
    created it (while they hold the role); once published, the course's instructors (the
    creator became one on publishing, and leaves with HR's decision like any other)."""
    if draft is None:
        return False
    if is_staff(user):
        return True
    if draft.course_id is not None:
        return teaches(user, draft.course_id)
    return draft.created_by_id == user.id and user.has_role(Role.INSTRUCTOR)


@rule("instructors.manage")
def _instructors(user: User, course: Any) -> bool:
    """HR and admin decide who teaches which course."""
    return is_staff(user)


@rule("grading.queue")
def _grading_queue(user: User, obj: Any) -> bool:
    """The essays waiting for a grade: HR, admin, and anyone who teaches a course."""
    return is_staff(user) or bool(taught_course_ids(user))


@rule("lesson.questions")
def _lesson_questions(user: User, enrollment_or_course: Any) -> bool:
    """Questions on a lesson: read and asked by the course's learners (pass their enrolment),
    read by its instructors and staff (pass the course)."""
    obj = enrollment_or_course
    if obj is None:
        return False
    if hasattr(obj, "user_id"):
        return obj.user_id == user.id
    return _course_teacher(user, obj)


# -- reminders -----------------------------------------------------------------------------------


@rule("notifications.own")
def _own_notifications(user: User, obj: Any) -> bool:
    return True


@rule("notification.mark")
def _mark_notification(user: User, notification: Any) -> bool:
    return notification is not None and notification.user_id == user.id


@rule("reminders.admin")
def _reminders_admin(user: User, obj: Any) -> bool:
    """Outbox and job runs hold other people's messages: administrators only."""
    return user.has_role(Role.ADMIN)


@rule("privacy.erase")
def _erase(user: User, target: Any) -> bool:
    """Erasure is the administrator's (the data-protection officer holds the role), never of
    their own account (another administrator must do it)."""
    return user.has_role(Role.ADMIN) and target is not None and target.id != user.id


@rule("privacy.retention")
def _retention(user: User, obj: Any) -> bool:
    return user.has_role(Role.ADMIN)


@rule("audit.view")
def _audit(user: User, obj: Any) -> bool:
    """The audit log says who looked at whose data: administrators only (the officer who
    answers for data protection holds the admin role)."""
    return user.has_role(Role.ADMIN)


# -- retreat action plans ------------------------------------------------------------------------


def headed_paths(user: User) -> list[str]:
    """Materialised paths of the units ``user`` heads (their sub-units start with these).

    The menu and several rules ask this on every page; it is read once per request (``g``).
    """
    from flask import g, has_request_context
    from sqlalchemy import select

    from lms.extensions import db
    from lms.org.models import Unit

    cache = g.setdefault("headed_paths", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = list(db.session.scalars(select(Unit.path).where(Unit.head_id == user.id)))
    return cache[user.id]


def manages_unit(user: User, unit: Any) -> bool:
    """Whether ``user`` heads ``unit`` or a unit above it."""
    return unit is not None and any(unit.path.startswith(p) for p in headed_paths(user) if p)


def owns_item(user: User, item: Any) -> bool:
    return item is not None and item.is_owned_by(user)


def reads_item(user: User, item: Any) -> bool:
    """HR and admin, the unit's members, the item's owners, and heads of the unit or above."""
    if item is None:
        return False
    return (
        is_staff(user)
        or user.unit_id == item.unit_id
        or owns_item(user, item)
        or manages_unit(user, item.unit)
    )


@rule("actions.index", "actions.my_items")
def _action_member(user: User, obj: Any) -> bool:
    return True


@rule("actions.view_unit")
def _view_unit_plan(user: User, unit: Any) -> bool:
    """A person reads the plan of their own unit; heads also their sub-units'; HR/admin all."""
    if unit is None:
        return False
    return is_staff(user) or user.unit_id == unit.id or manages_unit(user, unit)


@rule("actions.view_item", "actions.comment")
def _view_item(user: User, item: Any) -> bool:
    return reads_item(user, item)


@rule("actions.download_evidence")
def _download_evidence(user: User, update: Any) -> bool:
    return update is not None and reads_item(user, update.item)


@rule("actions.create")
def _create_item(user: User, unit: Any) -> bool:
    """Unit heads plan for their units and sub-units (without a unit: for any unit they head)."""
    if unit is None:
        return bool(headed_paths(user))
    return manages_unit(user, unit)


@rule("actions.edit", "actions.review")
def _manage_item(user: User, item: Any) -> bool:
    return item is not None and manages_unit(user, item.unit)


@rule("actions.post_update")
def _post_update(user: User, item: Any) -> bool:
    """Only the owner and co-owners report progress on an item."""
    return owns_item(user, item)


@rule("actions.import")
def _import_items(user: User, unit: Any) -> bool:
    """HR imports for any unit; a unit head for the units they head and their sub-units."""
    if user.has_role(Role.HR):
        return True
    if unit is None:
        return bool(headed_paths(user))
    return manages_unit(user, unit)


@rule("actions.overview", "actions.programs")
def _action_staff(user: User, obj: Any) -> bool:
    return is_staff(user)


# -- assignments and reports ---------------------------------------------------------------------


@rule("assignments.manage")
def _assignments(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("paths.manage")
def _paths(user: User, obj: Any) -> bool:
    """HR and admin require learning paths (by position type) and withdraw them; a learner
    sees the paths required of them on their own page (learning.view_own)."""
    return is_staff(user)


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


# -- AI register (Registri Pemanfaatan AI) -------------------------------------------------------


def sees_ai_register(user: User) -> bool:
    """HR, admin and the read-only Diskominfo role see every unit's register."""
    return user.has_role(Role.HR, Role.ADMIN, Role.DISKOMINFO)


def delegated_paths(user: User) -> list[str]:
    """Paths of the units whose AI register ``user`` keeps for the head (read once per request)."""
    cache = g.setdefault("delegated_paths", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = list(
            db.session.scalars(
                select(Unit.path)
                .join(Delegate, Delegate.unit_id == Unit.id)
                .where(Delegate.user_id == user.id)
            )
        )
    return cache[user.id]


def keeps_register(user: User, unit: Any) -> bool:
    """The head of ``unit`` (or above) and the people the head named keep its register."""
    if unit is None:
        return False
    return manages_unit(user, unit) or any(
        unit.path.startswith(p) for p in delegated_paths(user) if p
    )


@rule("aiuse.index")
def _aiuse_member(user: User, obj: Any) -> bool:
    return True


@rule("aiuse.province")
def _aiuse_province(user: User, obj: Any) -> bool:
    return sees_ai_register(user)


@rule("aiuse.view_unit")
def _aiuse_view_unit(user: User, unit: Any) -> bool:
    """Members read their unit's register; its keepers and the province viewers too."""
    if unit is None:
        return False
    return sees_ai_register(user) or user.unit_id == unit.id or keeps_register(user, unit)


@rule("aiuse.view")
def _aiuse_view(user: User, entry: Any) -> bool:
    return entry is not None and _aiuse_view_unit(user, entry.unit)


@rule("aiuse.create")
def _aiuse_create(user: User, unit: Any) -> bool:
    """Unit heads and their delegates record entries (without a unit: for any unit they keep)."""
    if unit is None:
        return bool(headed_paths(user) or delegated_paths(user))
    return keeps_register(user, unit)


@rule("aiuse.edit")
def _aiuse_edit(user: User, entry: Any) -> bool:
    return entry is not None and keeps_register(user, entry.unit)


@rule("aiuse.sign_off")
def _aiuse_sign_off(user: User, entry: Any) -> bool:
    """Only the unit head (or a head above) signs a DPIA off, never a delegate."""
    return entry is not None and manages_unit(user, entry.unit)


@rule("aiuse.delegates")
def _aiuse_delegates(user: User, unit: Any) -> bool:
    return manages_unit(user, unit)
