"""Sinau, the learning platform of Pemprov Jawa Timur: the application factory."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms.config import BASE_DIR, from_env


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe way to run."""


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, blueprints, commands."""
    settings = from_env()
    settings.update(config or {})
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        static_folder=str(BASE_DIR / "static"),
        static_url_path="/static",
    )
    app.config.update(settings)
    _check_and_default(app)
    _init_logging(app)
    _init_extensions(app)
    _register_blueprints(app)
    _init_templates(app)
    from lms.cli import init_app as init_cli

    init_cli(app)
    return app


def _check_and_default(app: Flask) -> None:
    production = app.config["LMS_ENV"] == "production"
    if production and not app.config["SECRET_KEY"]:
        raise ConfigurationError("SECRET_KEY must be set when LMS_ENV=production")
    if production and not app.config["SQLALCHEMY_DATABASE_URI"]:
        raise ConfigurationError("DATABASE_URL must be set when LMS_ENV=production")
    if app.config["PASSWORD_LOGIN"] not in {"all", "admins", "none"}:
        raise ConfigurationError("LMS_PASSWORD_LOGIN must be one of: all, admins, none")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_path = Path(app.instance_path) / "sinau.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("UPLOAD_PATH"):
        app.config["UPLOAD_PATH"] = str(Path(app.instance_path) / "uploads")
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # A little above the file limit, so a file just over it still reaches the form's own
        # check (a precise message); anything far larger is cut off early with a 413.
        app.config["MAX_CONTENT_LENGTH"] = (app.config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    if not app.config["SECRET_KEY"]:
        # Development only: a key kept in instance/, so sessions survive a restart.
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _init_logging(app: Flask) -> None:
    from lms.accesslog import init_app as init_access_log

    init_access_log(app)
    if not app.debug and not app.testing:
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        logging.basicConfig(
            level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work while one writer writes; wait for a lock instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    from lms.extensions import babel, csrf, db, login_manager, migrate
    from lms.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    from lms.limits import init_app as init_limits

    init_limits(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(BASE_DIR / "lms" / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from lms.i18n import lazy_gettext

    login_manager.login_message = lazy_gettext("Silakan masuk terlebih dahulu.")
    login_manager.session_protection = "basic"

    from lms.accounts.sessions import load_user

    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    from lms.accounts import views as accounts
    from lms.actions import views as actions
    from lms.activation import views as activation
    from lms.aiuse import views as aiuse
    from lms.assignments import views as assignments
    from lms.audit import views as audit
    from lms.authoring import views as authoring
    from lms.corrections import views as corrections
    from lms.courses import views as courses
    from lms.erasure import views as erasure
    from lms.main import views as main
    from lms.notice import views as notice
    from lms.org import views as org
    from lms.paths import views as paths
    from lms.people import views as people
    from lms.privacy import views as privacy
    from lms.quiz import views as quiz
    from lms.reminders import views as reminders
    from lms.reports import views as reports
    from lms.sso import views as sso
    from lms.teaching import views as teaching

    features = (
        main,
        accounts,
        org,
        courses,
        quiz,
        reminders,
        people,
        actions,
        assignments,
        paths,
        reports,
        sso,
        activation,
        corrections,
        notice,
        audit,
        privacy,
        erasure,
        aiuse,
        authoring,
        teaching,
    )
    for module in features:
        app.register_blueprint(module.bp)
    main.init_app(app)
    notice.init_app(app)
    sso.init_app(app)
    privacy.init_app(app)


def _init_templates(app: Flask) -> None:
    from lms import i18n
    from lms.policy import can

    i18n.init_templates(app)
    app.jinja_env.globals.update(can=can)
    app.jinja_env.filters.update(wib=i18n.wib, day=i18n.format_day, number=i18n.number)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
