"""SQL that differs between the two databases Sinau runs on, written once."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import Date, Integer, String, cast, func, literal, literal_column
from sqlalchemy.dialects import postgresql, sqlite
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
