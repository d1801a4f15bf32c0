"""Assignments follow the change: whoever is placed, or whose unit moves, is recomputed.

Features that place people (accounts, import, corrections) or move units (org) send
:data:`lms.signals.people_placed` and :data:`lms.signals.unit_moved`; they do not know that
assignments exist. Only the people affected are worked out again; the daily full pass of
:func:`lms.assignments.coverage.apply_assignments` stays as a safety net for changes no signal
reports (a direct database edit).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from lms.accounts.models import User
from lms.assignments.coverage import apply_assignments
from lms.org.models import Unit
from lms.signals import people_placed, unit_moved

#: Above this many people one full pass is cheaper than a list of ids (and SQLite caps the
#: number of bound parameters in one statement).
MAX_LISTED = 1000


@people_placed.connect
def on_people_placed(_sender, *, user_ids: Collection[int], now: datetime, **_kw) -> int:
    """Enrol the people placed in what they now owe; returns how many enrolments were made."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    if len(ids) > MAX_LISTED:
        return apply_assignments(now)
    return apply_assignments(now, people=select(User.id).where(User.id.in_(ids)))


@unit_moved.connect
def on_unit_moved(unit: Unit, *, now: datetime, **_kw) -> int:
    """Recompute the people of the moved unit and of every unit below it."""
    subtree = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
    return apply_assignments(now, people=select(User.id).where(User.unit_id.in_(subtree)))
