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


def init_app(app: Flask) -> None:
    """Attach ``flask lms`` and the feature commands to ``app``."""
    import lms.actions.cli  # noqa: F401 - registers its commands on lms_cli
    from lms.courses.cli import courses_cli, gift_cli
    from lms.people.cli import people_cli
    from lms.reminders.cli import remind_command, scheduler_command

    for group in (courses_cli, gift_cli, people_cli, remind_command, scheduler_command):
        if group.name not in lms_cli.commands:
            lms_cli.add_command(group)
    app.cli.add_command(lms_cli)


__all__ = ["lms_cli"]
