"""SQL that differs between the two databases Sinau runs on, written once."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db


def insert_or_ignore(table):
    """``INSERT ... ON CONFLICT DO NOTHING`` for the database in use (PostgreSQL or SQLite).

    A unique key then does the deduplication inside the database, so two processes or requests
    doing the same insert at once create the row once.
    """
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()
