"""Action plans: a unit's plan, my items, creating and editing items,
the province-wide overview with exports. An item's page, updates, review and evidence are in
item_views.py, imports in import_views.py, programmes in program_views.py, all on one blueprint."""

from __future__ import annotations

from collections import OrderedDict

from babel.dates import format_date
from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from lms.accounts.models import User
from lms.actions import alignment, queries, services
from lms.actions import import_views as _import_views  # noqa: F401 - registers its routes on bp
from lms.actions import item_views as _item_views  # noqa: F401 - registers its routes on bp
from lms.actions import permissions as _permissions  # noqa: F401 - registers the actions rules
from lms.actions import program_views as _program_views  # noqa: F401 - registers its routes on bp
from lms.actions import reminders as _reminders  # noqa: F401 - registers the action plan reminders
from lms.actions.blueprint import bp
from lms.actions.courses import course_choices
from lms.actions.exports import rollup_columns, rollup_values
from lms.actions.forms import ItemForm
from lms.actions.models import (
    STATUS_LABELS,
    ActionItem,
    Program,
    Status,
    Tag,
)
from lms.courses.markdown import render_inline_text
from lms.extensions import db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow, wib_today
from lms.org.models import Unit
from lms.pagination import id_arg
from lms.policy import authorize, can
from lms.reports.exports import respond


@bp.app_template_filter("inline_text")
def inline_text(text: str | None) -> Markup:
    """Short user text as HTML: escaped, line breaks kept."""
    return Markup(render_inline_text(text or ""))  # noqa: S704 - render_inline_text escapes


@bp.app_template_filter("month")
def month_name(value) -> str:
    """Desember 2026, in the current language."""
    return format_date(value, "LLLL y", locale=str(get_locale() or "id"))


# -- plans ----------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    """The plans a person may open; straight to their unit's plan when there is only one."""
    authorize("actions.index")
    units = queries.visible_units(current_user)
    if len(units) == 1 and not can(current_user, "actions.overview"):
        return redirect(url_for("actions.unit_plan", unit_id=units[0].id))
    counts = queries.item_counts_by_unit([u.id for u in units])
    return render_template("actions/index.html", units=units, counts=counts)


def _index_sends_to(unit: Unit) -> bool:
    """Whether the plan index (:func:`index`) sends the person straight to ``unit``: its page
    then offers no "← Rencana Aksi", a link that would lead back to itself."""
    if can(current_user, "actions.overview"):
        return False
    return queries.only_visible_unit_id(current_user) == unit.id


@bp.route("/mine")
@login_required
def mine():
    """The items I own or co-own, the most urgent first."""
    authorize("actions.my_items")
    show_all = request.args.get("all") == "1"
    items = queries.my_items(current_user, include_closed=show_all)
    return render_template(
        "actions/mine.html", items=items, today=wib_today(utcnow()), show_all=show_all
    )


STATUS_FILTERS = [
    ("", _l("Semua status")),
    *[(s.value, label) for s, label in STATUS_LABELS.items() if s != Status.DONE],
    ("review", _l("Selesai, menunggu tinjauan")),  # the badge's words (actions/_macros.html)
    ("accepted", _l("Selesai, diterima")),
    ("overdue", _l("Melewati tenggat")),
]


@bp.route("/units/<int:unit_id>")
@login_required
def unit_plan(unit_id: int):
    """A unit's plan: the list of items, and a timeline grouped by the month they are due."""
    unit = db.get_or_404(Unit, unit_id)
    authorize("actions.view_unit", unit)
    today = wib_today(utcnow())
    program_id = id_arg("program")
    status = request.args.get("status", "")
    items = queries.unit_items(unit, program_id, status)
    if status == "overdue":
        items = [i for i in items if i.is_overdue(today)]
    months: OrderedDict = OrderedDict()
    for item in items:
        months.setdefault(item.due_date.replace(day=1), []).append(item)
    children = [c for c in unit.children if can(current_user, "actions.view_unit", c)]
    rollup = queries.rollups(today, unit_ids=[unit.id], program_id=program_id)
    return render_template(
        "actions/unit_plan.html",
        unit=unit,
        index_is_here=_index_sends_to(unit),
        items=items,
        months=months,
        today=today,
        children=children,
        rollup=rollup[0] if rollup else None,
        programs=services.programs(),
        program_id=program_id,
        status=status,
        status_filters=STATUS_FILTERS,
    )


# -- items ----------------------------------------------------------------------------------------


def _item_form(unit: Unit, item: ActionItem | None) -> ItemForm:
    form = ItemForm(obj=item)
    programs = services.programs(active_only=True)
    if item is not None and item.program not in programs:
        programs.append(item.program)
    form.program_id.choices = options([(p.id, p.name) for p in programs])
    people = services.possible_owners(unit)
    if item is not None and item.owner not in people:
        people.append(item.owner)
    labels = [(u.id, f"{u.full_name} ({u.position or '-'})") for u in people]
    form.owner_id.choices = options([(0, _("— pilih penanggung jawab —")), *labels])
    form.co_owner_ids.choices = options(labels)
    tags = alignment.tags_by_kind()
    offered = [t for kind in tags for t in tags[kind]]
    if item is not None:  # a retired entry (an earlier period's list) stays on its item
        offered += [t for t in item.tags if not t.active]
    form.tag_ids.choices = options(
        [(t.id, f"{alignment.TAG_KIND_LABELS.get(t.kind, t.kind)}: {t.name}") for t in offered]
    )
    linked = [c.course_slug for c in item.courses] if item is not None else []
    form.course_slugs.choices = options(course_choices(linked))
    if request.method == "GET":
        if item is not None:
            form.co_owner_ids.data = [u.id for u in item.co_owners]
            form.tag_ids.data = [t.id for t in item.tags]
            form.course_slugs.data = linked
        elif programs:
            form.program_id.data = programs[0].id
    return form


def _form_fields(form: ItemForm) -> dict:
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([form.owner_id.data, *(form.co_owner_ids.data or [])]))
    )}  # fmt: skip
    tags = list(db.session.scalars(select(Tag).where(Tag.id.in_(form.tag_ids.data or []))))
    return {
        "title": form.title.data,
        "description": form.description.data,
        "expected_output": form.expected_output.data,
        "target_indicator": form.target_indicator.data,
        "target_value": form.target_value.data,
        "start_date": form.start_date.data,
        "due_date": form.due_date.data,
        "priority": form.priority.data,
        "status": form.status.data,
        "owner": people.get(form.owner_id.data),
        "co_owners": [people[i] for i in form.co_owner_ids.data or [] if i in people],
        "tags": tags,
        "course_slugs": services.clean_course_slugs(list(form.course_slugs.data or [])),
    }


@bp.route("/units/<int:unit_id>/new", methods=["GET", "POST"])
@login_required
def item_new(unit_id: int):
    """Add an action item to a unit's plan (the unit's head, or a head above it)."""
    unit = db.get_or_404(Unit, unit_id)
    authorize("actions.create", unit)
    form = _item_form(unit, None)
    if not form.program_id.choices:
        flash(_("Belum ada program yang aktif. Mohon minta BKD menambahkan program."), "error")
        return redirect(url_for("actions.unit_plan", unit_id=unit.id))
    if form.validate_on_submit():
        try:
            fields = _form_fields(form)
            program = db.get_or_404(Program, form.program_id.data)
            item = services.create_item(unit, program, current_user, utcnow(), **fields)
        except services.ActionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Butir rencana aksi telah ditambahkan."), "success")
            return redirect(url_for("actions.item", item_id=item.id))
    return render_template("actions/item_form.html", form=form, unit=unit, item=None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int):
    """Change an item's plan (the unit's head); every change goes into the history."""
    item = db.get_or_404(ActionItem, item_id)
    authorize("actions.edit", item)
    form = _item_form(item.unit, item)
    if form.validate_on_submit():
        try:
            fields = _form_fields(form)
            fields["program_id"] = form.program_id.data
            changed = services.edit_item(item, current_user, utcnow(), **fields)
        except services.ActionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            if changed:
                flash(_("Perubahan telah disimpan."), "success")
            else:
                flash(_("Tidak ada yang berubah."), "info")
            return redirect(url_for("actions.item", item_id=item.id))
    return render_template("actions/item_form.html", form=form, unit=item.unit, item=item)


# -- overview -------------------------------------------------------------------------------------

SORTS = {
    "unit": None,
    "total": lambda r: r.total,
    "overdue": lambda r: r.overdue,
    "accepted": lambda r: r.accepted,
    "progress": lambda r: r.average_progress if r.average_progress is not None else -1,
    "last_update": lambda r: r.last_update_at.isoformat() if r.last_update_at else "",
}


def _overview_rows():
    """The overview's rows for the filters and sort order in the query string."""
    today = wib_today(utcnow())
    program_id = id_arg("program")
    opd_id = id_arg("opd")
    opd = db.session.get(Unit, opd_id) if opd_id else None
    rows = queries.rollups(today, program_id=program_id, within_path=opd.path if opd else None)
    sort = request.args.get("sort", "unit")
    if sort not in SORTS:
        sort = "unit"
    descending = request.args.get("dir", "asc" if sort == "unit" else "desc") == "desc"
    if sort == "unit":
        names = {r.unit_id: r.name for r in rows}

        def tree_order(r):
            ids = [int(x) for x in r.path.strip("/").split("/") if x]
            return tuple((names.get(i, ""), i) for i in ids)

        rows.sort(key=tree_order, reverse=descending)
    else:
        rows.sort(key=lambda r: (SORTS[sort](r), r.name), reverse=descending)
    return rows, {"program": program_id, "opd": opd_id, "sort": sort, "descending": descending}


@bp.route("/overview")
@login_required
def overview():
    """Province-wide: per unit (sub-units rolled up) counts by status, overdue, progress."""
    authorize("actions.overview")
    rows, filters = _overview_rows()
    opds = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.name))
    return render_template(
        "actions/overview.html",
        rows=rows,
        filters=filters,
        programs=services.programs(),
        opds=list(opds),
    )


@bp.route("/overview.<any(csv, xlsx):fmt>")
@login_required
def overview_export(fmt: str):
    """The overview as CSV or XLSX, with the filters and order of the page: the reports' shared
    writer and the same columns as the reports' export of action plans."""
    authorize("actions.overview")
    rows, _filters = _overview_rows()
    name = f"pantauan-rencana-aksi-{wib_today(utcnow()).isoformat()}"
    values = (rollup_values(r) for r in rows)
    return respond(fmt, name, rollup_columns(), values, _("Rencana Aksi"))
