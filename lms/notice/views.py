"""The privacy notice page, reading it, and showing it first to whoever has not read it."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from lms.accounts.views import safe_next
from lms.extensions import client_address, db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.notice import services
from lms.policy import authorize

bp = Blueprint("notice", __name__, template_folder="templates")

#: Pages a person who has not read the notice may still open: the notice itself, leaving,
#: the language, and whatever a forced password change needs (that comes first).
ALLOWED = {
    "notice.privacy",
    "notice.acknowledge",
    "accounts.logout",
    "accounts.password",
    "main.set_language",
    "main.healthz",
    "static",
    "activation.activate",
    "activation.reset",
}


class AcknowledgeForm(BaseForm):
    """CSRF is all it carries (and where to go next)."""


@bp.route("/privacy")
def privacy():
    """Pemberitahuan privasi (UU 27/2022): who keeps what, why, how long, and your rights."""
    signed_in = current_user.is_authenticated
    return render_template(
        "notice/privacy.html",
        version=services.current_version(),
        unread=signed_in and services.needs_notice(current_user),
        form=AcknowledgeForm(),
        next=safe_next(request.args.get("next")) or "",
        has_endpoint=lambda name: name in current_app.view_functions,
    )


@bp.route("/privacy/acknowledge", methods=["POST"])
def acknowledge():
    """I have read this version of the notice: note when, then carry on where I was going."""
    authorize("account.view_own")
    if not AcknowledgeForm().validate_on_submit():
        abort(400)
    if services.acknowledge(current_user, utcnow(), ip=client_address()):
        db.session.commit()
        flash(_("Terima kasih. Anda dapat membaca pemberitahuan ini lagi kapan saja."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


def init_app(app: Flask) -> None:
    """Before any other page, a person sees the version of the notice they have not read."""

    @app.before_request
    def show_notice_first():
        if (
            request.endpoint in ALLOWED
            or not current_user.is_authenticated
            or current_user.must_change_password  # the password page comes first
            or not services.needs_notice(current_user)
        ):
            return None
        # Back to the page asked for afterwards: its path only (a query string may hold a
        # search for a NIP, which must not travel on into another URL).
        target = request.path if request.method == "GET" else None
        return redirect(url_for("notice.privacy", next=safe_next(target)))
