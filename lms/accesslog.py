"""Access logs without query strings: a search for a NIP or an email must not be written to disk.

Every URL may carry personal data after its ``?`` (``/admin/users?q=<NIP>``, a login page's
``next=``), so the logs keep only the path. gunicorn gets that from ``gunicorn.conf.py``
(``access_log_format`` with ``%(U)s``, the path alone, and no referrer); ``flask run``'s
development server logs through the ``werkzeug`` logger, which gets ``QueryStringFilter``.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

#: A query string inside a logged request line: from ``?`` up to a space, a quote or an ANSI
#: colour escape (werkzeug colours the request line in a terminal).
_QUERY = re.compile(r"\?[^\s\"'\x1b]*")


def strip_query(text: str) -> str:
    """``text`` with the query string of every URL in it removed."""
    return _QUERY.sub("", text)


class QueryStringFilter(logging.Filter):
    """Rewrites each record of the development server's log without query strings."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = strip_query(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def init_app(app: Flask) -> None:
    """Install the filter on werkzeug's logger (once per process, however many apps)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, QueryStringFilter) for f in logger.filters):
        logger.addFilter(QueryStringFilter())
