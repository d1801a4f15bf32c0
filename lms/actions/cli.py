"""``flask lms action-tags``: load the alignment lists (Asta Cita, Nawa Bhakti Satya)."""

from __future__ import annotations

import click

from lms.cli import lms_cli


@lms_cli.command("action-tags")
def action_tags_command() -> None:
    """Add the missing entries of the alignment lists and retire outdated ones (safe to re-run)."""
    from lms.actions.alignment import retire_tags, seed_tags
    from lms.extensions import db

    added = seed_tags()
    retired = retire_tags()
    db.session.commit()
    click.echo(f"{added} keselarasan ditambahkan.")
    if retired:
        click.echo(f"{retired} keselarasan periode lama tidak ditawarkan lagi.")
