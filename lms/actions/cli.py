"""``flask lms action-tags``: load the alignment lists (Asta Cita, Nawa Bhakti Satya)."""

from __future__ import annotations

import click

from lms.cli import lms_cli


@lms_cli.command("action-tags")
def action_tags_command() -> None:
    """Add the missing entries of the default alignment lists (safe to run again)."""
    from lms.actions.services import seed_tags
    from lms.extensions import db

    added = seed_tags()
    db.session.commit()
    click.echo(f"{added} keselarasan ditambahkan.")
