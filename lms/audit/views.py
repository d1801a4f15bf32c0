"""The audit page: administrators filter the log (who, what, whom, when) and export it.

Looking at the log, and exporting it, are events in the log too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import false, select

from lms.accounts.models import User
from lms.audit import permissions as _permissions  # noqa: F401 - registers the audit rules
from lms.audit import services
from lms.audit.forms import AuditFilterForm
from lms.audit.models import AuditEvent
from lms.extensions import client_address, db
from lms.i18n import WIB, wib_today
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.main.views import NAV
from lms.pagination import paginate
from lms.policy import authorize
from lms.reports.exports import Column, respond

bp = Blueprint("audit", __name__, template_folder="templates")

NAV.append(("audit.index", _l("Jejak audit"), "audit.view"))


def _utc(day) -> datetime:
    """Midnight WIB of ``day``, as naive UTC (how events store their time)."""
    return datetime.combine(day, time(), tzinfo=WIB).astimezone(UTC).replace(tzinfo=None)


def _filters(form: AuditFilterForm) -> dict | None:
    """The validated filter as ``services.event_query`` arguments; None when it is invalid."""
    if not form.validate():
        return None
    data = form.data
    return {
        "actor_id": data["actor"],
        "action": (data["action"] or "").strip() or None,
        "target": (data["target"] or "").strip() or None,
        "since": data["date_from"] and _utc(data["date_from"]),
        "until": data["date_to"] and _utc(data["date_to"] + timedelta(days=1)),
    }


def _described(filters: dict | None) -> dict:
    """The filter as written to the log (times as ISO text)."""
    if filters is None:
        return {"invalid_filter": True}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in filters.items() if v}


def _events(filters: dict | None):
    """The filtered events; none for an invalid filter (its errors are shown instead)."""
    if filters is None:
        return services.event_query().where(false())
    return services.event_query(**filters)


@bp.route("/admin/audit")
@login_required
def index():
    """The log, newest first, filtered by who, what, whom and when."""
    authorize("audit.view")
    form = AuditFilterForm(request.args)
    filters = _filters(form)
    page = paginate(_events(filters))
    ids = {e.actor_id for e in page.items if e.actor_id}
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
    services.record(
        current_user,
        "audit.view",
        "audit",
        ip=client_address(),
        page=page.page,
        rows=len(page.items),
        filter=_described(filters),
    )
    db.session.commit()
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        names=names,
        query_args={k: v for k, v in request.args.items() if k != "page"},
    )


def _export_columns() -> list[Column]:
    return [
        Column(_("Nomor urut"), 10),
        Column(_("Waktu (WIB)"), 17),
        Column(_("Nomor akun pelaku"), 12),
        Column(_("Pelaku"), 30),
        Column(_("Tindakan"), 28),
        Column(_("Sasaran"), 20),
        Column(_("Rincian"), 50),
        Column(_("Alamat IP"), 16),
        Column(_("Hash sebelumnya"), 66),
        Column(_("Hash"), 66),
    ]


def _export_rows(filters: dict | None):
    query = _events(filters).add_columns(User.full_name)
    query = query.outerjoin(User, User.id == AuditEvent.actor_id)
    for event, name in db.session.execute(query.execution_options(yield_per=1000)):
        yield (
            event.seq,
            event.at,
            event.actor_id,
            name,
            event.action,
            event.target,
            json.dumps(event.details, sort_keys=True, ensure_ascii=False),
            event.ip,
            event.prev_hash,
            event.hash,
        )


@bp.route("/admin/audit/export.<any(csv, xlsx):fmt>")
@login_required
def export(fmt: str):
    """The filtered log as CSV or XLSX, with each event's hashes (to check a copy later)."""
    authorize("audit.view")
    filters = _filters(AuditFilterForm(request.args))
    services.record(
        current_user, "audit.export", "audit", ip=client_address(), format=fmt,
        filter=_described(filters),
    )  # fmt: skip
    db.session.commit()
    name = f"sinau-jejak-audit-{wib_today().isoformat()}"
    return respond(fmt, name, _export_columns(), _export_rows(filters), _("Jejak audit"))
