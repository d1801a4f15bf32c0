"""The ``flask lms`` command group; each feature adds its own commands to it."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

lms_cli = AppGroup("lms", help="Perintah pengelolaan Sinau.")


@lms_cli.command("demo")
@click.option(
    "--reset-passwords", is_flag=True, help="Set the demo password again on every demo account."
)
def demo_command(reset_passwords: bool) -> None:
    """Create demo units and one account per role (safe to run again)."""
    from lms.demo import load_demo

    password, created = load_demo(current_app.config["DEMO_PASSWORD"], reset_passwords)
    if created or reset_passwords:
        click.echo(f"Akun demo siap. Kata sandi: {password}")
        click.echo("  asn@demo.test, kepala@demo.test, hr@demo.test, admin@demo.test")
    else:
        click.echo("Data demo sudah ada; kata sandi tidak diubah (pakai --reset-passwords).")


@lms_cli.command("create-admin")
@click.option("--email", prompt="Email", help="Email of the new administrator.")
@click.option("--name", prompt="Nama lengkap", help="Full name.")
@click.password_option(prompt="Kata sandi", confirmation_prompt="Ulangi kata sandi")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator account (the first one, in production)."""
    from lms.accounts import services
    from lms.accounts.models import Role
    from lms.extensions import db
    from lms.forms import EMAIL_RE

    if not EMAIL_RE.match(email.strip()):
        raise click.BadParameter("alamat email tidak valid", param_hint="--email")
    problem = services.password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    try:
        user = services.create_user(
            full_name=name, email=email, password=password, roles={Role.ADMIN, Role.LEARNER}
        )
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Administrator dibuat (id {user.id}).")


@lms_cli.command("seed-synthetic")
@click.option("--people", default=1000, show_default=True, help="How many people.")
@click.option("--units", default=100, show_default=True, help="About how many units (3 levels).")
@click.option(
    "--courses-from",
    type=click.Path(exists=True, file_okay=False),
    help="Sync these course folders first (e.g. courses/).",
)
@click.option("--courses", default=10, show_default=True, help="Add plain courses up to this many.")
@click.option("--seed", "seed_value", default=2025, show_default=True, help="Random seed.")
@click.option("--force", is_flag=True, help="Run even if the database holds real people.")
def seed_synthetic_command(people, units, courses_from, courses, seed_value, force) -> None:
    """Make a synthetic province (units, people, enrolments, progress, attempts) for reports."""
    import time
    from pathlib import Path

    from lms.courses.services import sync_courses
    from lms.extensions import db
    from lms.i18n import utcnow
    from lms.reports.synthetic import SyntheticError, seed

    started = time.monotonic()
    now = utcnow()
    if courses_from:
        report = sync_courses(Path(courses_from), now, retire_missing=False)
        if report.problems:
            raise click.ClickException(f"{len(report.problems)} masalah pada kursus; dibatalkan.")
    try:
        counts = seed(people, units, now, seed_value=seed_value, courses=courses, force=force)
    except SyntheticError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    click.echo(f"Data sintetis dibuat dalam {time.monotonic() - started:.1f} s: {summary}.")


def init_app(app: Flask) -> None:
    """Attach ``flask lms`` and the feature commands to ``app``."""
    import lms.actions.cli  # noqa: F401 - registers its commands on lms_cli
    from lms.audit.cli import audit_cli
    from lms.courses.cli import courses_cli, gift_cli
    from lms.people.cli import people_cli
    from lms.reminders.cli import remind_command, scheduler_command

    for group in (courses_cli, gift_cli, people_cli, remind_command, scheduler_command):
        if group.name not in lms_cli.commands:
            lms_cli.add_command(group)
    if audit_cli.name not in lms_cli.commands:
        lms_cli.add_command(audit_cli)
    app.cli.add_command(lms_cli)


__all__ = ["lms_cli"]
