"""Who may do what: the one place that answers "may this user do this to that object".

Every view calls :func:`authorize` (or checks :func:`can` to show a link). Rules are small
functions registered by action name with :func:`rule`; each feature keeps its own in
``lms/<feature>/permissions.py``, imported by its views (as its reminder rules are).
``tests/test_permissions.py`` walks every route with every role, so a route without a rule or an
expectation fails the suite. Here live the registry and the questions many features' rules ask
(:func:`is_staff`, :func:`headed_paths`, :func:`manages_unit`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.extensions import db, login_manager
from lms.org.models import Unit

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
        abort(login_manager.unauthorized())
    abort(403)


def is_staff(user: User) -> bool:
    """HR and admin: the officers who see and manage everyone."""
    return user.has_role(Role.HR, Role.ADMIN)


# -- unit heads: asked by the rules of action plans, reports and the AI register ----------------


def headed_paths(user: User) -> list[str]:
    """Materialised paths of the units ``user`` heads (their sub-units start with these).

    The menu and several rules ask this on every page; it is read once per request (``g``).
    """
    cache = g.setdefault("headed_paths", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = list(db.session.scalars(select(Unit.path).where(Unit.head_id == user.id)))
    return cache[user.id]


def manages_unit(user: User, unit: Any) -> bool:
    """Whether ``user`` heads ``unit`` or a unit above it."""
    return unit is not None and any(unit.path.startswith(p) for p in headed_paths(user) if p)
