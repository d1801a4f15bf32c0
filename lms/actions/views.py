"""Action plans: a unit's plan, my items, an item with its updates and history, review, evidence
downloads, the province-wide overview with exports, imports, and programmes."""

from __future__ import annotations

from collections import OrderedDict

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.actions import evidence as evidence_files
from lms.actions import imports, queries, services
from lms.actions import reminders as _reminders  # noqa: F401 - registers the action plan reminders
from lms.actions.courses import course_choices, linked_courses
from lms.actions.exports import rollup_columns, rollup_values
from lms.actions.forms import (
    CommentForm,
    ImportConfirmForm,
    ImportForm,
    ItemForm,
    ProgramForm,
    ReviewForm,
    UpdateForm,
)
from lms.actions.models import (
    STATUS_LABELS,
    ActionItem,
    Comment,
    ItemEvent,
    Program,
    ProgressUpdate,
    Status,
    Tag,
)
from lms.courses.markdown import render_inline_text
from lms.extensions import db
from lms.forms import options
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow, wib_today
from lms.limits import limit_upload
from lms.org.models import Unit
from lms.policy import authorize, can
from lms.reports.exports import respond

bp = Blueprint("actions", __name__, url_prefix="/actions", template_folder="templates")


@bp.app_template_filter("inline_text")
def inline_text(text: str | None) -> Markup:
    """Short user text as HTML: escaped, line breaks kept."""
    return Markup(render_inline_text(text or ""))  # noqa: S704 - render_inline_text escapes


@bp.app_template_filter("month")
def month_name(value) -> str:
    """Desember 2026, in the current language."""
    from babel.dates import format_date
    from flask_babel import get_locale

    return format_date(value, "LLLL y", locale=str(get_locale() or "id"))


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


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
    unit = _get(Unit, unit_id)
    authorize("actions.view_unit", unit)
    today = wib_today(utcnow())
    program_id = _int_arg("program")
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
    tags = services.tags_by_kind()
    offered = [t for kind in tags for t in tags[kind]]
    if item is not None:  # a retired entry (an earlier period's list) stays on its item
        offered += [t for t in item.tags if not t.active]
    form.tag_ids.choices = options(
        [(t.id, f"{services.TAG_KIND_LABELS.get(t.kind, t.kind)}: {t.name}") for t in offered]
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
    unit = _get(Unit, unit_id)
    authorize("actions.create", unit)
    form = _item_form(unit, None)
    if not form.program_id.choices:
        flash(_("Belum ada program yang aktif. Mohon minta BKD menambahkan program."), "error")
        return redirect(url_for("actions.unit_plan", unit_id=unit.id))
    if form.validate_on_submit():
        try:
            fields = _form_fields(form)
            program = _get(Program, form.program_id.data)
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
    item = _get(ActionItem, item_id)
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


FIELD_LABELS = {
    "title": _l("Judul"),
    "description": _l("Deskripsi"),
    "expected_output": _l("Output yang diharapkan"),
    "target_indicator": _l("Indikator target"),
    "target_value": _l("Nilai target"),
    "owner_id": _l("Penanggung jawab"),
    "program_id": _l("Program"),
    "start_date": _l("Tanggal mulai"),
    "due_date": _l("Tenggat"),
    "priority": _l("Prioritas"),
    "status": _l("Status"),
    "progress": _l("Progres"),
    "co_owners": _l("Penanggung jawab pendamping"),
    "tags": _l("Keselarasan"),
    "courses": _l("Kursus pendukung"),
    "accepted_at": _l("Penerimaan"),
}


def _history(events: list[ItemEvent]) -> list[dict]:
    """Events as lines people can read: names instead of ids, labels instead of codes."""
    from lms.actions.models import PRIORITY_LABELS, Priority
    from lms.i18n import format_day

    user_ids, program_ids = set(), set()
    for e in events:
        target = (
            user_ids if e.field == "owner_id" else program_ids if e.field == "program_id" else None
        )
        if target is not None:
            target.update(int(v) for v in (e.old_value, e.new_value) if v and v.isdigit())
    names = (
        dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    program_names = (
        dict(
            db.session.execute(
                select(Program.id, Program.name).where(Program.id.in_(program_ids))
            ).all()
        )
        if program_ids
        else {}
    )

    def show(field: str | None, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if field == "owner_id" and value.isdigit():
            return names.get(int(value), value)
        if field == "program_id" and value.isdigit():
            return program_names.get(int(value), value)
        if field == "status" and value in set(Status):
            return str(STATUS_LABELS[Status(value)])
        if field == "priority" and value in set(Priority):
            return str(PRIORITY_LABELS[Priority(value)])
        if field in ("start_date", "due_date"):
            from datetime import date

            try:
                return format_day(date.fromisoformat(value))
            except ValueError:
                return value
        if field == "progress":
            return f"{value}%"
        if field == "accepted_at":
            return _("diterima")
        return value if len(value) <= 160 else value[:157] + "…"

    kinds = {
        "created": _("membuat butir ini"),
        "imported": _("mengimpor butir ini dari berkas"),
        "update": _("mengirim laporan progres"),
        "accepted": _("menerima butir ini sebagai selesai"),
        "returned": _("mengembalikan butir ini untuk diperbaiki"),
        "comment": _("menulis komentar"),
    }
    lines = []
    for e in events:
        if e.kind == "changed":
            text = _(
                "mengubah %(field)s: %(old)s → %(new)s",
                field=FIELD_LABELS.get(e.field, e.field),
                old=show(e.field, e.old_value),
                new=show(e.field, e.new_value),
            )
        else:
            text = kinds.get(e.kind, e.kind)
        lines.append({"at": e.created_at, "actor": e.actor, "text": text})
    return lines


@bp.route("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """An item: its plan, progress updates with evidence, comments, review and history."""
    item = _get(ActionItem, item_id)
    authorize("actions.view_item", item)
    updates = db.session.scalars(
        select(ProgressUpdate)
        .options(selectinload(ProgressUpdate.author))
        .where(ProgressUpdate.item_id == item.id)
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    ).all()
    comments = db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author))
        .where(Comment.item_id == item.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    events = db.session.scalars(
        select(ItemEvent)
        .options(selectinload(ItemEvent.actor))
        .where(ItemEvent.item_id == item.id)
        .order_by(ItemEvent.created_at.desc(), ItemEvent.id.desc())
    ).all()
    return render_template(
        "actions/item.html",
        item=item,
        updates=updates,
        comments=comments,
        history=_history(list(events)),
        courses=linked_courses([c.course_slug for c in item.courses]),
        today=wib_today(utcnow()),
        comment_form=CommentForm(),
        review_form=ReviewForm(),
    )


@bp.route("/items/<int:item_id>/update", methods=["GET", "POST"])
@login_required
@limit_upload
def update_new(item_id: int):
    """Report progress (owners): a new percentage and status, a note, and evidence."""
    item = _get(ActionItem, item_id)
    authorize("actions.post_update", item)
    form = UpdateForm()
    if request.method == "GET":
        form.progress.data = item.progress
        if item.status in (Status.IN_PROGRESS, Status.DONE, Status.BLOCKED):
            form.status.data = item.status
    if form.validate_on_submit():
        checked = None
        upload = form.evidence.data
        if upload is not None and getattr(upload, "filename", ""):
            try:
                checked = evidence_files.check_upload(upload)
            except evidence_files.EvidenceError as exc:
                form.evidence.errors = [str(exc)]
        if not form.evidence.errors:
            now = utcnow()
            key = None
            try:
                update = services.post_update(
                    item,
                    current_user,
                    now,
                    progress=form.progress.data,
                    status=form.status.data,
                    note=form.note.data,
                    link_url=form.link_url.data,
                    evidence=checked,
                )
                if checked is not None:
                    key = evidence_files.store(checked, now)
                    update.evidence_key = key
                    db.session.flush()
                db.session.commit()
            except services.ActionError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            except Exception:
                db.session.rollback()
                if key:
                    evidence_files.remove(key)
                raise
            else:
                current_app.logger.info("progress update %s on item %s", update.id, item.id)
                flash(_("Laporan progres telah dikirim."), "success")
                return redirect(url_for("actions.item", item_id=item.id))
    max_mb = current_app.config["MAX_UPLOAD_MB"]
    return render_template("actions/update_form.html", form=form, item=item, max_mb=max_mb)


@bp.route("/items/<int:item_id>/comments", methods=["POST"])
@login_required
def comment_new(item_id: int):
    """Comment on an item (anyone who may read it)."""
    item = _get(ActionItem, item_id)
    authorize("actions.comment", item)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(item, current_user, utcnow(), form.body.data)
        except services.ActionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Komentar telah dikirim."), "success")
    else:
        flash(_("Komentar tidak boleh kosong dan paling banyak 2.000 karakter."), "error")
    return redirect(url_for("actions.item", item_id=item.id) + "#komentar")


@bp.route("/items/<int:item_id>/review", methods=["POST"])
@login_required
def review(item_id: int):
    """The unit head accepts a done item, or sends it back with a reason."""
    item = _get(ActionItem, item_id)
    authorize("actions.review", item)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if form.send_back.data:
            services.send_back(item, current_user, utcnow(), form.comment.data)
            message = _("Butir dikembalikan kepada penanggung jawab untuk diperbaiki.")
        else:
            services.accept(item, current_user, utcnow())
            message = _("Butir diterima sebagai selesai.")
    except services.ActionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("actions.item", item_id=item.id))


@bp.route("/evidence/<int:update_id>")
@login_required
def evidence(update_id: int):
    """Download an evidence file, as an attachment, for people who may read the item."""
    update = _get(ProgressUpdate, update_id)
    authorize("actions.download_evidence", update)
    if not update.evidence_key:
        abort(404)
    try:
        path = evidence_files.path_for(update.evidence_key)
    except evidence_files.EvidenceError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=update.evidence_type or "application/octet-stream",
        as_attachment=True,
        download_name=update.evidence_name or "bukti-dukung",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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
    program_id = _int_arg("program")
    opd_id = _int_arg("opd")
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


# -- import ---------------------------------------------------------------------------------------


def _import_form() -> ImportForm:
    form = ImportForm()
    form.program_id.choices = options([(p.id, p.name) for p in services.programs(active_only=True)])
    units = [
        u for u in queries.visible_units(current_user) if can(current_user, "actions.import", u)
    ]
    choices = [(u.id, "\u2003" * u.depth + u.name) for u in units]
    form.unit_id.choices = options([(0, _("— sesuai kolom Unit Kerja —")), *choices])
    return form


@bp.route("/import", methods=["GET", "POST"])
@login_required
@limit_upload
def import_upload():
    """Upload a CSV/XLSX of action items and see every row's problems before anything is saved."""
    authorize("actions.import")
    form = _import_form()
    confirm = None
    check = None
    if form.validate_on_submit():
        upload = form.file.data
        name = getattr(upload, "filename", "") or ""
        program = db.session.get(Program, form.program_id.data)
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        if not name:
            form.file.errors = [_("Pilih berkas CSV atau XLSX.")]
        elif not name.lower().endswith((".csv", ".xlsx", ".txt")):
            form.file.errors = [_("Unggah berkas .csv atau .xlsx.")]
        elif program is None:
            form.program_id.errors = [_("Pilih program.")]
        elif unit is not None and not can(current_user, "actions.import", unit):
            abort(403)
        else:
            data = upload.stream.read()
            now = utcnow()
            imports.parking.purge(now)
            check = imports.check_import(name, data, current_user, program, unit)
            if check.ok:
                # The name is not kept (it may name someone); its extension is what matters.
                extension = "xlsx" if name.lower().endswith(".xlsx") else "csv"
                parked = imports.parking.park(
                    data,
                    {"user_id": current_user.id, "program_id": program.id,
                     "unit_id": unit.id if unit else None, "filename": f"impor.{extension}"},
                    now,
                )  # fmt: skip
                confirm = ImportConfirmForm(token=parked.token)
    return render_template("actions/import.html", form=form, check=check, confirm=confirm)


@bp.route("/import/confirm", methods=["POST"])
@login_required
def import_confirm():
    """Write every checked row, or none: the file is checked again just before writing."""
    authorize("actions.import")
    form = ImportConfirmForm()
    parked = (
        imports.parking.unpark(form.token.data, utcnow()) if form.validate_on_submit() else None
    )
    if parked is None or parked.meta.get("user_id") != current_user.id:
        flash(
            _("Berkas impor tidak ditemukan atau sudah kedaluwarsa. Silakan unggah lagi."), "error"
        )
        return redirect(url_for("actions.import_upload"))
    data, meta = parked.read(), parked.meta
    program = db.session.get(Program, meta["program_id"])
    unit = db.session.get(Unit, meta["unit_id"]) if meta.get("unit_id") else None
    if program is None:
        abort(404)
    check = imports.check_import(meta["filename"], data, current_user, program, unit)
    if not check.ok:
        flash(
            _("Data berubah sejak pemeriksaan; tidak ada yang diimpor. Periksa masalah di bawah."),
            "error",
        )
        return render_template(
            "actions/import.html", form=_import_form(), check=check, confirm=None
        )
    try:
        items = imports.apply_import(check, current_user, program, utcnow())
        db.session.commit()
    except services.ActionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("actions.import_upload"))
    imports.parking.discard(parked.token)
    flash(_("%(n)d butir rencana aksi telah diimpor.", n=len(items)), "success")
    return redirect(url_for("actions.index"))


@bp.route("/import/template.csv")
@login_required
def import_template():
    """An empty CSV with the columns the import understands."""
    authorize("actions.import")
    header = "Judul;Deskripsi;Output;Indikator;Target;NIP Penanggung Jawab;Unit Kerja;Mulai;Tenggat;Prioritas;Status;Progres\r\n"  # noqa: E501
    return Response(
        "\ufeff" + header,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="templat-rencana-aksi.csv"'},
    )


# -- programmes -----------------------------------------------------------------------------------


@bp.route("/programs")
@login_required
def programs():
    """The follow-up programmes (HR and admin)."""
    authorize("actions.programs")
    return render_template("actions/programs.html", programs=services.programs())


def _program_form_save(form: ProgramForm, program: Program) -> bool:
    name = form.name.data.strip()
    clash = db.session.scalar(
        select(Program.id).where(Program.name == name, Program.id != (program.id or 0))
    )
    if clash:
        form.name.errors = [_("Nama program ini sudah dipakai.")]
        return False
    program.name = name
    program.description = (form.description.data or "").strip() or None
    program.starts_on = form.starts_on.data
    program.ends_on = form.ends_on.data
    program.active = form.active.data
    return True


@bp.route("/programs/new", methods=["GET", "POST"])
@login_required
def program_new():
    """Add a programme, with its period."""
    authorize("actions.programs")
    form = ProgramForm()
    if form.validate_on_submit():
        program = Program()
        if _program_form_save(form, program):
            db.session.add(program)
            db.session.commit()
            flash(_("Program %(name)s telah ditambahkan.", name=program.name), "success")
            return redirect(url_for("actions.programs"))
    return render_template("actions/program_form.html", form=form, program=None)


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
@login_required
def program_edit(program_id: int):
    """Rename a programme, change its period, or close it to new items."""
    program = _get(Program, program_id)
    authorize("actions.programs", program)
    form = ProgramForm(obj=program)
    if form.validate_on_submit() and _program_form_save(form, program):
        db.session.commit()
        flash(_("Program %(name)s telah disimpan.", name=program.name), "success")
        return redirect(url_for("actions.programs"))
    return render_template("actions/program_form.html", form=form, program=program)
