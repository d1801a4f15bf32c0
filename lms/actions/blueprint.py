"""The action plans' blueprint, shared by views.py, import_views.py and program_views.py (one
blueprint: endpoint names such as ``actions.import_upload`` stay the same)."""

from __future__ import annotations

from flask import Blueprint, abort

from lms.extensions import db

bp = Blueprint("actions", __name__, url_prefix="/actions", template_folder="templates")


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj
