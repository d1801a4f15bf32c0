"""Running a reminder run's independent parts side by side, each on its own connection.

A province's reminder run is mostly PostgreSQL writing rows (hundreds of thousands of reminders,
their emails, new enrolments): on one connection that uses one of the database's cores. The
engine (:func:`lms.reminders.services.run_rules`) hands independent rules, and the parts of a
step that can be split, to :func:`side_by_side` on PostgreSQL; SQLite lets one writer in at a
time, so there everything runs one after another.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from contextvars import copy_context
from queue import Empty, Queue

from flask import current_app

from lms.extensions import db
from lms.sql import rollback_quietly


def side_by_side(tasks: list[tuple[object, Callable[[], int]]], connections: int) -> dict:
    """Run ``tasks`` (name, fn) on ``connections`` threads, each with its own app context (so
    its own session and connection), taking the next task in order when one is done; return
    {name: what fn returned}. Each thread runs in a copy of this run's context, so what
    :func:`once_per_run` computed is shared. The first failure is raised once every thread has
    stopped."""
    app = current_app._get_current_object()
    pending = Queue()
    for task in tasks:
        pending.put(task)
    results: dict = {}

    def work() -> None:
        with app.app_context():
            try:
                while True:
                    try:
                        name, fn = pending.get_nowait()
                    except Empty:
                        return
                    results[name] = fn()
            except BaseException:
                rollback_quietly()
                while not pending.empty():  # the run failed: the other threads stop too
                    with suppress(Empty):
                        pending.get_nowait()
                raise
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=connections, thread_name_prefix="reminders") as pool:
        runs = [pool.submit(copy_context().run, work) for _ in range(connections)]
    for run in runs:
        run.result()
    return results
