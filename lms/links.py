"""Absolute addresses, for the places that print one (certificates, their PDF, emails).

Inside a request the address is built on the host the person is using, so a page never shows
an address other than the one in their address bar (``PORT=5311 make run`` once printed
``http://127.0.0.1:5000/...`` on certificates). Outside a request (the scheduler's emails, the
command line) there is no such host: ``LMS_BASE_URL`` says where Sinau is reached.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def external_url(path: str) -> str:
    """``path`` as an absolute address.

    In a request, ``path`` comes from ``url_for`` (mount point included) and goes on the
    request's host; its scheme is the request's, or ``LMS_BASE_URL``'s when that names the same
    host (so https survives a TLS proxy that forwards plain http). Outside a request, ``path``
    goes after ``LMS_BASE_URL``.
    """
    configured = current_app.config["BASE_URL"]
    if not has_request_context():
        return configured + path
    parts = urlsplit(configured)
    same_host = parts.netloc.lower() == request.host.lower()
    scheme = parts.scheme if same_host and parts.scheme else request.scheme
    return f"{scheme}://{request.host}{path}"
