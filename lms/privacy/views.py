"""Data saya: a person downloads a copy of all Sinau holds about them (UU 27/2022 Pasal 7)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, send_file
from flask_login import current_user, login_required

from lms.accounts.forms import ConfirmForm
from lms.audit.services import record
from lms.extensions import client_address, db
from lms.i18n import utcnow, wib_today
from lms.policy import authorize
from lms.privacy import registry
from lms.privacy.services import build_export

bp = Blueprint("privacy", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Load every feature's personal data provider (``lms/<feature>/privacy.py``)."""
    registry.discover()


@bp.route("/account/data", methods=["POST"])
@login_required
def export():
    """Data saya: one ZIP (data.json, ringkasan.html, bukti/) of the signed-in person's data."""
    authorize("account.export_own")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    now = utcnow()
    user = current_user._get_current_object()
    result = build_export(user, now)
    record(
        user,
        "privacy.export",
        f"user:{user.id}",
        now=now,
        ip=client_address(),
        parts=result.parts,
        files=result.files,
        missing_files=result.missing_files,
        bytes=result.size,
    )
    db.session.commit()
    response = send_file(
        result.file,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"data-saya-sinau-{wib_today(now):%Y%m%d}.zip",
        max_age=0,
        etag=False,
        last_modified=None,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
