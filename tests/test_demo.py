"""Demo data: units and one account per role, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.org.models import Unit


def test_demo_is_idempotent_and_covers_every_role(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lms", "demo"])
    assert first.exit_code == 0, first.output
    assert "Kata sandi:" in first.output
    counts = (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Unit.id))),
    )
    second = runner.invoke(args=["lms", "demo"])
    assert "sudah ada" in second.output
    assert counts == (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Unit.id))),
    )
    roles = {
        email: db.session.scalar(select(User).where(User.email == email)).roles
        for email in ["asn@demo.test", "kepala@demo.test", "hr@demo.test", "admin@demo.test"]
    }
    assert "learner" in roles["asn@demo.test"]
    assert "unit_head" in roles["kepala@demo.test"]
    assert "hr" in roles["hr@demo.test"]
    assert "admin" in roles["admin@demo.test"]
    head = db.session.scalar(select(User).where(User.email == "kepala@demo.test"))
    assert db.session.scalar(select(Unit).where(Unit.head_id == head.id)) is not None


def test_demo_uses_configured_password(make_app):
    app = make_app(DEMO_PASSWORD="Demo-Sinau-2025")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["lms", "demo"])
        assert "Demo-Sinau-2025" in result.output
        client = app.test_client()
        response = client.post(
            "/login", data={"identifier": "kepala@demo.test", "password": "Demo-Sinau-2025"}
        )
        assert response.status_code == 302
        client.post("/privacy/acknowledge", data={"next": "/"})  # the first sign-in's notice
        assert "Unit yang Anda pimpin" in client.get("/").get_data(as_text=True)


def test_create_admin_command(app, db):
    result = app.test_cli_runner().invoke(
        args=["lms", "create-admin", "--email", "Admin@Jatimprov.go.id", "--name", "Admin Sinau"],
        input="Kuat-Sekali-2026\nKuat-Sekali-2026\n",
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "admin@jatimprov.go.id"))
    assert admin.has_role("admin") and admin.check_password("Kuat-Sekali-2026")


def test_create_admin_refuses_weak_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["lms", "create-admin", "--email", "a@jatimprov.go.id", "--name", "A"],
        input="lemah\nlemah\n",
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_action_plan_is_plausible_and_idempotent(app, db):
    from lms.actions.models import ActionItem, Program, ProgressUpdate
    from lms.i18n import utcnow, wib_today

    runner = app.test_cli_runner()
    runner.invoke(args=["lms", "demo"])
    counts = [
        db.session.scalar(select(func.count(model.id)))
        for model in (Program, ActionItem, ProgressUpdate)
    ]
    runner.invoke(args=["lms", "demo"])
    again = [
        db.session.scalar(select(func.count(model.id)))
        for model in (Program, ActionItem, ProgressUpdate)
    ]
    assert counts == again and counts[0] == 1
    program = db.session.scalar(select(Program))
    assert program.name == "Jatim Retret 2025"
    items = db.session.scalars(select(ActionItem)).all()
    assert {i.unit.code for i in items} == {"DISKOMINFO-APTIKA"}
    today = wib_today(utcnow())
    assert sum(1 for i in items if i.is_overdue(today)) == 1
    assert {"draft", "in_progress", "done", "blocked"} <= {i.status for i in items}
    assert any(i.accepted for i in items) and any(i.awaiting_review for i in items)
    owned = [i for i in items if i.owner.email == "asn@demo.test"]
    assert len(owned) >= 2
    assert "Chatbot FAQ layanan perizinan berbasis AI" in {i.title for i in items}
