"""Report pages and exports. HR and admin see everything; a unit head sees their units.

Each report is a function here plus an entry in :data:`REPORTS` (its export columns and rows),
so another report (the action plans of issue 5) is one more page function and one more entry.
Pages of people (names, NIPs) and every export are written to the audit log.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.accounts.models import POSITION_TYPES, User
from lms.actions import queries as action_queries
from lms.actions import services as action_services
from lms.actions.exports import rollup_columns, rollup_values
from lms.audit.services import record
from lms.courses import jp as jp_rule
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import utcnow, wib_today
from lms.org.models import Unit
from lms.pagination import check_page, page_number
from lms.policy import authorize, can, headed_paths
from lms.reports import charts, services
from lms.reports import jp as jp_report
from lms.reports.exports import Column, person_columns, respond
from lms.reports.services import Filters

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

STATUS_LABELS = {
    "completed": _l("Selesai"),
    "overdue": _l("Lewat tenggat"),
    "in_progress": _l("Sedang berjalan"),
    "awaiting_grade": _l("Menunggu penilaian"),
    "not_started": _l("Belum mulai"),
}


# -- request helpers ------------------------------------------------------------------------------


def _int(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


def parse_filters(today: date) -> Filters:
    """Filters from the query string; anything malformed is ignored, never an error page."""
    year = _int("year")
    position_type = request.args.get("position_type") or None
    return Filters(
        year=year if year and 2000 <= year <= 2100 else today.year,
        course_id=_int("course"),
        date_from=_date("from"),
        date_to=_date("to"),
        position_type=position_type if position_type in POSITION_TYPES else None,
        rank=(request.args.get("rank") or "").strip()[:10] or None,
        today=today,
    )


def _sort(allowed, default: str = "name") -> tuple[str, bool]:
    sort = request.args.get("sort", default)
    return (sort if sort in allowed else default), request.args.get("dir") == "desc"


def _scope(unit_id: int | None) -> Unit | None:
    """The unit a report is about (403 unless the person may see it); None: the province."""
    if unit_id is None:
        authorize("reports.province")
        return None
    unit = db.session.get(Unit, unit_id) or abort(404)
    authorize("reports.view", unit)
    return unit


def _audit(action: str, unit: Unit | None, filters: Filters | None, **details) -> None:
    record(
        current_user,
        action,
        target=f"unit:{unit.id}" if unit else "province",
        ip=request.remote_addr,
        filters=filters.as_dict() if filters else {},
        **details,
    )
    db.session.commit()


@dataclass
class ListPage:
    """A page of an in-memory list, shaped like Flask-SQLAlchemy's Pagination for the pager."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def page_of(rows: list, page: int | None = None) -> ListPage:
    """One page of an in-memory list; 404 for a page that is not there."""
    per_page = current_app.config["PAGE_SIZE"]
    page = page or page_number()
    listed = ListPage(rows[(page - 1) * per_page : page * per_page], page, per_page, len(rows))
    check_page(page, listed.pages)
    return listed


def page_query(query) -> ListPage:
    """One page of a multi-column select: a COUNT and a LIMIT/OFFSET."""
    per_page = current_app.config["PAGE_SIZE"]
    page = page_number()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    check_page(page, math.ceil((total or 0) / per_page))
    items = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return ListPage(items, page, per_page, total or 0)


def _context(unit: Unit | None, filters: Filters, report: str) -> dict:
    """What every report page shows around its table: crumbs, filters, export links."""
    crumbs = []
    if unit is not None:
        ids = [int(i) for i in unit.path.strip("/").split("/") if i]
        names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
        crumbs = [(i, names.get(i, "?")) for i in ids]
    courses = db.session.execute(
        select(Course.id, Course.title).where(Course.retired_at.is_(None)).order_by(Course.title)
    ).all()
    return {
        "unit": unit,
        "crumbs": crumbs,
        "filters": filters,
        "report": report,
        "courses": courses,
        "position_types": POSITION_TYPES,
        "ranks": services.ranks(unit),
        "province_allowed": can(current_user, "reports.province"),
        "today": wib_today(),
        "jp_target": jp_rule.PNS_TARGET,
        "jp_ceiling": jp_rule.PPPK_CEILING,
    }


def report_url(endpoint: str, unit: Unit | None, **args) -> str:
    """URL of a report for ``unit`` (or the province), keeping the current filters."""
    keep = {k: v for k, v in request.args.items() if k not in {"page", *args}}
    keep.update({k: v for k, v in args.items() if v is not None})
    if unit is not None:
        return url_for(endpoint, unit_id=unit.id, **keep)
    return url_for(endpoint, **keep)


def export_url(report: str, fmt: str, unit: Unit | None) -> str:
    keep = {k: v for k, v in request.args.items() if k != "page"}
    if unit is not None:
        return url_for("reports.export", unit_id=unit.id, report=report, fmt=fmt, **keep)
    return url_for("reports.export", report=report, fmt=fmt, **keep)


bp.add_app_template_global(report_url, "report_url")
bp.add_app_template_global(export_url, "export_url")


# -- pages ----------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    """The reports menu: the province for HR and admin, one's own unit for a unit head."""
    authorize("reports.view")
    if can(current_user, "reports.province"):
        return redirect(url_for("reports.units"))
    top = min(headed_paths(current_user), key=len)
    return redirect(url_for("reports.units", unit_id=int(top.strip("/").split("/")[-1])))


@bp.route("/units/", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>")
@login_required
def units(unit_id: int | None):
    """By unit: each sub-unit with its whole subtree, a total, and the charts."""
    unit = _scope(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    rows, total = services.unit_report(unit, filters, today, _("Langsung di unit ini"))
    sort, desc = _sort(services.SORT_KEYS)
    rows = services.sort_rows(rows, sort, desc)
    bars = [(r.name, r.completion_pct) for r in rows if r.key is not None][:40]
    return render_template(
        "reports/units.html",
        page=page_of(rows),
        total=total,
        sort=sort,
        desc=desc,
        bar=charts.bar_chart(bars, _("Persentase penyelesaian per unit"), "bar-units"),
        line=charts.line_chart(
            services.completions_by_month(unit, filters),
            _("Kursus diselesaikan per bulan"),
            "line-units",
        ),
        **_context(unit, filters, "units"),
    )


@bp.route("/courses/", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>/courses")
@login_required
def courses(unit_id: int | None):
    """By course: the same figures per course, with quiz pass rate and attempts."""
    unit = _scope(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    rows, total = services.course_report(unit, filters, today)
    sort, desc = _sort(services.SORT_KEYS)
    return render_template(
        "reports/courses.html",
        page=page_of(services.sort_rows(rows, sort, desc)),
        total=total,
        sort=sort,
        desc=desc,
        **_context(unit, filters, "courses"),
    )


@bp.route("/people/", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>/people")
@login_required
def people(unit_id: int | None):
    """The people of a unit and its sub-units, each with their figures (audited)."""
    unit = _scope(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    sort, desc = _sort(services.PEOPLE_SORT)
    page = page_query(services.people_query(unit, filters, today, sort, desc))
    _audit("reports.people.view", unit, filters, page=page.page, rows=len(page.items))
    return render_template(
        "reports/people.html", page=page, sort=sort, desc=desc, **_context(unit, filters, "people")
    )


@bp.route("/jp/", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>/jp")
@login_required
def jp(unit_id: int | None):
    """JP by each person's rule: PNS against the yearly 20 (who is below, audited), PPPK per
    contract year against the ceiling of 24; per unit and as a distribution."""
    unit = _scope(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    rows, total, buckets = jp_report.jp_report(unit, filters, _("Langsung di unit ini"))
    sort, desc = _sort(("name", "unit", "jp", "nip"), default="jp")
    page = page_query(jp_report.below_target_query(unit, filters, sort, desc))
    _audit("reports.jp.view", unit, filters, page=page.page, rows=len(page.items))
    return render_template(
        "reports/jp.html",
        rows=sorted(rows, key=lambda r: r.name.casefold()),
        total=total,
        page=page,
        sort=sort,
        desc=desc,
        histogram=charts.histogram(buckets["PNS"], _("Sebaran JP PNS"), "hist-jp"),
        histogram_pppk=charts.histogram(
            buckets["PPPK"], _("Sebaran JP PPPK"), "hist-jp-pppk", warn=0
        ),
        **_context(unit, filters, "jp"),
    )


@bp.route("/actions/", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>/actions")
@login_required
def actions(unit_id: int | None):
    """Action plans per unit (sub-units rolled up): items by status, overdue, average progress."""
    unit = _scope(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    program = request.args.get("program", type=int)
    rows = action_rows(unit, today, program)
    return render_template(
        "reports/actions.html",
        rows=rows,
        programs=action_services.programs(),
        program=program,
        **_context(unit, filters, "actions"),
    )


def action_rows(unit: Unit | None, today: date, program_id: int | None = None):
    """The unit itself and its direct sub-units (the OPDs for the province), rolled up."""
    if unit is None:
        ids = list(db.session.scalars(select(Unit.id).where(Unit.parent_id.is_(None))))
    else:
        ids = [unit.id, *db.session.scalars(select(Unit.id).where(Unit.parent_id == unit.id))]
    rows = action_queries.rollups(today, unit_ids=ids, program_id=program_id)
    first = [r for r in rows if unit is not None and r.unit_id == unit.id]
    return first + sorted(
        (r for r in rows if unit is None or r.unit_id != unit.id), key=lambda r: r.name.casefold()
    )


def _person_actions(user: User, today: date) -> dict:
    """The action items a person owns or co-owns, for their person report."""
    return {"items": action_queries.my_items(user, include_closed=True), "today": today}


#: Extra sections of the person report: (template, function(user, today) -> context).
PERSON_SECTIONS: list[tuple[str, Callable[[User, date], dict]]] = [
    ("reports/_person_actions.html", _person_actions)
]


@bp.route("/person/<int:user_id>")
@login_required
def person(user_id: int):
    """One person: courses, progress, scores, certificates, and JP by the rule of their status:
    per calendar year against 20 (PNS), per contract year against the ceiling of 24 (PPPK)."""
    user = db.session.get(User, user_id) or abort(404)
    authorize("reports.person", user)
    today = wib_today()
    record(current_user, "reports.person.view", target=f"user:{user.id}", ip=request.remote_addr)
    db.session.commit()
    sections = [(template, fn(user, today)) for template, fn in PERSON_SECTIONS]
    return render_template(
        "reports/person.html",
        person=user,
        rows=services.person_courses(user, today),
        periods=jp_rule.periods(user, today, jp_rule.completions(user.id)),
        by_contract=jp_rule.by_contract(user),
        today=today,
        status_labels=STATUS_LABELS,
        sections=sections,
    )


# -- exports --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """An exportable report: its title, whether it names people, its columns and rows."""

    title: object
    personal: bool
    columns: Callable[[], list[Column]]
    rows: Callable[[Unit | None, Filters, date], Iterable[Iterable]]


def _figure_columns(first: str) -> list[Column]:
    return [
        Column(first, 40),
        Column(_("Pegawai"), 10),
        Column(_("Kursus diikuti/ditugaskan"), 12),
        Column(_("Ditugaskan"), 12),
        Column(_("Belum mulai"), 12),
        Column(_("Sedang berjalan"), 12),
        Column(_("Selesai"), 10),
        Column(_("Lewat tenggat"), 12),
        Column(_("Penyelesaian (%)"), 14),
        Column(_("Rata-rata nilai terbaik"), 14),
        Column(_("JP periode"), 10),
        Column(_("Menunggu penilaian"), 12),  # last: the earlier columns keep their places
    ]


def _figure_values(r: services.Figures) -> list:
    return [
        r.name,
        r.people,
        r.pairs,
        r.assigned,
        r.not_started,
        r.in_progress,
        r.completed,
        r.overdue,
        r.completion_pct,
        r.avg_score,
        r.jp,
        r.awaiting_grade,
    ]


def _unit_rows(unit, filters, today):
    rows, total = services.unit_report(unit, filters, today, _("Langsung di unit ini"))
    for r in services.sort_rows(rows, "name", False):
        yield _figure_values(r)
    total.name = _("Jumlah")
    yield _figure_values(total)


def _course_columns() -> list[Column]:
    return [
        *_figure_columns(_("Kursus")),
        Column(_("Tingkat kelulusan kuis (%)"), 14),
        Column(_("Rata-rata percobaan"), 12),
    ]


def _course_rows(unit, filters, today):
    rows, _total = services.course_report(unit, filters, today)
    for r in services.sort_rows(rows, "name", False):
        yield [*_figure_values(r), r.pass_rate, r.avg_attempts]


def _people_columns() -> list[Column]:
    return [
        *person_columns(),
        Column(_("Kursus diikuti/ditugaskan"), 12),
        Column(_("Ditugaskan"), 11),
        Column(_("Belum mulai"), 11),
        Column(_("Sedang berjalan"), 11),
        Column(_("Selesai"), 9),
        Column(_("Lewat tenggat"), 11),
        Column(_("Penyelesaian (%)"), 13),
        Column(_("JP periode"), 10),
    ]


def _people_rows(unit, filters, today):
    query = services.people_query(unit, filters, today, "unit", False)
    for r in services.stream(query):
        yield [
            r.nip, r.full_name, r.position, r.position_type, r.rank, r.unit, r.pairs,
            r.assigned, r.not_started, r.in_progress, r.completed, r.overdue,
            None if r.completion_pct is None else round(r.completion_pct, 1), r.jp,
        ]  # fmt: skip


def _jp_columns() -> list[Column]:
    return [
        *person_columns(),
        Column(_("Status kepegawaian"), 10),
        Column(_("JP periode"), 10),
        Column(_("Kekurangan JP"), 12),
    ]


def _jp_rows(unit, filters, today):
    query = jp_report.below_target_query(unit, filters, "unit", False)
    for r in services.stream(query):
        yield [
            r.nip, r.full_name, r.position, r.position_type, r.rank, r.unit, r.employment, r.jp,
            r.short,
        ]  # fmt: skip


def _jp_all_columns() -> list[Column]:
    return [
        *person_columns(),
        Column(_("Status kepegawaian"), 10),
        Column(_("Awal kontrak PPPK"), 14),
        Column(_("Periode dari"), 12),
        Column(_("Periode sampai"), 12),
        Column(_("JP periode"), 10),
        Column(_("Aturan"), 24),
        Column(_("Kekurangan JP (PNS)"), 12),
    ]


def _jp_all_rows(unit, filters, today):
    target = _("Target paling sedikit %(n)d JP", n=jp_rule.PNS_TARGET)
    ceiling = _("Batas paling banyak %(n)d JP", n=jp_rule.PPPK_CEILING)
    for r in services.stream(jp_report.everyone_query(unit, filters)):
        start, last = jp_report.period_of(r, filters)
        pppk = r.employment == jp_rule.PPPK
        short = None if pppk else max(jp_rule.PNS_TARGET - r.jp, 0)
        yield [
            r.nip, r.full_name, r.position, r.position_type, r.rank, r.unit, r.employment,
            r.contract_start, start, last, r.jp, ceiling if pppk else target, short,
        ]  # fmt: skip


def _enrolment_columns() -> list[Column]:
    return [
        Column(_("NIP"), 20),
        Column(_("Nama"), 32),
        Column(_("Jenis jabatan"), 14),
        Column(_("Golongan"), 9),
        Column(_("Unit kerja"), 36),
        Column(_("Kursus"), 36),
        Column(_("Status"), 16),
        Column(_("Tenggat"), 12),
        Column(_("Tanggal selesai"), 14),
        Column(_("Nilai terbaik"), 10),
        Column(_("Percobaan"), 10),
        Column(_("JP periode"), 10),
    ]


def _enrolment_rows(unit, filters, today):
    labels = {k: str(v) for k, v in STATUS_LABELS.items()}
    for r in services.stream(services.enrolment_rows(unit, filters, today)):
        status = services.status_of(r._mapping, today)
        yield [
            r.nip, r.full_name, r.position_type, r.rank, r.unit, r.course, labels[status],
            r.deadline, r.completed_on, r.best, r.attempts, r.jp,
        ]  # fmt: skip


def _action_export_rows(unit, filters, today):
    for r in action_rows(unit, today, request.args.get("program", type=int)):
        yield rollup_values(r)


#: Every exportable report by name.
REPORTS: dict[str, Report] = {
    "units": Report(
        _l("Laporan per unit"), False, lambda: _figure_columns(_("Unit kerja")), _unit_rows
    ),
    "courses": Report(_l("Laporan per kursus"), False, _course_columns, _course_rows),
    "people": Report(_l("Laporan per pegawai"), True, _people_columns, _people_rows),
    "jp": Report(_l("PNS di bawah 20 JP"), True, _jp_columns, _jp_rows),
    "jp_all": Report(_l("JP pegawai menurut status"), True, _jp_all_columns, _jp_all_rows),
    "enrolments": Report(_l("Pegawai x kursus"), True, _enrolment_columns, _enrolment_rows),
    "actions": Report(_l("Rencana aksi per unit"), False, rollup_columns, _action_export_rows),
}


@bp.route("/export/<report>.<any(csv, xlsx):fmt>", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>/export/<report>.<any(csv, xlsx):fmt>")
@login_required
def export(report: str, fmt: str, unit_id: int | None):
    """Any report as CSV (streamed) or XLSX; audited, like the pages."""
    unit = _scope(unit_id)
    spec = REPORTS.get(report) or abort(404)
    today = wib_today()
    filters = parse_filters(today)
    _audit(f"reports.{report}.export", unit, filters, format=fmt, personal=spec.personal)
    name = f"sinau-{report}-{unit.id if unit else 'provinsi'}-{today.isoformat()}"
    return respond(fmt, name, spec.columns(), spec.rows(unit, filters, today), str(spec.title))


@bp.route("/person/<int:user_id>.<any(csv, xlsx):fmt>")
@login_required
def person_export(user_id: int, fmt: str):
    """One person's courses as CSV or XLSX (audited)."""
    user = db.session.get(User, user_id) or abort(404)
    authorize("reports.person", user)
    today = wib_today()
    record(
        current_user,
        "reports.person.export",
        target=f"user:{user.id}",
        ip=request.remote_addr,
        format=fmt,
    )
    db.session.commit()
    columns = [
        Column(_("NIP"), 20),
        Column(_("Nama"), 32),
        Column(_("Kursus"), 36),
        Column(_("Status"), 16),
        Column(_("Progres (%)"), 10),
        Column(_("Tenggat"), 12),
        Column(_("Tanggal selesai"), 14),
        Column(_("Nilai terbaik"), 10),
        Column(_("Percobaan"), 10),
        Column(_("JP"), 8),
        Column(_("Kode sertifikat"), 22),
    ]
    rows = (
        [
            user.nip,
            user.full_name,
            r["title"],
            str(STATUS_LABELS[r["status"]]),
            r["progress"],
            r["deadline"],
            r["completed_on"],
            r["best"],
            r["attempts"],
            r["jp_earned"] or 0,
            r["code"] if r["code"] and not r["revoked_at"] else "",
        ]
        for r in services.person_courses(user, today)
    )
    return respond(fmt, f"sinau-pegawai-{user.id}-{today.isoformat()}", columns, rows, "Pegawai")


__all__ = ["PERSON_SECTIONS", "REPORTS", "Report", "bp", "utcnow"]
