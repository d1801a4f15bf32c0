"""The app factory, configuration and the database connection settings."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from lms import ConfigurationError, create_app
from lms.config import from_env


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_production_refuses_to_start_without_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_production_cookies_are_secure_httponly_and_lax():
    config = from_env({"LMS_ENV": "production"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_default_database_is_sqlite_in_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/sinau.sqlite"


def test_uploads_default_to_the_instance_folder_with_a_ten_megabyte_limit(monkeypatch, tmp_path):
    monkeypatch.delenv("LMS_UPLOAD_PATH", raising=False)
    monkeypatch.delenv("LMS_MAX_UPLOAD_MB", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["UPLOAD_PATH"] == str(tmp_path / "uploads")
    assert app.config["MAX_UPLOAD_MB"] == 10
    assert app.config["MAX_CONTENT_LENGTH"] == 11 * 1024 * 1024


def test_upload_path_and_limit_come_from_the_environment(tmp_path):
    config = from_env({"LMS_UPLOAD_PATH": str(tmp_path / "bukti"), "LMS_MAX_UPLOAD_MB": "25"})
    assert (config["UPLOAD_PATH"], config["MAX_UPLOAD_MB"]) == (str(tmp_path / "bukti"), 25)


def test_database_url_selects_postgresql_without_code_change(monkeypatch, tmp_path):
    url = "postgresql+psycopg://sinau@db.internal/sinau"
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": None})
    from lms.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_importing_wsgi_starts_no_scheduler_thread(tmp_path):
    code = (
        "import threading, wsgi; "
        "names = [t.name for t in threading.enumerate()]; "
        "assert names == ['MainThread'], names; print('ok')"
    )
    env = {"LMS_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_security_headers_are_set(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_health_check_reaches_the_database(client):
    assert client.get("/healthz").json == {"status": "ok"}
