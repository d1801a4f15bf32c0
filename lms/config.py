"""Configuration, read from the environment (variables prefixed ``LMS_`` plus ``DATABASE_URL``).

Every setting is listed in README.md ("Konfigurasi"). The environment is read when the app is
created, not at import, so tests and the CLI can change it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on", "ya"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    return int(value) if value else default


def _list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    value = env.get(name, "").strip()
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


def _ints(env: Mapping[str, str], name: str, default: list[int]) -> list[int]:
    return sorted({int(v) for v in _list(env, name, [str(d) for d in default])}, reverse=True)


def from_env(env: Mapping[str, str] | None = None) -> dict:
    """Return the Flask configuration that the environment ``env`` describes."""
    env = os.environ if env is None else env
    mode = env.get("LMS_ENV", "development").strip() or "development"
    production = mode == "production"
    secure = _bool(env, "LMS_SECURE_COOKIES", production)
    instance = env.get("LMS_INSTANCE_PATH") or str(BASE_DIR / "instance")
    return {
        "LMS_ENV": mode,
        "SECRET_KEY": env.get("SECRET_KEY") or env.get("LMS_SECRET_KEY"),
        "INSTANCE_PATH": instance,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or env.get("LMS_DATABASE_URL"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "LANGUAGES": ("id", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": _int(env, "LMS_SESSION_HOURS", 12) * 3600,
        # The cookie is signed and sent again only when the session changed: its lifetime is
        # counted from sign-in, as the server-side row's is (lms/accounts/sessions.py), so
        # re-signing it on every page only cost CPU and bytes (issue 16).
        "SESSION_REFRESH_EACH_REQUEST": False,
        # A token lives as long as the session: a long lesson must not expire its form.
        "WTF_CSRF_TIME_LIMIT": None,
        "REMEMBER_DAYS": _int(env, "LMS_REMEMBER_DAYS", 30),
        # Failed sign-ins for one identifier from one address: free ones, then a doubling wait.
        "LOGIN_FREE_FAILURES": _int(env, "LMS_LOGIN_FREE_FAILURES", 5),
        "LOGIN_MAX_DELAY_MINUTES": _int(env, "LMS_LOGIN_MAX_DELAY_MINUTES", 15),
        #: Who may sign in with a password: all, admins (everyone else uses SSO) or none.
        "PASSWORD_LOGIN": (env.get("LMS_PASSWORD_LOGIN", "all").strip().lower() or "all"),
        "PASSWORD_MIN_LENGTH": _int(env, "LMS_PASSWORD_MIN_LENGTH", 10),
        # Single sign-on (OpenID Connect). Without LMS_OIDC_ISSUER there is no SSO at all.
        "OIDC_ISSUER": env.get("LMS_OIDC_ISSUER", "").strip() or None,
        "OIDC_CLIENT_ID": env.get("LMS_OIDC_CLIENT_ID", "").strip() or None,
        "OIDC_CLIENT_SECRET": env.get("LMS_OIDC_CLIENT_SECRET") or None,
        #: The claim carrying the NIP (a Keycloak mapper, say, on the profile scope).
        "OIDC_NIP_CLAIM": env.get("LMS_OIDC_NIP_CLAIM", "").strip() or "nip",
        "OIDC_SCOPES": env.get("LMS_OIDC_SCOPES", "").strip() or "openid email profile",
        #: Create an account, unplaced (no unit), for someone the provider knows and Sinau not.
        "OIDC_CREATE": _bool(env, "LMS_OIDC_CREATE", False),
        "DEMO_PASSWORD": env.get("LMS_DEMO_PASSWORD") or None,
        #: Who answers questions about personal data (the DPO's office), shown in the privacy
        #: notice. Unset, the notice points to the personnel office (BKD/BPSDM), no address.
        "PRIVACY_CONTACT": env.get("LMS_PRIVACY_CONTACT", "").strip() or None,
        #: The privacy notice's version; empty means the version of the text shipped with Sinau
        #: (lms/notice). A new value shows the notice to everyone again at their next page.
        "PRIVACY_NOTICE_VERSION": env.get("LMS_PRIVACY_NOTICE_VERSION", "").strip() or None,
        #: Years after deactivation until the scheduler anonymises an account (lms/erasure); 0
        #: turns automatic anonymisation off. Five years: see README ("Retensi").
        "RETENTION_YEARS": _int(env, "LMS_RETENTION_YEARS", 5),
        #: At most this many accounts anonymised per nightly run (each in its own transaction).
        "RETENTION_BATCH": _int(env, "LMS_RETENTION_BATCH", 500),
        #: The nightly retention run, hour in WIB (a quiet hour).
        "RETENTION_HOUR": _int(env, "LMS_RETENTION_HOUR", 2),
        "COURSES_PATH": env.get("LMS_COURSES_PATH") or str(BASE_DIR / "courses"),
        "BASE_URL": env.get("LMS_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "PAGE_SIZE": _int(env, "LMS_PAGE_SIZE", 25),
        "IMPORT_MAX_MB": _int(env, "LMS_IMPORT_MAX_MB", 20),
        #: Evidence files; empty means ``<instance>/uploads`` (set in create_app).
        "UPLOAD_PATH": env.get("LMS_UPLOAD_PATH") or None,
        "MAX_UPLOAD_MB": _int(env, "LMS_MAX_UPLOAD_MB", 10),
        # Uploaded spreadsheets are read within these bounds (lms/tabular.py).
        "IMPORT_MAX_UNPACKED_MB": _int(env, "LMS_IMPORT_MAX_UNPACKED_MB", 200),
        "IMPORT_MAX_ROWS": _int(env, "LMS_IMPORT_MAX_ROWS", 150_000),
        "IMPORT_MAX_SECONDS": _int(env, "LMS_IMPORT_MAX_SECONDS", 60),
        # Abuse limits (Flask-Limiter, lms/limits.py). memory:// counts per process: with several
        # app servers or workers, point LMS_RATELIMIT_STORAGE_URL at Redis.
        "RATELIMIT_ENABLED": _bool(env, "LMS_RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": env.get("LMS_RATELIMIT_STORAGE_URL", "").strip() or "memory://",
        "RATELIMIT_KEY_PREFIX": env.get("LMS_RATELIMIT_KEY_PREFIX", "").strip() or "sinau",
        "RATELIMIT_HEADERS_ENABLED": _bool(env, "LMS_RATELIMIT_HEADERS", True),
        # Redis down: count in this process's memory instead of failing every limited request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        #: Strict-Transport-Security in production: browsers use only HTTPS for this long (0: off).
        "HSTS_SECONDS": _int(env, "LMS_HSTS_SECONDS", 365 * 24 * 3600),
        "HSTS_INCLUDE_SUBDOMAINS": _bool(env, "LMS_HSTS_INCLUDE_SUBDOMAINS", True),
        #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none).
        "PROXY_FIX": _int(env, "LMS_PROXY_FIX", 0),
        "LIMIT_LOGIN": env.get("LMS_LIMIT_LOGIN") or "60 per minute; 600 per hour",
        "LIMIT_LOGIN_ACCOUNT": env.get("LMS_LIMIT_LOGIN_ACCOUNT") or "10 per minute; 60 per hour",
        "LIMIT_RESET": env.get("LMS_LIMIT_RESET") or "5 per minute; 30 per hour",
        "LIMIT_RESET_ACCOUNT": env.get("LMS_LIMIT_RESET_ACCOUNT") or "3 per hour",
        "LIMIT_ACTIVATION": env.get("LMS_LIMIT_ACTIVATION") or "10 per minute; 60 per hour",
        "LIMIT_VERIFY": env.get("LMS_LIMIT_VERIFY") or "30 per minute",
        "LIMIT_UPLOAD": env.get("LMS_LIMIT_UPLOAD") or "30 per hour",
        "LOG_LEVEL": env.get("LMS_LOG_LEVEL", "INFO"),
        # Email (reminders). Without LMS_SMTP_HOST the outbox fills and waits.
        "SMTP_HOST": env.get("LMS_SMTP_HOST", "").strip() or None,
        "SMTP_PORT": _int(env, "LMS_SMTP_PORT", 25),
        "SMTP_STARTTLS": _bool(env, "LMS_SMTP_STARTTLS", False),
        "SMTP_SSL": _bool(env, "LMS_SMTP_SSL", False),
        "SMTP_USER": env.get("LMS_SMTP_USER") or None,
        "SMTP_PASSWORD": env.get("LMS_SMTP_PASSWORD") or None,
        "SMTP_TIMEOUT": _int(env, "LMS_SMTP_TIMEOUT", 20),
        #: Seconds a failed job waits for the database to answer again, to record its run.
        "JOB_RECORD_WAIT": _int(env, "LMS_JOB_RECORD_WAIT", 60),
        "MAIL_FROM": env.get("LMS_MAIL_FROM", "Sinau Pemprov Jatim <no-reply@jatimprov.go.id>"),
        "MAIL_MAX_ATTEMPTS": _int(env, "LMS_MAIL_MAX_ATTEMPTS", 5),
        #: Emails sent per outbox run (every minute): a province-wide invitation is spread out.
        "MAIL_BATCH": _int(env, "LMS_MAIL_BATCH", 1000),
        # Emailed links: account activation, and "Lupa kata sandi".
        "ACTIVATION_HOURS": _int(env, "LMS_ACTIVATION_HOURS", 72),
        "RESET_HOURS": _int(env, "LMS_RESET_HOURS", 1),
        # Reminder rules: names switched off, and their timing.
        "REMIND_DISABLED": _list(env, "LMS_REMIND_DISABLED", []),
        "REMIND_COURSE_DAYS": _ints(env, "LMS_REMIND_COURSE_DAYS", [14, 7, 1]),
        "REMIND_ACTION_DAYS": _ints(env, "LMS_REMIND_ACTION_DAYS", [7, 1]),
        "REMIND_OVERDUE_EVERY_DAYS": _int(env, "LMS_REMIND_OVERDUE_EVERY_DAYS", 7),
        "REMIND_NOT_STARTED_DAYS": _int(env, "LMS_REMIND_NOT_STARTED_DAYS", 7),
        "REMIND_STALLED_DAYS": _int(env, "LMS_REMIND_STALLED_DAYS", 14),
        #: PostgreSQL: how many connections a reminder run's rules use at once (1: one after
        #: another). A province's run is mostly the database writing; two use two of its cores.
        "REMIND_CONNECTIONS": _int(env, "LMS_REMIND_CONNECTIONS", 2),
        #: Instructors hear of essays waiting for a grade longer than this (lms/teaching).
        "GRADING_REMIND_DAYS": _int(env, "LMS_GRADING_REMIND_DAYS", 3),
        "ESCALATE_HEAD_DAYS": _int(env, "LMS_ESCALATE_HEAD_DAYS", 7),
        "ESCALATE_HR_DAYS": _int(env, "LMS_ESCALATE_HR_DAYS", 30),
        "DIGEST_WEEKDAY": _int(env, "LMS_DIGEST_WEEKDAY", 0),  # Monday
        "DIGEST_HOUR": _int(env, "LMS_DIGEST_HOUR", 7),
        "SUMMARY_DAY": _int(env, "LMS_SUMMARY_DAY", 1),
        "REMIND_HOUR": _int(env, "LMS_REMIND_HOUR", 7),
    }


def testing_config(database_url: str, instance_path: str) -> dict:
    """Return the configuration the test suite runs with."""
    config = from_env({})
    config.update(
        LMS_ENV="testing",
        TESTING=True,
        SECRET_KEY="test-secret-key",  # noqa: S106 - tests only
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=instance_path,
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_SECURE=False,
    )
    return config
