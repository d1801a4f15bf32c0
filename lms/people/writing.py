"""Writing an import's plan: units, people and their roles, set-based, in the caller's transaction.

At 100,000 new people the ORM's bulk insert spent more time per row in Python than the database
spent writing it; rows go straight through the driver instead (``COPY`` on PostgreSQL, one
``executemany`` on SQLite), and new units a generation at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from lms.accounts.models import Role, User
from lms.extensions import db
from lms.org.models import Unit
from lms.people.parsed import bulk
from lms.signals import people_placed

if TYPE_CHECKING:
    from lms.people.importer import NewUnit, Plan


@bulk
def apply(plan: Plan, *, now: datetime) -> dict[str, int]:
    """Write ``plan`` (which must have no problems) and flush; the caller commits once."""
    if plan.problems:
        raise ValueError("a plan with problems cannot be applied")
    unit_ids = _insert_units(plan.new_units, now)

    def unit(value: int | None) -> int | None:
        return unit_ids[value] if value is not None and value < 0 else value

    placed: list[int] = []
    if plan.inserts:
        rows = [
            {
                **row,
                "unit_id": unit(row["unit_id"]),
                "active": True,
                "created_at": now,
                "updated_at": now,
                "session_version": 1,
                "must_change_password": False,
            }
            for row in plan.inserts
        ]
        placed.extend(_insert_people(rows))
    if plan.updates:
        rows = [
            {
                **row,
                "unit_id": unit(row["unit_id"]),
                "active": True,
                "deactivated_at": None,
                "updated_at": now,
            }
            for row in plan.updates
        ]
        db.session.execute(update(User), rows)
        placed.extend(row["id"] for row in plan.updates)
    if plan.deactivations:
        db.session.execute(
            update(User),
            [
                {
                    "id": m["id"],
                    "active": False,
                    "deactivated_at": now,
                    "session_version": m["session_version"] + 1,
                    "updated_at": now,
                }
                for m in plan.deactivations
            ],
        )
    db.session.flush()
    # People who are new or moved take on the assignments of their units (assignments listen),
    # in the same transaction: the import and its enrolments are saved together or not at all.
    replies = people_placed.send(None, user_ids=placed, now=now)
    enrolled = sum(made for _receiver, made in replies if isinstance(made, int))
    db.session.expire_all()
    return {**plan.counts(), "assigned_enrolments": enrolled}


def _insert_units(new_units: list[NewUnit], now: datetime) -> dict[int, int]:
    """Create the new units, a generation at a time; return their ids by negative key.

    One INSERT for each generation (the units whose parents exist by then) and one UPDATE for
    all their paths (``/<root id>/.../<own id>/``), in place of two flushes per unit.
    """
    ids: dict[int, int] = {}
    generation: dict[int, int] = {}
    levels: dict[int, list[NewUnit]] = defaultdict(list)
    for new in new_units:  # a parent always comes before its children
        level = generation[new.parent] + 1 if new.parent is not None and new.parent < 0 else 0
        generation[new.key] = level
        levels[level].append(new)
    existing = {new.parent for new in new_units if new.parent is not None and new.parent > 0}
    query = select(Unit.id, Unit.path).where(Unit.id.in_(existing))
    paths: dict[int, str] = dict(db.session.execute(query).all())
    for level in sorted(levels):
        group = levels[level]
        parents = [ids[n.parent] if n.parent is not None and n.parent < 0 else n.parent
                   for n in group]  # fmt: skip
        made = db.session.scalars(
            insert(Unit).returning(Unit.id, sort_by_parameter_order=True),
            [{"name": n.name.strip(), "parent_id": parent, "code": n.code, "path": "",
              "created_at": now} for n, parent in zip(group, parents, strict=True)],
        ).all()  # fmt: skip
        for new, parent, unit_id in zip(group, parents, made, strict=True):
            ids[new.key] = unit_id
            paths[unit_id] = f"{paths[parent] if parent is not None else '/'}{unit_id}/"
        db.session.execute(update(Unit), [{"id": i, "path": paths[i]} for i in made])
    return ids


def _insert_people(rows: list[dict]) -> list[int]:
    """Insert people and their learner role; return their ids, in the order of ``rows``.

    The ORM's bulk insert spent more time per row in Python than the database spent writing
    it, and ``INSERT ... RETURNING`` in parameter order runs one statement per row on SQLite;
    on PostgreSQL, arrays of 100,000 values are quoted in Python by psycopg. So: ``COPY`` on
    PostgreSQL, one ``executemany`` on SQLite, with the ids read back by NIP.
    """
    columns = list(rows[0])
    connection = db.session.connection()
    # Column names come from the model, never from the file.
    _write_rows(connection, "users", columns, [[row[name] for row in rows] for name in columns])
    wanted = {row["nip"] for row in rows}
    query = select(User.id, User.nip).where(User.nip.is_not(None))
    by_nip = {nip: user_id for user_id, nip in connection.execute(query) if nip in wanted}
    ids = [by_nip[row["nip"]] for row in rows]
    _write_rows(
        connection, "user_roles", ["user_id", "role"], [ids, [Role.LEARNER.value] * len(ids)]
    )
    return ids


def _write_rows(connection, table: str, columns: list[str], values: list[list]) -> None:
    """Insert rows given column by column, straight through the driver."""
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
        return
    # SQLite: each column's bind processor (dates and booleans), once per distinct value.
    types = db.metadata.tables[table].c
    convert = [_converter(types[name].type.bind_processor(connection.dialect)) for name in columns]
    values = [
        column if c is None else [c(v) for v in column]
        for c, column in zip(convert, values, strict=True)
    ]
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - names from the model
        list(zip(*values, strict=True)),
    )


def _converter(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """A column's bind processor applied once per distinct value; None if it has none."""
    if process is None:
        return None
    done: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            return done[value]
        except KeyError:
            done[value] = found = process(value)
            return found

    return convert
