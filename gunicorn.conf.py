"""gunicorn settings for Sinau (read from the working directory; README, "Production deployment").

The access log keeps the method, the path without its query string (``%(U)s``), the status,
the size, the time taken and the browser, but no query string and no referrer: a search for a
NIP or an email (``/admin/users?q=...``) or a ``next=`` link would otherwise be written to disk.

Workers: gthread, one process per core (``WEB_CONCURRENCY`` to change) with 4 threads each. A
sign-in is CPU work (one Argon2id check, about 21-25 ms of CPU), so during a morning rush no worker
class keeps the other pages fast by itself. On this 2-core machine, shared with other work
(``bench/bench_signin_rush.py``, PostgreSQL, 16 clients signing in, 4 reading the dashboard, two
rounds, 2026-11-30), the dashboard got 4.4-4.5 pages/s during the rush with sync x 2, 5.6-6.2 with
sync x 4 and 4.0-5.3 with gthread 2 x 4, while sign-ins ran at 6.9-7.3, 7.0-8.1 and 9.7-12.1 a
second. gthread is chosen because it signed in fastest and a slow client holds one thread, not a
whole process. What kept pages fast was a pool of its own for ``/login`` (README, "Workers and a
sign-in rush"): 14.6-23.4 pages/s, p50 0.16-0.24 s against 0.5-1 s.
"""

import os

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)s "%(a)s"'

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
threads = 4
