"""/healthz for a load balancer: 200 only with a reachable database at the migration head."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from lms import create_app
from lms.config import testing_config as config_for
from lms.main import health


def test_a_migrated_database_is_healthy_in_one_query(app, client, db):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert len(statements) == 1 and "alembic_version" in statements[0]


@pytest.fixture
def revision(db):
    """The database's revision; whatever a test writes there is put back."""
    current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.rollback()
    yield current
    db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    db.session.commit()


def test_a_database_behind_the_code_is_unavailable(client, db, revision):
    db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "reason": health.NOT_MIGRATED}


def test_the_code_heads_are_the_databases_revision(app, revision):
    assert health.code_heads(app.extensions["migrate"].directory) == {revision}


def test_an_unreachable_database_is_unavailable(tmp_path, database_url):
    if database_url.startswith("postgresql"):
        # Nothing listens on port 1.
        url = "postgresql+psycopg://postgres@127.0.0.1:1/sinau?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'sinau.sqlite'}"
    app = create_app(config_for(url, str(tmp_path)))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "reason": health.DATABASE_UNREACHABLE}
