"""What ``/healthz`` checks for a load balancer: the database answers and its schema is current.

One query a call (``alembic_version``); the code's migration heads are read from migrations/
once per process, since the code cannot change under a running process.
"""

from __future__ import annotations

import contextlib
import functools

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms.extensions import db

DATABASE_UNREACHABLE = "database unreachable"
NOT_MIGRATED = "database schema is not at the code's migration head"


@functools.cache
def code_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the migrations in ``directory``."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def problem() -> str | None:
    """None when this app server can serve; else a short reason (never personal data)."""
    try:
        applied = frozenset(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError as exc:
        # No alembic_version table: reachable, never migrated. Anything else: unreachable.
        missing = "alembic_version" in str(exc.orig or exc)
        return NOT_MIGRATED if missing else DATABASE_UNREACHABLE
    finally:
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()  # a read only: leave no pooled connection inside a transaction
    if applied != code_heads(current_app.extensions["migrate"].directory):
        return NOT_MIGRATED
    return None
