"""gunicorn settings for Sinau (read from the working directory; README, "Production deployment").

The access log keeps the method, the path without its query string (``%(U)s``), the status,
the size, the time taken and the browser, but no query string and no referrer: a search for a
NIP or an email (``/admin/users?q=...``) or a ``next=`` link would otherwise be written to disk.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)s "%(a)s"'
