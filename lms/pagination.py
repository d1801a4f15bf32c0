"""Pagination of list and report pages."""

from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from lms.extensions import db


def paginate(query, per_page: int | None = None) -> Pagination:
    """One page of ``query`` (a select), the page number taken from ``?page=``."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    return db.paginate(query, per_page=per_page, max_per_page=200, error_out=False)
