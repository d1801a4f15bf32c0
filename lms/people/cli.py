"""``flask lms people ...``: the people import from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from lms.audit.services import record
from lms.extensions import db
from lms.i18n import utcnow, wib_today
from lms.people import importer
from lms.people.views import no_password_note, summary_message

people_cli = AppGroup("people", help="Pegawai: impor dari daftar SIASN/SIMPEG.")


@people_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count only; save nothing.")
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="Full import: deactivate people of the OPDs in the file who are missing from it.",
)
def import_command(file: Path, dry_run: bool, deactivate_missing: bool) -> None:
    """Import people and units from a SIASN/SIMPEG CSV or XLSX file, all or nothing."""
    now = utcnow()
    try:
        plan = importer.prepare(
            file.read_bytes(),
            file.name,
            full=deactivate_missing,
            actor_id=None,
            today=wib_today(now),
        )
    except importer.ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in plan.warnings:
        click.echo(f"Peringatan: {warning}", err=True)
    counts = plan.counts()
    click.echo(
        f"{counts['rows']} baris: {counts['new']} baru, {counts['updated']} diperbarui "
        f"({counts['reactivated']} diaktifkan kembali), {counts['unchanged']} tidak berubah, "
        f"{counts['new_units']} unit kerja baru; {counts['missing']} pegawai tidak ada di berkas"
        + (f" ({counts['deactivated']} akan dinonaktifkan)." if plan.full else ".")
    )
    if plan.problems:
        for p in plan.problems:
            where = f"baris {p.row}" if p.row else "berkas"
            column = f", kolom {p.column}" if p.column else ""
            click.echo(f"{where}{column}: {p.message}", err=True)
        raise click.ClickException(
            f"{len(plan.problems)} masalah ditemukan; tidak ada yang disimpan."
        )
    if dry_run:
        click.echo("Uji coba (--dry-run): tidak ada yang disimpan.")
        return
    try:
        counts = importer.apply(plan, now=now)
        record(
            None,
            "people.import",
            target=plan.filename,
            now=now,
            full=plan.full,
            source="cli",
            **counts,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(
            "Data pegawai berubah saat impor berjalan; tidak ada yang disimpan."
        ) from None
    click.echo(summary_message(counts))
    if counts["new"]:
        click.echo(no_password_note())
