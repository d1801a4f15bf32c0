"""The reports blueprint and what every report route reads from its request: the unit asked
about (403 unless the person may see it), the filters, the sort, the audit record, and the
URLs that keep the filters. Pages are in :mod:`lms.reports.views`, exports in
:mod:`lms.reports.downloads`; both register on :data:`bp`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, abort, g, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.models import POSITION_TYPES
from lms.actions import queries as action_queries
from lms.audit.services import record
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.policy import authorize
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


def sort_args(allowed, default: str = "name") -> tuple[str, bool]:
    """The sort key (one of ``allowed``, else ``default``) and whether it is descending."""
    sort = request.args.get("sort", default)
    return (sort if sort in allowed else default), request.args.get("dir") == "desc"


def scope_of(unit_id: int | None) -> Unit | None:
    """The unit a report is about (403 unless the person may see it); None: the province."""
    if unit_id is None:
        authorize("reports.province")
        return None
    unit = db.session.get(Unit, unit_id) or abort(404)
    authorize("reports.view", unit)
    return unit


def audit_view(action: str, unit: Unit | None, filters: Filters | None, **details) -> None:
    """Write a report view or export to the audit log, with its scope and filters; commit."""
    record(
        current_user,
        action,
        target=f"unit:{unit.id}" if unit else "province",
        ip=request.remote_addr,
        filters=filters.as_dict() if filters else {},
        **details,
    )
    db.session.commit()


def report_url(endpoint: str, unit: Unit | None, **args) -> str:
    """URL of a report for ``unit`` (or the province), keeping the current filters."""
    keep = {k: v for k, v in request.args.items() if k not in {"page", *args}}
    keep.update({k: v for k, v in args.items() if v is not None})
    if unit is not None:
        return url_for(endpoint, unit_id=unit.id, **keep)
    return url_for(endpoint, **keep)


def export_url(report: str, fmt: str, unit: Unit | None) -> str:
    """URL of ``report``'s export as ``fmt`` for ``unit``, keeping the current filters."""
    keep = {k: v for k, v in request.args.items() if k != "page"}
    if unit is not None:
        return url_for("reports.export", unit_id=unit.id, report=report, fmt=fmt, **keep)
    return url_for("reports.export", report=report, fmt=fmt, **keep)


def sort_url(key: str, desc: bool) -> str:
    """This page sorted by ``key`` (from its first page), keeping the filters: what a report
    table's column headers link to. The path is built once per page, not once per column
    (url_for's rule building was a sixth of a unit report's time), and kept by endpoint and
    path arguments (``g`` outlives a request under a test client's app context); the query is
    encoded as url_for encodes it."""
    args = {**request.args.to_dict(), "sort": key, "dir": "desc" if desc else "asc", "page": 1}
    if request.view_args.keys() & args.keys():  # a query naming a path part: let url_for say
        return url_for(request.endpoint, **{**request.view_args, **args})
    paths = g.setdefault("sort_paths", {})
    key_of_path = (request.endpoint, *request.view_args.items())
    path = paths.get(key_of_path)
    if path is None:
        path = paths[key_of_path] = url_for(request.endpoint, **request.view_args)
    return f"{path}?{urlencode(list(args.items()), safe=URL_SAFE)}"


#: Characters url_for leaves unescaped in a query (werkzeug.urls, after the WHATWG URL spec).
URL_SAFE = "!$'()*,/:;?@"

bp.add_app_template_global(report_url, "report_url")
bp.add_app_template_global(export_url, "export_url")
bp.add_app_template_global(sort_url, "sort_url")


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
