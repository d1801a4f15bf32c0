"""Roll-ups over the unit tree: a report's per-unit figures folded into the direct children of
the unit asked about (the OPDs for the province), via the materialised path.

Queries group by the person's unit (at most a few thousand rows); :func:`roll_up` then adds each
unit's figures to the child of the top unit whose subtree holds it, so a sub-unit's people count
in every unit above it and nothing is queried per row. Reports other than the figures (JP,
activation) roll up their own row classes the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, bindparam, select

from lms.org.models import Unit
from lms.reports.bound import in_subtree, run, subtree_pattern


@dataclass
class UnitTree:
    """The units of a subtree: names, and which child of the top each one rolls up into."""

    top: Unit | None
    children: list[tuple[int, str, str]]  # id, name, path
    child_of: dict[int, int | None]  # unit id -> child id (None: directly in the top unit)


def unit_tree(top: Unit | None) -> UnitTree:
    """Load the subtree once (id, parent, path, name) and map each unit to a child of ``top``."""
    params = {"scope_path": subtree_pattern(top.path)} if top is not None else None
    rows = run(_tree_statement(top is not None), params).all()
    prefix = top.path if top is not None else "/"
    children = [
        (uid, name, path)
        for uid, parent, path, name in rows
        if (parent == top.id if top is not None else parent is None)
    ]
    child_of: dict[int, int | None] = {}
    for uid, _parent, path, _name in rows:
        rest = path[len(prefix) :].strip("/")
        child_of[uid] = int(rest.split("/")[0]) if rest else None
    return UnitTree(top, sorted(children, key=lambda c: c[1].casefold()), child_of)


@functools.cache
def _tree_statement(scoped: bool) -> Select:
    """The units of a subtree (or all of them), built once per process."""
    query = select(Unit.id, Unit.parent_id, Unit.path, Unit.name)
    if scoped:
        query = query.where(in_subtree(bindparam("scope_path", type_=String)))
    return query


def roll_up(tree: UnitTree, by_unit: dict, direct_label: str, row: type) -> tuple[list, Any]:
    """Fold per-unit figures into one row per child of the top unit (+ people directly in it).

    ``row`` is the class of a row (:class:`lms.reports.services.Figures` for the figures): built
    with ``key`` and ``name``, with ``add()`` and a ``people`` count.
    """
    rows = {cid: row(key=cid, name=name) for cid, name, _path in tree.children}
    direct = row(key=None, name=direct_label)
    total = row(key=tree.top.id if tree.top else None, name=tree.top.name if tree.top else "")
    for unit_id, figures in by_unit.items():
        child = tree.child_of.get(unit_id) if unit_id is not None else None
        target = rows.get(child) if child is not None else direct
        if target is None:
            continue
        target.add(figures)
        total.add(figures)
    out = list(rows.values())
    if direct.people or getattr(direct, "pairs", 0):
        out.append(direct)
    return out, total
