"""``flask lms remind`` (once, for cron and tests) and ``flask lms scheduler`` (the process)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.i18n import utcnow


def _parse_now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-01T07:00+07:00") from None
    if moment.tzinfo is None:
        from lms.i18n import WIB

        moment = moment.replace(tzinfo=WIB)  # a bare time is read as WIB, as people mean it
    return moment.astimezone(UTC).replace(tzinfo=None)


@click.command("remind")
@click.option("--now", "now_text", help="Run as if it were this moment (ISO 8601; WIB if no zone).")
@with_appcontext
def remind_command(now_text: str | None) -> None:
    """Run the reminder rules and send due email once."""
    from lms.reminders.services import remind_all

    result = remind_all(_parse_now(now_text))
    failed = result.pop("failed", {})
    click.echo(json.dumps(result, ensure_ascii=False, sort_keys=True))
    if failed:
        # One line, no traceback: what failed and whether job_runs holds it.
        parts = [
            f"{job}: {f['error']}"
            + ("" if f["recorded"] else " (belum tercatat: database tidak menjawab)")
            for job, f in failed.items()
        ]
        click.echo("Gagal: " + "; ".join(parts), err=True)
        raise SystemExit(1)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in this process (one process only; never inside web workers)."""
    from lms.reminders.scheduler import build_scheduler

    scheduler = build_scheduler(current_app._get_current_object())
    click.echo("Penjadwal Sinau berjalan (Asia/Jakarta). Tekan Ctrl+C untuk berhenti.")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
