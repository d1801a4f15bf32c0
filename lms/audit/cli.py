"""``flask lms audit ...``: checking the audit log's hash chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.audit.services import verify

audit_cli = AppGroup("audit", help="Jejak audit: periksa bahwa log tidak diubah.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every event's hash in order; exit 1 at the first altered or missing event."""
    verdict = verify()
    if verdict.ok:
        click.echo(f"Jejak audit utuh: {verdict.checked} event diperiksa.")
        return
    click.echo(
        f"Jejak audit RUSAK: {verdict.problem} ({verdict.checked} event sebelumnya utuh).",
        err=True,
    )
    raise SystemExit(1)
