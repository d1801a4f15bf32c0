"""Retention: deactivated accounts are anonymised by the scheduler LMS_RETENTION_YEARS after
their deactivation; active ones and recent ones never."""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.services import set_active
from lms.audit.models import AuditEvent
from lms.erasure import services as erasure
from lms.reminders.scheduler import build_scheduler
from tests.factories import make_unit, make_user

NOW = datetime(2031, 6, 1, 19, 30)


def deactivated(db, at: datetime, **fields) -> User:
    user = make_user(unit=make_unit(), **fields)
    set_active(user, False)
    user.deactivated_at = at
    db.session.commit()
    return user


def test_deactivation_starts_the_period_and_reactivation_ends_it(app, db):
    user = make_user()
    set_active(user, False)
    assert user.deactivated_at is not None
    set_active(user, True)
    assert user.deactivated_at is None


def test_the_nightly_run_anonymises_only_accounts_past_retention(app, db):
    old = deactivated(db, datetime(2026, 5, 31, 0, 0), full_name="Lama Sekali")
    recent = deactivated(db, datetime(2026, 6, 2, 0, 0), full_name="Baru Saja")
    active = make_user(full_name="Masih Aktif")
    db.session.commit()
    assert app.config["RETENTION_YEARS"] == 5
    assert [u.id for u in db.session.scalars(erasure.due_for_retention(NOW))] == [old.id]

    counts = erasure.run_retention(NOW)

    assert counts["anonymised"] == 1 and counts["failed"] == 0
    db.session.expire_all()
    assert db.session.get(User, old.id).erased_at == NOW
    assert db.session.get(User, old.id).full_name == "Pengguna terhapus"
    assert db.session.get(User, recent.id).erased_at is None
    assert db.session.get(User, active.id).erased_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.erase"))
    assert event.actor_id is None and event.details["reason"] == "retention"
    assert erasure.run_retention(NOW)["anonymised"] == 0  # the next night: nothing more


def test_retention_zero_turns_it_off(make_app, db):
    app = make_app(RETENTION_YEARS=0)
    with app.app_context():
        deactivated(db, datetime(2000, 1, 1))
        assert erasure.run_retention(NOW) == {"disabled": 1}


def test_the_scheduler_runs_retention_nightly(app):
    scheduler = build_scheduler(app, BackgroundScheduler)
    job = scheduler.get_job("retention")
    assert job is not None
    assert str(job.trigger) == "cron[hour='2', minute='30']"


def test_the_admin_page_lists_accounts_due(client, login_as, db):
    deactivated(db, datetime(2020, 1, 1), full_name="Sudah Lama Pergi")
    deactivated(db, datetime.now().replace(microsecond=0), full_name="Baru Pergi")
    login_as("admin")
    text = client.get("/admin/retention").get_data(as_text=True)
    assert "Sudah Lama Pergi" in text and "Baru Pergi" not in text
    assert "1 akun menunggu penganoniman." in text
