"""Registri Pemanfaatan AI: a unit's register, an entry with its DPIA and links, the province
overview with its exports, and the public page of published entries."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

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
from sqlalchemy import select

import lms.aiuse.reminders  # noqa: F401 - registers the register's reminder rules
from lms.accounts.models import User
from lms.aiuse import permissions as _permissions  # noqa: F401 - registers the aiuse rules
from lms.aiuse import province, services
from lms.aiuse.exports import columns as export_columns
from lms.aiuse.exports import values as export_values
from lms.aiuse.forms import ConfirmForm, DelegateForm, DpiaForm, EntryForm, LinksForm
from lms.aiuse.models import (
    DATA_LABELS,
    DECISION_LABELS,
    LOCATION_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    AiUse,
    Risk,
    Status,
)
from lms.aiuse.permissions import sees_ai_register
from lms.aiuse.province import Filters
from lms.aiuse.risk import RULES as RISK_RULES
from lms.aiuse.risk import assess, needs_dpia
from lms.aiuse.services import RegisterError
from lms.audit.services import record
from lms.extensions import client_address, db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow, wib_today
from lms.main.views import NAV
from lms.org.models import Unit
from lms.pagination import check_page, id_arg, page_number
from lms.policy import authorize, can
from lms.reports.exports import respond

bp = Blueprint("aiuse", __name__, template_folder="templates")

# One menu entry: the register of the person's unit, or the province for its viewers.
NAV.append(("aiuse.index", _l("Registri AI"), "aiuse.index"))

LABELS = {
    "status": STATUS_LABELS,
    "location": LOCATION_LABELS,
    "data": DATA_LABELS,
    "decisions": DECISION_LABELS,
    "risk": RISK_LABELS,
}


@bp.app_context_processor
def _labels() -> dict:
    return {"aiuse_labels": LABELS}


@bp.errorhandler(RegisterError)
def _register_error(error: RegisterError):
    """A change the register refuses: nothing is kept, the person reads why."""
    db.session.rollback()
    flash(str(error), "error")
    entry_id = (request.view_args or {}).get("entry_id")
    if entry_id is not None:
        return redirect(url_for("aiuse.entry", entry_id=entry_id))
    return redirect(url_for("aiuse.index"))


@dataclass(frozen=True)
class Page:
    """What the shared pager macro reads."""

    page: int
    pages: int

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def _entry(entry_id: int) -> AiUse:
    return db.get_or_404(AiUse, entry_id)


@bp.route("/ai/")
@login_required
def index():
    """The register of the person's unit (or a unit they keep); the province for its viewers."""
    authorize("aiuse.index")
    if sees_ai_register(current_user):
        return redirect(url_for("aiuse.overview"))
    unit = current_user.unit
    if unit is None or not can(current_user, "aiuse.view_unit", unit):
        return render_template("aiuse/no_unit.html")
    return redirect(url_for("aiuse.unit_register", unit_id=unit.id))


@bp.route("/ai/units/<int:unit_id>")
@login_required
def unit_register(unit_id: int):
    """A unit's entries (its sub-units' included), with risk, status and DPIA at a glance."""
    unit = db.get_or_404(Unit, unit_id)
    authorize("aiuse.view_unit", unit)
    return render_template(
        "aiuse/unit.html",
        unit=unit,
        entries=services.entries_of(unit),
        today=wib_today(utcnow()),
        may_create=can(current_user, "aiuse.create", unit),
        may_delegate=can(current_user, "aiuse.delegates", unit),
    )


def _entry_form(unit: Unit, entry: AiUse | None) -> EntryForm:
    form = EntryForm(obj=entry)
    people = services.unit_people(unit)
    if entry is not None and entry.responsible_id not in {pid for pid, _n in people}:
        people.append((entry.responsible_id, entry.responsible.full_name))
    form.responsible_id.choices = options([(0, _("— pilih penanggung jawab —")), *people])
    if entry is None and request.method == "GET":
        form.responsible_id.data = current_user.id
    return form


def _save(form: EntryForm, unit: Unit, entry: AiUse | None):
    """Save the entry, or put the register's refusal under the status field."""
    if not form.responsible_id.data:
        form.responsible_id.errors = [_("Penanggung jawab wajib dipilih.")]
        return None
    try:
        saved = services.save_entry(
            entry, unit, current_user, utcnow(), form.values(), ip=client_address()
        )
    except RegisterError as exc:
        db.session.rollback()
        form.status.errors = [*form.status.errors, str(exc)]
        return None
    db.session.commit()
    return saved


@bp.route("/ai/units/<int:unit_id>/new", methods=["GET", "POST"])
@login_required
def entry_new(unit_id: int):
    """Record a use of AI for the unit."""
    unit = db.get_or_404(Unit, unit_id)
    authorize("aiuse.create", unit)
    form = _entry_form(unit, None)
    if form.validate_on_submit() and (entry := _save(form, unit, None)):
        flash(_("Pemanfaatan AI telah dicatat. Risikonya: %(risk)s.", risk=_risk(entry)), "success")
        return redirect(url_for("aiuse.entry", entry_id=entry.id))
    return render_template("aiuse/entry_form.html", form=form, unit=unit, entry=None)


def _risk(entry: AiUse) -> str:
    return str(RISK_LABELS[Risk(entry.risk)]).lower()


@bp.route("/ai/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def entry_edit(entry_id: int):
    """Change an entry; "berjalan" is refused for high risk without a completed DPIA."""
    entry = _entry(entry_id)
    authorize("aiuse.edit", entry)
    form = _entry_form(entry.unit, entry)
    if form.validate_on_submit() and _save(form, entry.unit, entry):
        flash(_("Perubahan telah disimpan. Risikonya: %(risk)s.", risk=_risk(entry)), "success")
        return redirect(url_for("aiuse.entry", entry_id=entry.id))
    return render_template("aiuse/entry_form.html", form=form, unit=entry.unit, entry=entry)


@bp.route("/ai/entries/<int:entry_id>")
@login_required
def entry(entry_id: int):
    """One entry: the answers, its risk and why, the DPIA, linked items and course completion."""
    entry = _entry(entry_id)
    authorize("aiuse.view", entry)
    record(current_user, "aiuse.view", f"aiuse:{entry.id}", ip=client_address())
    db.session.commit()
    return render_template(
        "aiuse/entry.html",
        entry=entry,
        assessment=assess(entry.data_category, entry.decisions, entry.data_location),
        dpia_needed=needs_dpia(entry.risk),
        items=services.linked_items(entry),
        completion=services.course_completion(entry),
        today=wib_today(utcnow()),
        form=ConfirmForm(),
        may_edit=can(current_user, "aiuse.edit", entry),
        may_sign=can(current_user, "aiuse.sign_off", entry),
    )


@bp.route("/ai/entries/<int:entry_id>/dpia", methods=["GET", "POST"])
@login_required
def dpia(entry_id: int):
    """Fill in the DPIA: purpose and necessity, minimisation, risks, safeguards."""
    entry = _entry(entry_id)
    authorize("aiuse.edit", entry)
    form = DpiaForm(obj=entry.dpia)
    if form.validate_on_submit():
        values = {name: form[name].data for name in services.DPIA_FIELDS}
        services.save_dpia(entry, current_user, utcnow(), values, ip=client_address())
        db.session.commit()
        if entry.dpia.answered and can(current_user, "aiuse.sign_off", entry):
            flash(_("DPIA telah disimpan. Periksa sekali lagi, lalu setujui."), "success")
        elif entry.dpia.answered:
            flash(_("DPIA telah disimpan dan menunggu persetujuan kepala unit."), "success")
        else:
            flash(_("DPIA telah disimpan, tetapi belum lengkap."), "success")
        return redirect(url_for("aiuse.entry", entry_id=entry.id) + "#dpia")
    return render_template("aiuse/dpia_form.html", form=form, entry=entry)


@bp.route("/ai/entries/<int:entry_id>/dpia/sign", methods=["POST"])
@login_required
def dpia_sign(entry_id: int):
    """The unit head signs the DPIA off."""
    entry = _entry(entry_id)
    authorize("aiuse.sign_off", entry)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.sign_off(entry, current_user, utcnow(), ip=client_address())
    db.session.commit()
    flash(_("DPIA telah disetujui."), "success")
    return redirect(url_for("aiuse.entry", entry_id=entry.id) + "#dpia")


@bp.route("/ai/entries/<int:entry_id>/publish", methods=["POST"])
@login_required
def publish(entry_id: int):
    """Show the entry on the public page (``publish=1``) or take it off."""
    entry = _entry(entry_id)
    authorize("aiuse.edit", entry)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    on = request.form.get("publish") == "1"
    services.set_published(entry, current_user, utcnow(), on, ip=client_address())
    db.session.commit()
    if on:
        flash(_("Pemanfaatan AI ini kini tampil di halaman publik."), "success")
    else:
        flash(_("Pemanfaatan AI ini tidak lagi tampil di halaman publik."), "success")
    return redirect(url_for("aiuse.entry", entry_id=entry.id))


@bp.route("/ai/entries/<int:entry_id>/links", methods=["GET", "POST"])
@login_required
def links(entry_id: int):
    """Link the action items that carry the entry out and the courses its unit should finish."""
    entry = _entry(entry_id)
    authorize("aiuse.edit", entry)
    form = LinksForm()
    items = services.linkable_items(entry.unit)
    form.item_ids.choices = options([(i.id, i.title) for i in items])
    form.course_slugs.choices = options(services.live_courses())
    if request.method == "GET":
        form.item_ids.data = [i.id for i in services.linked_items(entry)]
        form.course_slugs.data = services.linked_slugs(entry)
    if form.validate_on_submit():
        services.set_links(
            entry,
            current_user,
            utcnow(),
            form.item_ids.data or [],
            form.course_slugs.data or [],
            ip=client_address(),
        )
        db.session.commit()
        flash(_("Tautan telah disimpan."), "success")
        return redirect(url_for("aiuse.entry", entry_id=entry.id))
    return render_template("aiuse/links.html", form=form, entry=entry)


@bp.route("/ai/units/<int:unit_id>/delegates", methods=["GET", "POST"])
@login_required
def delegates(unit_id: int):
    """The unit head names the people who keep the unit's register with them."""
    unit = db.get_or_404(Unit, unit_id)
    authorize("aiuse.delegates", unit)
    form = DelegateForm()
    form.user_id.choices = options([(0, _("— pilih pegawai —")), *services.unit_people(unit)])
    if form.validate_on_submit():
        person = db.session.get(User, form.user_id.data)
        if person is None:
            form.user_id.errors = [_("Pilih pegawai.")]
        else:
            services.add_delegate(unit, person, current_user, utcnow(), ip=client_address())
            db.session.commit()
            flash(_("%(name)s kini dapat mengelola registri unit ini.", name=person.full_name),
                  "success")  # fmt: skip
            return redirect(url_for("aiuse.delegates", unit_id=unit.id))
    return render_template(
        "aiuse/delegates.html",
        unit=unit,
        form=form,
        remove=ConfirmForm(),
        people=services.delegates_of(unit),
    )


@bp.route("/ai/units/<int:unit_id>/delegates/<int:user_id>/remove", methods=["POST"])
@login_required
def delegate_remove(unit_id: int, user_id: int):
    unit = db.get_or_404(Unit, unit_id)
    authorize("aiuse.delegates", unit)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_delegate(unit, user_id, current_user, utcnow(), ip=client_address())
    db.session.commit()
    flash(_("Pengelola registri telah dihapus."), "success")
    return redirect(url_for("aiuse.delegates", unit_id=unit.id))


# -- the province ----------------------------------------------------------------------------


def _filters() -> Filters:
    risk = request.args.get("risk")
    status = request.args.get("status")
    return Filters(
        opd=id_arg("opd"),
        risk=risk if risk in {r.value for r in Risk} else None,
        status=status if status in {s.value for s in Status} else None,
        dpia_missing=request.args.get("dpia") == "missing",
    )


@bp.route("/ai/overview")
@login_required
def overview():
    """Every unit's register: counts by Perangkat Daerah and risk, and the entries, filtered."""
    authorize("aiuse.province")
    filters = _filters()
    number, per_page = page_number(), current_app.config["PAGE_SIZE"]
    total = province.count_entries(filters)
    pages = max(ceil(total / per_page), 1)
    check_page(number, pages)
    return render_template(
        "aiuse/overview.html",
        filters=filters,
        summary=province.summary_by_opd(filters),
        rows=province.province_rows(filters, number, per_page),
        page=Page(number, pages),
        opds=db.session.scalars(
            select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.name)
        ).all(),
        risk_rules=RISK_RULES,
    )


@bp.route("/ai/overview.<any(csv, xlsx):fmt>")
@login_required
def overview_export(fmt: str):
    """The overview's entries as CSV or XLSX through the reports' shared writer."""
    authorize("aiuse.province")
    filters = _filters()
    record(current_user, "aiuse.export", None, ip=client_address(), format=fmt)
    db.session.commit()
    rows = (export_values(row) for row in province.province_rows(filters))
    name = f"registri-ai-{wib_today(utcnow()).isoformat()}"
    return respond(fmt, name, export_columns(), rows, _("Registri AI"))


# -- the public ------------------------------------------------------------------------------


@bp.route("/registri-ai")
def public():
    """The entries units chose to publish, in plain Indonesian, without personal data."""
    return render_template("aiuse/public.html", entries=province.published())
