"""The action plans' blueprint, shared by views.py, item_views.py, import_views.py and
program_views.py (one blueprint: endpoint names such as ``actions.import_upload`` stay the same)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions", template_folder="templates")
