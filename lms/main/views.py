"""The front page, each role's dashboard, choosing a language, errors and security headers."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from lms.accounts.forms import LoginForm
from lms.accounts.models import Role, User
from lms.accounts.sessions import figure
from lms.accounts.views import safe_next
from lms.actions.queries import head_panels, my_panel
from lms.courses.markdown import scrollable_tables
from lms.courses.pages import learning_summary
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow, wib_today
from lms.limits import retry_after_seconds
from lms.main import health
from lms.main import permissions as _permissions  # noqa: F401 - registers the main rules
from lms.org.models import Unit
from lms.org.services import units_headed_by
from lms.policy import authorize, can

bp = Blueprint("main", __name__, template_folder="templates")
# Lesson HTML is stored as sanitized; its tables get their own scrolling box when shown.
bp.add_app_template_filter(scrollable_tables, "scroll_tables")


@bp.route("/")
def index():
    """The login page for visitors; the dashboard for people who have logged in."""
    if not current_user.is_authenticated:
        return render_template("accounts/login.html", form=LoginForm())
    authorize("dashboard.view")
    return render_template("main/dashboard.html", **dashboard_context(current_user))


def dashboard_context(user: User) -> dict:
    """What each of a person's roles shows on the dashboard, in a handful of queries."""
    today = wib_today(utcnow())
    context: dict = {"headed_units": [], "province": None, "today": today}
    context["learning"] = learning_summary(user)
    context["my_actions"] = my_panel(user, today)
    context["unit_actions"] = {}
    if user.has_role(Role.UNIT_HEAD):
        units = units_headed_by(user.id)
        counts = {}
        if units:
            for unit in units:
                counts[unit.id] = db.session.execute(
                    select(func.count(User.id), func.count(func.distinct(Unit.id)))
                    .select_from(Unit)
                    .outerjoin(User, (User.unit_id == Unit.id) & User.active.is_(True))
                    .where(Unit.path.startswith(unit.path, autoescape=True))
                ).one()
        context["headed_units"] = [(u, counts[u.id][0], counts[u.id][1] - 1) for u in units]
        context["unit_actions"] = head_panels(user, today)
    if can(user, "users.list"):
        context["province"] = {
            "units": db.session.scalar(select(func.count(Unit.id))),
            "people": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
            "inactive": db.session.scalar(
                select(func.count(User.id)).where(User.active.is_(False))
            ),
        }
    return context


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; stored on the account, or in the visitor's session."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        flash(_("Bahasa tidak dikenal."), "error")
    else:
        if current_user.is_authenticated:
            authorize("account.set_locale")
            current_user.locale = locale
            db.session.commit()
        session["locale"] = locale  # kept after logging out, too
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/healthz")
def healthz():
    """For the load balancer: 200 when the database answers and its migrations are current,
    else 503 with the reason (no personal data; one query)."""
    reason = health.problem()
    body = {"status": "ok"} if reason is None else {"status": "unavailable", "reason": reason}
    return body, 200 if reason is None else 503, {"Cache-Control": "no-store"}


# (endpoint, label, action the policy must allow); features append their entries.
NAV: list[tuple[str, object, str]] = [
    ("courses.catalogue", _l("Kursus"), "courses.browse"),
    ("courses.learning", _l("Pembelajaran saya"), "learning.view_own"),
    # One entry for action plans: the unit's plan, which links to "Rencana aksi saya".
    ("actions.index", _l("Rencana Aksi"), "actions.index"),
    ("actions.overview", _l("Pantauan Rencana Aksi"), "actions.overview"),
    ("accounts.users", _l("Pegawai"), "users.list"),
    ("org.units", _l("Unit Kerja"), "units.list"),
    ("assignments.index", _l("Penugasan"), "assignments.manage"),
    ("teaching.index", _l("Pengajaran"), "grading.queue"),
    ("reports.index", _l("Laporan"), "reports.view"),
    ("reminders.admin", _l("Pengingat"), "reminders.admin"),
]


def nav_items() -> list[dict]:
    """The menu entries the current person may use."""
    user = current_user._get_current_object()  # once, not through the proxy for every entry
    items = []
    for endpoint, label, action in NAV:
        if can(user, action):
            url = url_for(endpoint)
            items.append({"url": url, "label": label, "active": False})
    # Only the most specific entry is current ("/actions/mine" is not also "/actions/").
    matches = [i for i in items if request.path.startswith(i["url"].rstrip("/"))]
    if matches:
        max(matches, key=lambda i: len(i["url"].rstrip("/")))["active"] = True
    return items


ERROR_TITLES = {
    400: _l("Permintaan tidak valid"),
    403: _l("Akses ditolak"),
    404: _l("Halaman tidak ditemukan"),
    405: _l("Metode tidak diizinkan"),
    413: _l("Berkas terlalu besar"),
    429: _l("Terlalu banyak permintaan"),
    500: _l("Terjadi kesalahan pada server"),
}


def init_app(app: Flask) -> None:
    """Error pages, the forced password change, and security headers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _(
            "Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400 or error.response is not None:
            return error
        return render_template("errors/error.html", code=error.code, message=None), error.code

    @app.errorhandler(413)
    def too_large(error):
        message = _(
            "Berkas yang Anda kirim terlalu besar. Ukuran maksimum %(mb)d MB per berkas; "
            "perkecil atau pisahkan berkasnya, lalu coba lagi. Tidak ada data yang disimpan.",
            mb=current_app.config["MAX_UPLOAD_MB"],
        )
        return render_template("errors/error.html", code=413, message=message), 413

    @app.errorhandler(429)
    def too_many_requests(error):
        seconds = retry_after_seconds()
        if seconds < 120:
            wait = _("%(n)d detik", n=seconds)
        else:
            wait = _("%(n)d menit", n=-(-seconds // 60))
        message = _(
            "Terlalu banyak permintaan. Silakan coba lagi dalam %(wait)s. Batas ini melindungi "
            "akun dan layanan dari percobaan berulang.",
            wait=wait,
        )
        page = render_template("errors/error.html", code=429, message=message)
        return page, 429, {"Retry-After": str(seconds)}

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/error.html", code=500, message=None), 500

    @app.before_request
    def force_password_change():
        allowed = {
            "accounts.password",
            "accounts.logout",
            "main.set_language",
            "static",
            # A link from "Lupa kata sandi" or an invitation sets a new password just as well.
            "activation.activate",
            "activation.reset",
        }
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in allowed
        ):
            return redirect(url_for("accounts.password"))
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        # Browsers check form-action on a form's redirects too: a feature whose form leads
        # elsewhere (logout -> the SSO provider) adds that origin to CSP_FORM_ACTION.
        form_action = " ".join(["'self'", *app.config.get("CSP_FORM_ACTION", ())])
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
            f"form-action {form_action}",
        )
        # Pages and exports may name people: no copy stays in a browser's or a proxy's cache.
        # Static files and course images say they are public, and keep their caching.
        if request.endpoint != "static" and not response.cache_control.public:
            headers["Cache-Control"] = "no-store"
        if app.config["LMS_ENV"] == "production" and app.config["HSTS_SECONDS"]:
            hsts = f"max-age={app.config['HSTS_SECONDS']}"
            if app.config["HSTS_INCLUDE_SUBDOMAINS"]:
                hsts += "; includeSubDomains"
            headers.setdefault("Strict-Transport-Security", hsts)
        return response

    @app.context_processor
    def layout_context() -> dict:
        unread = None
        if current_user and current_user.is_authenticated:  # emails render outside requests
            unread = figure("unread", current_user)
        return {
            "current_locale": str(get_locale() or "id"),
            "nav_items": nav_items,
            "unread": unread,
        }

    app.jinja_env.globals["error_title"] = lambda code: ERROR_TITLES.get(code, _l("Kesalahan"))
