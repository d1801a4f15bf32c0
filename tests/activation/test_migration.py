"""The migration counts people who already signed in or chose a password as activated."""

from __future__ import annotations

from sqlalchemy import text

BEFORE = "5c1e0b7d9a21"


def test_activated_at_is_backfilled(make_app, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/backfill.sqlite")
    with app.app_context():
        from lms.extensions import db

        upgrade(revision=BEFORE)
        people = [
            # id, password_hash, must_change_password, last_login_at
            (1, "'scrypt:x'", 0, "'2026-03-04 05:06:07'"),  # signed in
            (2, "'scrypt:x'", 0, "null"),  # chose a password (e.g. demo), never signed in
            (3, "'scrypt:x'", 1, "null"),  # a temporary password from HR, never used
            (4, "null", 0, "null"),  # imported: no password at all
        ]
        with db.engine.begin() as conn:
            for uid, password, must_change, last_login in people:
                conn.execute(text(
                    "insert into users (id, email, full_name, employment, active, password_hash,"
                    " must_change_password, session_version, created_at, updated_at,"
                    f" last_login_at) values ({uid}, 'p{uid}@x.id', 'P', 'PNS', 1, {password},"
                    f" {must_change}, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00',"
                    f" {last_login})"
                ))  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("select id, activated_at from users order by id")).all()
        assert [(i, str(a) if a else None) for i, a in rows] == [
            (1, "2026-03-04 05:06:07"),
            (2, "2026-01-01 00:00:00"),
            (3, None),
            (4, None),
        ]
        downgrade(revision=BEFORE)
        upgrade()  # leave the schema whole for the fixture that empties the tables
