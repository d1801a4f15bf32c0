"""Logging in and out, one's own account, and account management for HR and admin."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from lms.accounts import permissions as _permissions  # noqa: F401 - registers the accounts rules
from lms.accounts import services
from lms.accounts.forms import (
    ConfirmForm,
    LoginForm,
    PasswordChangeForm,
    UserForm,
    UserSearchForm,
)
from lms.accounts.models import Role, User
from lms.accounts.sessions import (
    current_session,
    describe_browser,
    end_all_sessions,
    end_current_session,
    logout_redirect,
    recent_sessions,
    start_session,
)
from lms.audit.services import record
from lms.extensions import client_address, db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.limits import limit_login, limit_login_account
from lms.org.services import unit_choices
from lms.pagination import paginate
from lms.policy import authorize, can
from lms.signals import people_placed

bp = Blueprint("accounts", __name__, template_folder="templates")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limit_login
@limit_login_account
def login():
    """The login page: NIP or email and a password (where LMS_PASSWORD_LOGIN allows), or SSO."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit() and current_app.config["PASSWORD_LOGIN"] == "none":  # noqa: S105
        flash(_("Masuk dengan kata sandi tidak tersedia. Silakan masuk dengan SSO."), "error")
    elif form.validate_on_submit():
        now = utcnow()
        result = services.authenticate(
            form.identifier.data, form.password.data, now, client_address()
        )
        if result.user is not None and not services.password_login_allowed(result.user):
            message = _(
                "Masuk dengan kata sandi tidak tersedia untuk akun Anda. Silakan masuk dengan SSO."
            )
            result = services.LoginResult(None, message, result.user.id)
        if result.user is None:
            record(
                None,
                "account.login_failed",
                f"user:{result.account_id}" if result.account_id else None,
                now=now,
                ip=client_address(),
                method="password",
            )
            db.session.commit()
            # A message about the form, shown in its error summary and tied to both fields.
            form.form_errors.append(result.error)
            return render_template("accounts/login.html", form=form), 200
        # Read before the commit expires the person: reading it after would load them again.
        must_change = result.user.must_change_password
        start_session(result.user, "password", remember=form.remember.data, now=now)
        db.session.commit()
        if must_change:
            flash(_("Silakan ganti kata sandi sementara Anda sebelum melanjutkan."), "info")
            return redirect(url_for("accounts.password"))
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session on the server (POST with a CSRF token, so no other site can log a
    person out); with SSO, the provider's session is ended too where it supports that."""
    row = end_current_session()
    target = logout_redirect(row)
    db.session.commit()
    flash(_("Anda telah keluar. Sampai jumpa!"), "success")
    return redirect(target or url_for("accounts.login"))


@bp.route("/account")
@login_required
def profile():
    """What Sinau holds about me (UU PDP: the right to see one's data) and my recent sign-ins."""
    authorize("account.view_own")
    return render_template(
        "accounts/profile.html",
        user=current_user,
        sessions=recent_sessions(current_user),
        current=current_session(),
        describe_browser=describe_browser,
        form=ConfirmForm(),
    )


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required
def end_all():
    """Keluar dari semua perangkat: every session of mine ends, this one too."""
    authorize("account.view_own")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    ended = end_all_sessions(current_user)
    record(current_user, "account.logout_all", f"user:{current_user.id}", ip=client_address(),
           sessions=ended)  # fmt: skip
    row = end_current_session()
    target = logout_redirect(row)
    db.session.commit()
    flash(_("Anda telah keluar dari semua perangkat."), "success")
    return redirect(target or url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change my own password."""
    authorize("account.change_password")
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except services.AccountError as exc:
            db.session.rollback()
            form.new.errors.append(str(exc))
        else:
            record(current_user, "account.password_change", f"user:{current_user.id}",
                   ip=client_address())  # fmt: skip
            db.session.commit()
            flash(_("Kata sandi Anda telah diganti. Sesi lain di perangkat lain telah diakhiri."),
                  "success")  # fmt: skip
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


# -- account management (HR and admin) -----------------------------------------------------------


#: The user list's search term lives in the session, never in a URL: a NIP or an email in
#: ``?q=`` would reach access logs, proxies and browser history.
USER_SEARCH_KEY = "users_search"


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def users():
    """Everyone's account, searchable by NIP, name or email.

    The search is posted and its term kept in the session; the result pages (``?search=1``,
    with ``page`` and ``status``) read it from there, and the plain list ignores it.
    """
    authorize("users.list")
    form = UserSearchForm()
    if form.validate_on_submit():
        q = (form.q.data or "").strip()
        session[USER_SEARCH_KEY] = q
        search = 1 if q else None
        return redirect(url_for("accounts.users", status=form.status.data, search=search))
    if "q" in request.args:
        # An old link or bookmark: keep its term, and take it out of the address.
        session[USER_SEARCH_KEY] = request.args["q"].strip()[:200]
        args = {k: v for k, v in request.args.items() if k not in ("q", "page", "search")}
        return redirect(url_for("accounts.users", **args, search=1))
    q = session.get(USER_SEARCH_KEY, "") if request.args.get("search") else ""
    status = request.args.get("status", "active")
    active = {"active": True, "inactive": False}.get(status)
    page = paginate(services.search_users(q, active=active))
    # That a search ran and what it found, never its term (often a NIP, an email or a name).
    record(current_user, "accounts.users.view", "users", ip=client_address(), status=status,
           search=bool(q), page=page.page, rows=len(page.items), total=page.total)  # fmt: skip
    db.session.commit()
    return render_template("accounts/users.html", page=page, q=q, status=status, form=form)


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user, user_id=user.id if user else None)
    form.unit_id.choices = options([(0, _("— pilih unit kerja —")), *unit_choices()])
    if request.method == "GET":
        form.roles.data = sorted(user.roles) if user else [Role.LEARNER.value]
        if user and user.unit_id:
            form.unit_id.data = user.unit_id
    return form


def _checked_roles(form: UserForm, user: User | None) -> set[str] | None:
    roles = set(form.roles.data or [])
    had = user.roles if user else set()
    staff_roles = {Role.HR.value, Role.ADMIN.value}
    if (roles ^ had) & staff_roles and not can(current_user, "users.grant_staff"):
        form.roles.errors.append(
            _(
                "Hanya administrator yang dapat memberikan atau mencabut peran Kepegawaian "
                "dan Administrator."
            )
        )
        return None
    return roles


def _apply(form: UserForm, user: User) -> None:
    user.full_name = form.full_name.data.strip()
    user.employment = form.employment.data
    # Only a PPPK's JP are counted per contract year; a PNS keeps no contract date.
    user.contract_start = form.contract_start.data if user.employment == "PPPK" else None
    user.nip = form.nip.data or None
    user.email = form.email.data or None
    user.position = (form.position.data or "").strip() or None
    user.position_type = form.position_type.data or None
    user.rank = (form.rank.data or "").strip() or None
    user.unit_id = form.unit_id.data or None


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    """Create an account and hand over its first password."""
    authorize("users.create")
    form = _user_form(None)
    if form.validate_on_submit():
        roles = _checked_roles(form, None)
        if roles is not None:
            user = services.create_user(full_name=form.full_name.data, roles=roles)
            _apply(form, user)
            temporary = services.reset_password(user)
            _placed(user)
            _audit("account.create", user, roles=sorted(roles))
            db.session.commit()
            return _show_temporary_password(user, temporary, created=True)
    return render_template("accounts/user_form.html", form=form, user=None)


def _placed(user: User) -> None:
    """Say that ``user`` was placed (new, moved or reactivated): they owe what their unit does."""
    db.session.flush()
    people_placed.send(None, user_ids=[user.id], now=utcnow())


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    """Correct a person's data, unit and roles."""
    user = _get_user(user_id)
    authorize("users.manage", user)
    form = _user_form(user)
    if form.validate_on_submit():
        roles = _checked_roles(form, user)
        if roles is not None:
            if user.id == current_user.id and Role.ADMIN in user.roles - roles:
                form.roles.errors.append(
                    _("Anda tidak dapat mencabut peran administrator diri sendiri.")
                )
            else:
                _apply(form, user)
                if roles != user.roles:
                    _audit("account.roles_change", user, before=sorted(user.roles),
                           after=sorted(roles))  # fmt: skip
                user.set_roles(roles)
                _placed(user)
                db.session.commit()
                flash(_("Data %(name)s telah disimpan.", name=user.full_name), "success")
                return redirect(url_for("accounts.user_edit", user_id=user.id))
    if request.method == "GET":
        record(current_user, "accounts.user.view", f"user:{user.id}", ip=client_address())
        db.session.commit()
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        confirm=ConfirmForm(),
        delayed=services.delayed_addresses(user, utcnow()),
    )


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@login_required
def user_set_active(user_id: int):
    """Deactivate (or reactivate) an account; accounts are never deleted."""
    user = _get_user(user_id)
    authorize("users.manage", user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    activate = request.form.get("active") == "1"
    if user.id == current_user.id and not activate:
        flash(_("Anda tidak dapat menonaktifkan akun Anda sendiri."), "error")
    else:
        services.set_active(user, activate)
        _placed(user)
        _audit("account.reactivate" if activate else "account.deactivate", user)
        db.session.commit()
        if activate:
            flash(_("Akun %(name)s diaktifkan kembali.", name=user.full_name), "success")
        else:
            flash(_("Akun %(name)s dinonaktifkan.", name=user.full_name), "success")
    return redirect(url_for("accounts.user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["POST"])
@login_required
def user_reset_password(user_id: int):
    """Give a person a temporary password, shown once to the officer."""
    user = _get_user(user_id)
    authorize("users.manage", user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    temporary = services.reset_password(user)
    _audit("account.temporary_password", user)
    db.session.commit()
    current_app.logger.info("password reset for user id %s by user id %s", user.id, current_user.id)
    return _show_temporary_password(user, temporary, created=False)


@bp.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@login_required
def user_unlock(user_id: int):
    """Lift the sign-in delays that failed attempts put on a person's NIP and email."""
    user = _get_user(user_id)
    authorize("users.manage", user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    lifted = services.unlock(user)
    _audit("account.unlock", user, addresses=lifted)
    db.session.commit()
    flash(_("Penundaan masuk untuk %(name)s telah dicabut.", name=user.full_name), "success")
    return redirect(url_for("accounts.user_edit", user_id=user.id))


def _audit(action: str, user: User, **details) -> None:
    record(current_user, action, f"user:{user.id}", ip=client_address(), **details)


def _show_temporary_password(user: User, temporary: str, created: bool):
    """Show a temporary password once, in the response body only: never in a flash message
    (the session cookie is signed, not encrypted), a URL or a log."""
    response = make_response(
        render_template(
            "accounts/temporary_password.html", user=user, password=temporary, created=created
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global()
def role_labels(roles: set[str]) -> str:
    """A person's roles, named for people."""
    from lms.accounts.forms import ROLE_LABELS

    return ", ".join(str(ROLE_LABELS[Role(r)]) for r in sorted(roles))
