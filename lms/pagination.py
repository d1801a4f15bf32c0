"""Pagination of list and report pages, and the ids their filters take from the query string.

``?page=`` is a whole number from 1 up to the last page; page 1 always exists, even for an
empty list. Anything else (``0``, ``-1``, ``abc``, ``2.5``, a page past the end, an absurd
``99999999999999999999``) answers 404, never a database error or a silently different page.
"""

from __future__ import annotations

import re

from flask import abort, current_app, request
from flask_sqlalchemy.pagination import Pagination

from lms.extensions import db

#: No list has this many pages; larger numbers are refused before any query (an OFFSET that
#: large overflows SQLite's and PostgreSQL's 64-bit integers).
MAX_PAGE = 10**9
_DIGITS = re.compile(r"[0-9]{1,10}")


_ID = re.compile(r"[0-9]{1,9}")


def id_arg(name: str) -> int | None:
    """A filter's id from the query string (``?course=3``); None, meaning no filter, for
    anything else: empty, not a number, or too long for a database id (a longer number would
    overflow the integer column and answer 500)."""
    raw = request.args.get(name, "").strip()
    return int(raw) if _ID.fullmatch(raw) else None


def page_number() -> int:
    """``?page=`` as a number from 1 (1 when absent or empty); 404 for anything that is not."""
    raw = request.args.get("page", "").strip()
    if not raw:
        return 1
    if not _DIGITS.fullmatch(raw):
        abort(404)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def check_page(page: int, pages: int) -> None:
    """404 for a page past the last one (``pages``); page 1 of an empty list is fine."""
    if page > max(pages, 1):
        abort(404)


def paginate(query, per_page: int | None = None) -> Pagination:
    """One page of ``query`` (a select), the page number taken from ``?page=``; 404 past the end."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = db.paginate(query, page=page_number(), per_page=per_page, max_per_page=200)
    check_page(page.page, page.pages)
    return page
