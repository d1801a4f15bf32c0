"""``flask lms courses check|sync`` and ``flask lms gift dump|export``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lms.assignments.coverage import apply_assignments
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import utcnow
from lms.quiz.gift import GiftError, parse_gift_file, read_gift
from lms.quiz.gift_export import bank_questions, unlisted_weights, write_gift

courses_cli = AppGroup("courses", help="Course content in courses/: check and sync.")
gift_cli = AppGroup("gift", help="Moodle GIFT question files.")


def _root(path: str | None) -> Path:
    return Path(path or current_app.config["COURSES_PATH"])


@courses_cli.command("check")
@click.argument("path", required=False)
def check_command(path: str | None) -> None:
    """Validate course folders without writing; list every problem with file and line."""
    from lms.courses.services import check_courses

    courses, problems = check_courses(_root(path))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} masalah ditemukan.", err=True)
        sys.exit(1)
    click.echo(f"{len(courses)} kursus diperiksa, tidak ada masalah.")


@courses_cli.command("sync")
@click.argument("path", required=False)
@click.option("--keep-missing", is_flag=True, help="Do not retire courses missing from PATH.")
def sync_command(path: str | None, keep_missing: bool) -> None:
    """Load or update all courses by slug (safe to re-run); with any problem, write nothing."""
    from lms.courses.services import sync_courses

    report = sync_courses(_root(path), utcnow(), retire_missing=not keep_missing)
    if report.problems:
        db.session.rollback()
        for problem in report.problems:
            click.echo(str(problem), err=True)
        click.echo("Sinkronisasi dibatalkan; tidak ada yang diubah.", err=True)
        sys.exit(1)
    # A course may have become mandatory (or retired, or got another deadline): enrol whoever
    # owes it now and set their deadlines.
    apply_assignments(utcnow())
    db.session.commit()
    click.echo(
        f"Baru: {len(report.created)}, diperbarui: {len(report.updated)}, "
        f"tetap: {len(report.unchanged)}, dipensiunkan: {len(report.retired)}."
    )


@gift_cli.command("dump")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--items", is_flag=True, help="Every item as Moodle reads it (essays, descriptions apart)."
)
def gift_dump_command(file: str, items: bool) -> None:
    """Print the questions read from FILE as JSON, one object per line."""
    try:
        if items:
            questions = read_gift(Path(file).read_text(encoding="utf-8-sig"), file)
        else:
            questions = parse_gift_file(file)
    except (GiftError, UnicodeDecodeError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for question in questions:
        click.echo(json.dumps(question.to_dict(), ensure_ascii=False))


@gift_cli.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
def gift_export_command(slug: str, output: str | None) -> None:
    """Write the question bank of course SLUG as GIFT, which Moodle and Sinau read back."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        click.echo(f"Kursus '{slug}' tidak ditemukan.", err=True)
        sys.exit(1)
    questions = bank_questions(course.id)
    text = write_gift(questions, f"Bank soal kursus {course.slug}: {course.title}")
    for question, weight in unlisted_weights(questions):
        click.echo(
            f"Peringatan: soal '{question.name}' memakai bobot {weight:g}%, yang tidak ada di "
            "daftar nilai Moodle; Moodle menolaknya kecuali impor diatur ke nilai terdekat.",
            err=True,
        )
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Bank soal ditulis ke {output}.")
    else:
        click.echo(text, nl=False)
