"""Report pages. HR and admin see everything; a unit head sees their units.

Each report is a page function here plus an entry in :data:`lms.reports.downloads.REPORTS` (its
export columns and rows), so another report (the action plans of issue 5) is one more page
function and one more entry. Pages of people (names, NIPs) and every export are written to the
audit log. The blueprint and the request helpers are in :mod:`lms.reports.scope`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import bindparam, func, select

from lms.accounts.models import POSITION_TYPES, User
from lms.actions import queries as action_queries
from lms.actions import services as action_services
from lms.audit.services import record
from lms.courses import jp as jp_rule
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import wib_today
from lms.org.models import Unit
from lms.pagination import check_page, page_number
from lms.policy import authorize, can, headed_paths
from lms.reports import charts, choices, downloads, roster, services
from lms.reports import jp as jp_report
from lms.reports import permissions as _permissions  # noqa: F401 - registers the reports rules
from lms.reports.bound import run
from lms.reports.person import person_courses
from lms.reports.scope import (
    STATUS_LABELS,
    action_rows,
    audit_view,
    bp,
    parse_filters,
    scope_of,
    sort_args,
)
from lms.reports.services import Filters


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


#: The names of a unit and the units above it, for the crumbs (built once).
CRUMBS = select(Unit.id, Unit.name).where(Unit.id.in_(bindparam("ids", expanding=True)))


def _context(unit: Unit | None, filters: Filters, report: str) -> dict:
    """What every report page shows around its table: crumbs, filters, export links."""
    crumbs = []
    if unit is not None:
        ids = [int(i) for i in unit.path.strip("/").split("/") if i]
        names = dict(run(CRUMBS, {"ids": ids}).all())
        crumbs = [(i, names.get(i, "?")) for i in ids]
    return {
        "unit": unit,
        "crumbs": crumbs,
        "filters": filters,
        "report": report,
        "courses": choices.courses(),
        "position_types": POSITION_TYPES,
        "ranks": choices.ranks(unit),
        "province_allowed": can(current_user, "reports.province"),
        "today": wib_today(),
        "jp_target": jp_rule.PNS_TARGET,
        "jp_ceiling": jp_rule.PPPK_CEILING,
    }


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
    unit = scope_of(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    rows, total = services.unit_report(unit, filters, today, _("Langsung di unit ini"))
    sort, desc = sort_args(services.SORT_KEYS)
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
    unit = scope_of(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    rows, total = services.course_report(unit, filters, today)
    sort, desc = sort_args(services.SORT_KEYS)
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
    unit = scope_of(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    sort, desc = sort_args(roster.PEOPLE_SORT)
    page = page_query(roster.people_query(unit, filters, today, sort, desc))
    audit_view("reports.people.view", unit, filters, page=page.page, rows=len(page.items))
    return render_template(
        "reports/people.html", page=page, sort=sort, desc=desc, **_context(unit, filters, "people")
    )


@bp.route("/jp/", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>/jp")
@login_required
def jp(unit_id: int | None):
    """JP by each person's rule: PNS against the yearly 20 (who is below, audited), PPPK per
    contract year against the ceiling of 24; per unit and as a distribution."""
    unit = scope_of(unit_id)
    today = wib_today()
    filters = parse_filters(today)
    rows, total, buckets = jp_report.jp_report(unit, filters, _("Langsung di unit ini"))
    sort, desc = sort_args(("name", "unit", "jp", "nip"), default="jp")
    page = page_query(jp_report.below_target_query(unit, filters, sort, desc))
    audit_view("reports.jp.view", unit, filters, page=page.page, rows=len(page.items))
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
    unit = scope_of(unit_id)
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
        rows=person_courses(user, today),
        periods=jp_rule.periods(user, today, jp_rule.completions(user.id)),
        by_contract=jp_rule.by_contract(user),
        today=today,
        status_labels=STATUS_LABELS,
        sections=sections,
    )


__all__ = ["PERSON_SECTIONS", "bp", "downloads"]
