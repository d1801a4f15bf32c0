"""SQL that differs between the two databases Sinau runs on, written once."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import Date, Integer, String, bindparam, cast, func, literal, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError

from lms.extensions import db


def insert_or_ignore(table):
    """``INSERT ... ON CONFLICT DO NOTHING`` for the database in use (PostgreSQL or SQLite).

    A unique key then does the deduplication inside the database, so two processes or requests
    doing the same insert at once create the row once.
    """
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


def as_text(value):
    """``value`` (a column or a Python value) as SQL text, for building keys in a query."""
    if isinstance(value, str):
        return literal(value, String)
    if isinstance(value, int | float):
        return literal(str(value), String)
    return cast(value, String)


def concat(*parts):
    """The SQL text ``part1 || part2 || ...``; columns are cast to text (both databases)."""
    texts = [as_text(p) for p in parts]
    result = texts[0]
    for part in texts[1:]:
        result = result.concat(part)
    return result


def days_since(day: date, column):
    """Whole days from the date ``column`` to ``day`` (``day - column``) as an integer."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(literal(day, Date) - column, Integer)
    return cast(func.julianday(literal(day.isoformat())) - func.julianday(column), Integer)


def wib_day_text(column):
    """The WIB calendar day (``YYYYMMDD``) of a naive-UTC timestamp ``column``, as text."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column + literal_column("interval '7 hours'"), "YYYYMMDD")
    return func.strftime("%Y%m%d", column, "+7 hours")


def day_text(column):
    """The date ``column`` as ``YYYYMMDD`` text (for keys)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYYMMDD")
    return func.strftime("%Y%m%d", column)


def wib_days_since(day: date, column):
    """Whole days from the WIB calendar day of the naive-UTC timestamp ``column`` to ``day``."""
    if db.session.get_bind().dialect.name == "postgresql":
        wib_day = cast(column + literal_column("interval '7 hours'"), Date)
        return cast(literal(day, Date) - wib_day, Integer)
    wib_day = func.julianday(func.date(column, "+7 hours"))
    return cast(func.julianday(literal(day.isoformat())) - wib_day, Integer)


def int_table(name: str, columns: list[str], rows: list[tuple[int, ...]]):
    """A table of integer ``rows`` for a query (a CTE called ``name``), sent in a fixed number
    of bound parameters whatever the number of rows: one array per column on PostgreSQL
    (``unnest``), one JSON array on SQLite (``json_each``), so SQLite's cap on parameters per
    statement is never reached."""
    if db.session.get_bind().dialect.name == "postgresql":
        arrays = [
            bindparam(f"{name}_{c}", [row[i] for row in rows], type_=ARRAY(Integer))
            for i, c in enumerate(columns)
        ]
        found = func.unnest(*arrays).table_valued(*columns, name=f"{name}_rows").render_derived()
        return select(*(found.c[c] for c in columns)).cte(name)
    found = func.json_each(bindparam(f"{name}_json", json.dumps(rows))).table_valued(
        "value", name=f"{name}_rows"
    )
    return select(
        *(
            cast(func.json_extract(found.c.value, f"$[{i}]"), Integer).label(c)
            for i, c in enumerate(columns)
        )
    ).cte(name)


def rollback_quietly() -> None:
    """Roll back; when the database is gone the rollback fails too, and that is all right (the
    session is closed instead, so the next use starts afresh)."""
    try:
        db.session.rollback()
    except Exception:
        db.session.close()


def retry_when_locked(fn: Callable[[], object], attempts: int = 8) -> object:
    """Run ``fn`` in a transaction; on SQLite, wait and retry when another writer holds it."""
    for attempt in range(attempts):
        try:
            result = fn()
            db.session.commit()
            return result
        except OperationalError as exc:
            db.session.rollback()
            if "locked" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    return None
