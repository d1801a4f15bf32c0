"""Activation pages: HR's overview and invitations; the public link and "Lupa kata sandi" pages.

The public pages carry a secret token in their URL: they are sent with ``Referrer-Policy:
no-referrer`` and ``Cache-Control: no-store``, and nothing here logs the URL.
"""

from __future__ import annotations

import math
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.accounts.sessions import end_all_sessions, end_current_session, start_session
from lms.accounts.views import safe_next
from lms.activation import overview, services
from lms.activation import permissions as _permissions  # noqa: F401 - registers the activation rules
from lms.activation.forms import ForgotForm, InviteForm, SetPasswordForm
from lms.audit.services import record
from lms.extensions import db
from lms.forms import BaseForm, options
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow, wib_today
from lms.limits import limit_activation, limit_reset, limit_reset_account
from lms.main.views import NAV
from lms.org.models import Unit
from lms.org.services import unit_choices
from lms.pagination import check_page, page_number
from lms.policy import authorize
from lms.reports.exports import Column, person_columns, respond
from lms.reports.services import stream

bp = Blueprint("activation", __name__, template_folder="templates")

# In the menu right after "Pegawai" (at the end if that entry ever goes).
NAV.insert(
    next((i + 1 for i, entry in enumerate(NAV) if entry[0] == "accounts.users"), len(NAV)),
    ("activation.index", _l("Aktivasi akun"), "activation.manage"),
)

#: The "Lupa kata sandi" answer never comes sooner than this (seconds), so its timing does not
#: tell a registered NIP from an unknown one.
FORGOT_ANSWER_SECONDS = 0.3
#: Endpoints whose URL holds a secret, or that lead to one.
SECRET_PAGES = {"activation.activate", "activation.reset", "activation.forgot"}

STATUS_LABELS = {
    "waiting": _l("Semua yang belum aktif"),
    "not_invited": _l("Belum diundang"),
    "invited": _l("Sudah diundang"),
    "expired": _l("Undangan kedaluwarsa"),
    "no_email": _l("Tanpa email"),
}


@bp.after_request
def _secret_headers(response):
    if request.endpoint in SECRET_PAGES:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


# -- HR: overview, people, invitations, exports ---------------------------------------------------


def _unit(unit_id: int | None) -> Unit | None:
    return None if unit_id is None else (db.session.get(Unit, unit_id) or abort(404))


def _crumbs(unit: Unit | None) -> list[tuple[int, str]]:
    if unit is None:
        return []
    ids = [int(i) for i in unit.path.strip("/").split("/") if i]
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    return [(i, names.get(i, "?")) for i in ids]


def _page_number(total: int, per_page: int) -> int:
    """``?page=`` within 1..pages; anything else is a 404 (never a 500), as on every list."""
    page = page_number()
    check_page(page, math.ceil(total / per_page))
    return page


class Page:
    """One page of rows, shaped like Flask-SQLAlchemy's Pagination for the pager macro."""

    def __init__(self, items: list, page: int, per_page: int, total: int) -> None:
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(math.ceil(total / per_page), 1)
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1


SORTS = {
    "name": lambda r: r.name.casefold(),
    "people": lambda r: r.people,
    "waiting": lambda r: r.waiting,
    "no_email": lambda r: r.no_email,
    "activated_pct": lambda r: r.activated_pct or 0.0,
}


def _invite_form(unit: Unit | None) -> InviteForm:
    form = InviteForm()
    form.unit_id.choices = options([(0, _("— pilih unit kerja —")), *unit_choices()])
    if request.method == "GET" and unit is not None:
        form.unit_id.data = unit.id
    return form


@bp.route("/admin/activation/", defaults={"unit_id": None})
@bp.route("/admin/activation/units/<int:unit_id>")
@login_required
def index(unit_id: int | None):
    """Who has not activated their account yet, per unit (sub-units rolled up)."""
    authorize("activation.manage")
    unit = _unit(unit_id)
    now = utcnow()
    label = _("Langsung di unit ini") if unit else _("Tanpa unit kerja")
    rows, total = overview.unit_rows(unit, now, label)
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    desc = request.args.get("dir") == "desc"
    rows.sort(key=SORTS[sort], reverse=desc)
    per_page = current_app.config["PAGE_SIZE"]
    page = _page_number(len(rows), per_page)
    return render_template(
        "activation/index.html",
        unit=unit,
        crumbs=_crumbs(unit),
        page=Page(rows[(page - 1) * per_page : page * per_page], page, per_page, len(rows)),
        total=total,
        sort=sort,
        desc=desc,
        form=_invite_form(unit),
        password_mode=services.password_mode(),
    )


@bp.route("/admin/activation/people/", defaults={"unit_id": None})
@bp.route("/admin/activation/units/<int:unit_id>/people")
@login_required
def people(unit_id: int | None):
    """The people of a unit (and its sub-units) not yet activated, by status (audited)."""
    authorize("activation.manage")
    unit = _unit(unit_id)
    status = request.args.get("status", "waiting")
    status = status if status in STATUS_LABELS else "waiting"
    now = utcnow()
    query = overview.people_query(unit, now, status)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    per_page = current_app.config["PAGE_SIZE"]
    page = _page_number(total or 0, per_page)
    items = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    record(
        current_user,
        "activation.people.view",
        f"unit:{unit.id}" if unit else "province",
        ip=request.remote_addr,
        status=status,
        page=page,
        rows=len(items),
    )
    db.session.commit()
    return render_template(
        "activation/people.html",
        unit=unit,
        crumbs=_crumbs(unit),
        status=status,
        statuses=STATUS_LABELS,
        page=Page(items, page, per_page, total or 0),
        states=[overview.status_of(r, now) for r in items],
        now=now,
        form=BaseForm(),
    )


@bp.route("/admin/activation/invite", methods=["POST"])
@login_required
def invite():
    """Invite a unit or everyone not yet activated: first the count, then (confirmed) send."""
    authorize("activation.manage")
    form = _invite_form(None)
    unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
    back = url_for("activation.index", unit_id=unit.id if unit else None)
    if services.password_mode() != "all":
        flash(_("Sinau tidak memakai kata sandi untuk pegawai; undangan tidak diperlukan."), "info")
        return redirect(back)
    if not form.validate_on_submit() or (form.scope.data == "unit" and unit is None):
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        if form.scope.data == "unit" and unit is None and not form.errors:
            flash(_("Pilih unit kerja yang diundang."), "error")
        return redirect(back)
    now = utcnow()
    candidates = services.scope_query(
        form.scope.data, unit=unit, include_subunits=form.include_subunits.data
    )
    if form.confirmed.data != "1":
        return render_template(
            "activation/confirm.html",
            form=form,
            unit=unit,
            count=services.count_invitable(candidates, now),
            back=back,
        )
    target = f"unit:{unit.id}" if form.scope.data == "unit" else "all"
    sent = services.invite(candidates, now, current_user, target, ip=request.remote_addr)
    db.session.commit()
    if sent:
        flash(
            _(
                "%(n)s undangan aktivasi masuk antrean email. Email dikirim bertahap, paling "
                "banyak %(batch)s per menit.",
                n=sent,
                batch=current_app.config["MAIL_BATCH"],
            ),
            "success",
        )
    else:
        flash(_("Tidak ada undangan baru: semua pegawai di cakupan ini sudah diundang."), "info")
    return redirect(back)


@bp.route("/admin/activation/users/<int:user_id>/send", methods=["POST"])
@login_required
def send(user_id: int):
    """Kirim ulang: a new invitation to one person; the earlier link stops working."""
    user = db.session.get(User, user_id) or abort(404)
    authorize("activation.manage", user)
    if not BaseForm().validate_on_submit():
        abort(400)
    if services.reinvite(user, utcnow(), current_user, ip=request.remote_addr):
        db.session.commit()
        flash(
            _("Undangan aktivasi untuk %(name)s masuk antrean email.", name=user.full_name),
            "success",
        )
    else:
        db.session.rollback()
        flash(
            _(
                "Undangan tidak dikirim: akun %(name)s sudah aktif, nonaktif, atau tidak "
                "memiliki email.",
                name=user.full_name,
            ),
            "error",
        )
    return redirect(safe_next(request.form.get("next")) or url_for("activation.people"))


def _export_columns() -> list[Column]:
    return [
        *person_columns(),
        Column(_("Email"), 30),
        Column(_("Status"), 20),
        Column(_("Undangan terakhir"), 18),
        Column(_("Berlaku sampai"), 18),
    ]


def _export_rows(unit: Unit | None, status: str):
    now = utcnow()
    labels = {k: str(v) for k, v in STATUS_LABELS.items()}
    for r in stream(overview.people_query(unit, now, status)):
        state = overview.status_of(r, now)
        yield [
            r.nip, r.full_name, r.position, r.position_type, r.rank, r.unit, r.email,
            labels[state], r.sent_at, r.expires_at if state == "invited" else None,
        ]  # fmt: skip


@bp.route("/admin/activation/export.<any(csv, xlsx):fmt>", defaults={"unit_id": None})
@bp.route("/admin/activation/units/<int:unit_id>/export.<any(csv, xlsx):fmt>")
@login_required
def export(fmt: str, unit_id: int | None):
    """People not yet activated, as CSV (streamed) or XLSX (audited)."""
    authorize("activation.manage")
    unit = _unit(unit_id)
    status = request.args.get("status", "waiting")
    status = status if status in STATUS_LABELS else "waiting"
    record(
        current_user,
        "activation.export",
        f"unit:{unit.id}" if unit else "province",
        ip=request.remote_addr,
        format=fmt,
        status=status,
    )
    db.session.commit()
    name = f"sinau-belum-aktif-{unit.id if unit else 'provinsi'}-{wib_today().isoformat()}"
    return respond(fmt, name, _export_columns(), _export_rows(unit, status), _("Belum aktif"))


# -- public: the emailed links and "Lupa kata sandi" ----------------------------------------------


@bp.route("/activate/<token>", methods=["GET", "POST"])
@limit_activation
def activate(token: str):
    """Choose a password from the invitation link; then the person is signed in."""
    return _set_password(token, services.ACTIVATION)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limit_activation
def reset(token: str):
    """Choose a new password from a "Lupa kata sandi" link; every other session ends."""
    return _set_password(token, services.RESET)


def _set_password(token: str, purpose: str):
    now = utcnow()
    try:
        link = services.check_link(token, purpose, now)
    except services.LinkError as exc:
        return render_template("activation/link_problem.html", message=str(exc), purpose=purpose)
    form = SetPasswordForm(user=link.user)
    if form.validate_on_submit():
        try:
            services.use_link(link, form.new.data, now)
        except services.LinkError as exc:
            db.session.rollback()
            return render_template(
                "activation/link_problem.html", message=str(exc), purpose=purpose
            )
        if current_user.is_authenticated:
            end_current_session(now)  # whoever was signed in on this browser signs out first
        if purpose == services.RESET:
            end_all_sessions(link.user, now=now)
        start_session(link.user, purpose, now=now)
        db.session.commit()
        if purpose == services.ACTIVATION:
            flash(_("Akun Anda sudah aktif. Selamat datang di Sinau!"), "success")
        else:
            flash(
                _("Kata sandi Anda telah diganti. Sesi di perangkat lain telah diakhiri."),
                "success",
            )
        return redirect(url_for("main.index"))
    return render_template(
        "activation/set_password.html", form=form, person=link.user, purpose=purpose
    )


@bp.route("/forgot", methods=["GET", "POST"])
@limit_reset
@limit_reset_account
def forgot():
    """Lupa kata sandi: the same answer, in about the same time, whether or not the account
    exists; the link goes out by email through the outbox."""
    if services.password_mode() == "none":
        return render_template("activation/forgot.html", form=None, sso_only=True)
    form = ForgotForm()
    if form.validate_on_submit():
        started = time.monotonic()
        services.request_reset(form.identifier.data, utcnow(), request.remote_addr)
        db.session.commit()
        time.sleep(max(FORGOT_ANSWER_SECONDS - (time.monotonic() - started), 0))
        return render_template("activation/forgot.html", form=None, sent=True)
    return render_template("activation/forgot.html", form=form)
