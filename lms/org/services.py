"""Verbs on work units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from lms.extensions import db
from lms.org.models import Unit
from lms.signals import unit_moved


class UnitError(ValueError):
    """A change to the unit tree that would break it."""


def create_unit(name: str, parent: Unit | None = None, **fields) -> Unit:
    """Create a unit under ``parent`` and give it its path."""
    unit = Unit(name=name.strip(), parent=parent, **fields)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.flush()
    return unit


def move_unit(unit: Unit, new_parent: Unit | None, now: datetime) -> None:
    """Put ``unit`` (with its sub-units) under ``new_parent``, rewriting the paths in one update.

    Sends :data:`lms.signals.unit_moved` once moved (its people may owe other courses now).
    """
    from lms.i18n import gettext as _

    if new_parent is not None and new_parent.is_within(unit):
        raise UnitError(_("Unit tidak dapat dipindahkan ke bawah sub-unitnya sendiri."))
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent else '/'}{unit.id}/"
    if old_path == new_path:
        return
    unit.parent = new_parent
    db.session.flush()
    db.session.execute(
        update(Unit)
        .where(Unit.path.startswith(old_path, autoescape=True))
        .values(path=new_path + db.func.substr(Unit.path, len(old_path) + 1))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    unit_moved.send(unit, now=now)


def subtree_ids(unit: Unit) -> list[int]:
    """Ids of ``unit`` and every unit below it."""
    return list(
        db.session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True)))
    )


def units_headed_by(user_id: int) -> list[Unit]:
    """The units a person heads (usually one)."""
    return list(db.session.scalars(select(Unit).where(Unit.head_id == user_id).order_by(Unit.name)))


def unit_choices() -> list[tuple[int, str]]:
    """All units as (id, indented name), in tree order, for a select field."""
    units = db.session.scalars(select(Unit)).all()
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(by_parent.get(parent_id, []), key=lambda u: u.name):
            out.append((unit.id, "\u2003" * depth + unit.name))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return out


def set_head(unit: Unit, person) -> None:
    """Make ``person`` (or nobody) the head of ``unit``, granting the unit-head role."""
    from lms.accounts.models import Role

    unit.head = person
    if person is not None and not person.has_role(Role.UNIT_HEAD):
        person.set_roles(person.roles | {Role.UNIT_HEAD.value})
    db.session.flush()
