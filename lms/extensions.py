"""Flask extensions, created unbound and initialised in :func:`lms.create_app`."""

from __future__ import annotations

import copy

from flask import current_app, has_app_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter and drop them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class _PerApp:
    """A Flask-Limiter attribute kept per app (in ``app.extensions``), not on the shared object.

    Flask-Limiter keeps its storage and settings on the extension object, so the last app
    initialised would serve every app of the process (the test suite builds hundreds); and some
    settings stick from the first app (``x = x or config[...]``). Each app gets its own here.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, limiter: AppLimiter | None, owner: type | None = None):
        if limiter is None:
            return self
        state = limiter._app_state()
        if state is not None and self.name in state:
            return state[self.name]
        return limiter.__dict__.get(self.name)

    def __set__(self, limiter: AppLimiter, value) -> None:
        state = limiter._app_state()
        if state is None:
            limiter.__dict__[self.name] = value  # the constructor's defaults
        else:
            state[self.name] = value


class AppLimiter(Limiter):
    """Flask-Limiter with its storage and settings kept per app (see :class:`_PerApp`)."""

    enabled = _PerApp()
    _storage = _PerApp()
    _limiter = _PerApp()
    _storage_dead = _PerApp()
    _storage_options = _PerApp()
    _fallback_storage = _PerApp()
    _fallback_limiter = _PerApp()
    _in_memory_fallback = _PerApp()
    _in_memory_fallback_enabled = _PerApp()
    _key_prefix = _PerApp()
    _strategy = _PerApp()
    _headers_enabled = _PerApp()
    _header_mapping = _PerApp()
    _retry_after = _PerApp()
    _swallow_errors = _PerApp()
    _fail_on_first_breach = _PerApp()

    def _app_state(self) -> dict | None:
        app = self.__dict__.get("_initialising")
        if app is None:
            if not has_app_context():
                return None
            app = current_app._get_current_object()
        return app.extensions.get("sinau.limiter")

    def init_app(self, app) -> None:
        defaults = {
            name: value for name, value in type(self).__dict__.items() if isinstance(value, _PerApp)
        }
        # Each app starts from the constructor's defaults (copied: some are mutated in place).
        app.extensions["sinau.limiter"] = {
            name: copy.copy(self.__dict__.get(name)) for name in defaults
        }
        self.__dict__["_initialising"] = app
        try:
            super().init_app(app)
        finally:
            self.__dict__["_initialising"] = None


def client_address() -> str:
    """The client's address: the peer, or X-Forwarded-For's when LMS_PROXY_FIX trusts a proxy."""
    return request.remote_addr or "unknown"


#: Routes opt in with the decorators of :mod:`lms.limits`; nothing is limited by default.
limiter = AppLimiter(key_func=client_address)
