"""The reports blueprint and what every report route reads from its request: the unit asked
about (403 unless the person may see it), the filters, the sort, the audit record, and the
URLs that keep the filters. Pages are in :mod:`lms.reports.views`, exports in
:mod:`lms.reports.downloads`; both register on :data:`bp`.
"""

from __future__ import annotations

import functools
from datetime import date
from urllib.parse import quote_plus

from flask import Blueprint, abort, current_app, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.models import POSITION_TYPES
from lms.actions import queries as action_queries
from lms.audit.services import record
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.pagination import id_arg
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


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


def parse_filters(today: date) -> Filters:
    """Filters from the query string; anything malformed is ignored, never an error page."""
    year = id_arg("year")  # a number that fits; the range is checked below
    position_type = request.args.get("position_type") or None
    return Filters(
        year=year if year and 2000 <= year <= 2100 else today.year,
        course_id=id_arg("course"),
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
    return _url(endpoint, {"unit_id": unit.id} if unit is not None else {}, keep)


def export_url(report: str, fmt: str, unit: Unit | None) -> str:
    """URL of ``report``'s export as ``fmt`` for ``unit``, keeping the current filters."""
    keep = {k: v for k, v in request.args.items() if k != "page"}
    path_args = {"unit_id": unit.id} if unit is not None else {}
    return _url("reports.export", {**path_args, "report": report, "fmt": fmt}, keep)


def here_url(endpoint: str, **path_args) -> str:
    """A link to another unit's report (crumbs, a table's units) that keeps this page's
    filters and sort, from its first page: that unit may not have this page's page number."""
    return _url(endpoint, path_args, {k: v for k, v in request.args.items() if k != "page"})


def sort_url(key: str, desc: bool) -> str:
    """This page sorted by ``key`` (from its first page), keeping the filters: what a report
    table's column headers link to."""
    args = {**request.args.to_dict(), "sort": key, "dir": "desc" if desc else "asc", "page": 1}
    return _url(request.endpoint, request.view_args, args)


def _url(endpoint: str, path_args: dict, query: dict) -> str:
    """What ``url_for(endpoint, **path_args, **query)`` gives, for a relative URL.

    url_for matches the rule again on every call, and a report page links a dozen headers,
    its tabs, crumbs and exports (a sixth of a unit report's time): the path is built once
    per process (by root path, endpoint and path arguments) and the query encoded as url_for
    encodes it. A query naming an argument of the rule goes to url_for itself, and so does
    every link once the app has a ``url_defaults`` function (it may add to any URL, per
    request: a path kept per process would leave it out)."""
    if query.keys() & _rule_arguments(endpoint) or any(current_app.url_default_functions.values()):
        return url_for(endpoint, **{**path_args, **query})
    path = _path(request.root_path, endpoint, tuple(path_args.items()))
    parts = [_pair(name, str(value)) for name, value in query.items() if value is not None]
    return f"{path}?{'&'.join(parts)}" if parts else path


@functools.lru_cache(maxsize=4096)
def _path(_root: str, endpoint: str, path_args: tuple) -> str:
    return url_for(endpoint, **dict(path_args))


@functools.lru_cache(maxsize=256)
def _rule_arguments(endpoint: str) -> frozenset[str]:
    return frozenset().union(*(r.arguments for r in current_app.url_map.iter_rules(endpoint)))


@functools.lru_cache(maxsize=1024)
def _pair(name: str, value: str) -> str:
    """``name=value`` encoded as werkzeug encodes a query (after the WHATWG URL spec)."""
    return f"{quote_plus(name, safe=URL_SAFE)}={quote_plus(value, safe=URL_SAFE)}"


#: Characters url_for leaves unescaped in a query (werkzeug.urls).
URL_SAFE = "!$'()*,/:;?@"

bp.add_app_template_global(report_url, "report_url")
bp.add_app_template_global(export_url, "export_url")
bp.add_app_template_global(sort_url, "sort_url")
bp.add_app_template_global(here_url, "here_url")


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
