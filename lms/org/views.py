"""Work units: the tree, and creating or correcting a unit (HR and admin)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.extensions import db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.org import permissions as _permissions  # noqa: F401 - registers the org rules
from lms.org import services
from lms.org.forms import UnitForm
from lms.org.models import Unit
from lms.policy import authorize

bp = Blueprint("org", __name__, url_prefix="/admin/units", template_folder="templates")


@bp.route("/")
@login_required
def units():
    """Every unit in tree order, with its head and number of active people."""
    authorize("units.list")
    people = dict(
        db.session.execute(
            select(User.unit_id, func.count(User.id))
            .where(User.active.is_(True))
            .group_by(User.unit_id)
        ).all()
    )
    by_id = {u.id: u for u in db.session.scalars(select(Unit))}
    heads = {
        u.id: u.full_name
        for u in db.session.scalars(
            select(User).where(User.id.in_({x.head_id for x in by_id.values() if x.head_id}))
        )
    }
    rows = [(by_id[uid], label) for uid, label in services.unit_choices()]
    return render_template("org/units.html", rows=rows, people=people, heads=heads)


def _form(unit: Unit | None) -> UnitForm:
    form = UnitForm(obj=unit)
    choices = services.unit_choices()
    if unit is not None:
        inside = set(services.subtree_ids(unit))
        choices = [(i, label) for i, label in choices if i not in inside]
    parents = [(0, _("— tidak ada (unit teratas/OPD) —")), *choices]
    form.parent_id.choices = options(parents)
    heads = [(0, _("— belum ditentukan —"))]
    if unit is not None:
        members = db.session.scalars(
            select(User)
            .where(User.unit_id.in_(services.subtree_ids(unit)), User.active.is_(True))
            .order_by(User.full_name)
        )
        heads += [(u.id, f"{u.full_name} ({u.position or '-'})") for u in members]
        if unit.head is not None and unit.head_id not in {h[0] for h in heads}:
            heads.append((unit.head_id, unit.head.full_name))
    form.head_id.choices = options(heads)
    if request.method == "GET" and unit is not None:
        form.parent_id.data = unit.parent_id or 0
        form.head_id.data = unit.head_id or 0
    return form


def _code_taken(code: str | None, unit: Unit | None) -> bool:
    if not code:
        return False
    query = select(Unit.id).where(Unit.code == code)
    if unit is not None:
        query = query.where(Unit.id != unit.id)
    return db.session.scalar(query) is not None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def unit_new():
    """Add a unit to the tree."""
    authorize("units.manage")
    form = _form(None)
    if form.validate_on_submit():
        if _code_taken(form.code.data, None):
            form.code.errors.append(_("Kode ini sudah dipakai unit lain."))
        else:
            parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
            unit = services.create_unit(
                form.name.data,
                parent,
                short_name=form.short_name.data or None,
                code=form.code.data or None,
            )
            db.session.commit()
            flash(_("Unit %(name)s telah ditambahkan.", name=unit.name), "success")
            return redirect(url_for("org.units"))
    return render_template("org/unit_form.html", form=form, unit=None)


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@login_required
def unit_edit(unit_id: int):
    """Rename a unit, move it, or name its head."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    authorize("units.manage", unit)
    form = _form(unit)
    if form.validate_on_submit():
        if _code_taken(form.code.data, unit):
            form.code.errors.append(_("Kode ini sudah dipakai unit lain."))
        else:
            parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
            try:
                services.move_unit(unit, parent, utcnow())
            except services.UnitError as exc:
                db.session.rollback()
                form.parent_id.errors.append(str(exc))
            else:
                unit.name = form.name.data.strip()
                unit.short_name = form.short_name.data or None
                unit.code = form.code.data or None
                services.set_head(unit, db.session.get(User, form.head_id.data))
                db.session.commit()
                flash(_("Unit %(name)s telah disimpan.", name=unit.name), "success")
                return redirect(url_for("org.units"))
    return render_template("org/unit_form.html", form=form, unit=unit)
