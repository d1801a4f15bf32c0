"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_migrated_schema_matches_the_models(app, db):
    # The session fixture built this database with `flask db upgrade` on an empty database.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def test_downgrade_to_base_and_upgrade_again(make_app, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/updown.sqlite")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        from lms.extensions import db

        assert "users" in db.inspect(db.engine).get_table_names()
