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


def test_enrolment_quiz_figures_are_backfilled_and_attempts_kept(make_app, tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/backfill.sqlite")
    with app.app_context():
        from lms.extensions import db

        upgrade(revision="e9da5b783c67")
        at = "'2026-01-01 00:00:00'"
        course = (
            "insert into courses (id, slug, title, summary, level, jp, minutes, mandatory,"
            " assignment_only, version, tags, content_hash, pass_mark, max_attempts,"
            " shuffle_questions, shuffle_answers, show_answers, synced_at, created_at)"
            f" values (:id, :slug, 'K', '', 'dasar', 2, 90, 0, 0, '1', '[]', 'h', 70, 3, 0, 0,"
            f" 'never', {at}, {at})"
        )
        with db.engine.begin() as conn:
            conn.execute(text(
                "insert into users (id, email, full_name, employment, active,"
                " must_change_password, session_version, locale, failed_logins, created_at,"
                f" updated_at) values (1, 'a@x.id', 'A', 'PNS', 1, 0, 1, 'id', 0, {at}, {at})"
            ))  # fmt: skip
            for n in (1, 2):
                conn.execute(text(course), {"id": n, "slug": f"k{n}"})
                conn.execute(text(
                    "insert into enrollments (id, user_id, course_id, source, enrolled_at,"
                    f" jp_earned) values ({n}, 1, {n}, 'self', {at}, 0)"
                ))  # fmt: skip
            conn.execute(text(
                "insert into attempts (enrollment_id, user_id, course_id, number, started_at,"
                f" submitted_at, expired, score, passed) values (1, 1, 1, 1, {at}, {at}, 0, 60, 0),"
                f" (1, 1, 1, 2, {at}, {at}, 0, 85, 1), (1, 1, 1, 3, {at}, null, 0, null, null)"
            ))  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("select id, best_score, attempts, quiz_passed from enrollments order by id")
            ).all()
            kept = conn.execute(text("select count(*) from attempts")).scalar()
        assert rows == [(1, 85.0, 2, 1), (2, None, 0, 0)]
        assert kept == 3
        downgrade(revision="e9da5b783c67")
        with db.engine.connect() as conn:
            assert conn.execute(text("select count(*) from attempts")).scalar() == 3
        upgrade()  # back to the head, whose tables the fixture empties afterwards
