"""The action plans' blueprint, shared by views.py, item_views.py, import_views.py and
program_views.py (one blueprint: endpoint names such as ``actions.import_upload`` stay the same)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from lms.actions.services import ActionError
from lms.extensions import db

bp = Blueprint("actions", __name__, url_prefix="/actions", template_folder="templates")


@bp.errorhandler(ActionError)
def action_error(error: ActionError):
    """A change to an item that the plan refuses: nothing saved, the reason shown on the item.

    For the steps with no form to show again (a comment, a review). The item form, a progress
    report and an import catch :class:`ActionError` themselves, to keep what was typed or to send
    the person back to the upload.
    """
    db.session.rollback()
    flash(str(error), "error")
    item_id = (request.view_args or {}).get("item_id")
    if item_id is None:
        return redirect(url_for("actions.index"))
    return redirect(url_for("actions.item", item_id=item_id))
