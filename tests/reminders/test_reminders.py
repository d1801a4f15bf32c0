"""Reminders: the right people get the right email on the right day, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from lms.courses import services as courses
from lms.reminders import outbox, services
from lms.reminders.models import JobRun, Notification, NotificationSetting, OutboxMessage
from tests.factories import login_id, make_user
from tests.reminders.conftest import DEADLINE, at


def remind(now: datetime):
    return services.remind_all(now)


def subjects(smtp, address: str, rule: str | None = None) -> list[str]:
    return [m["Subject"] for m in mails(smtp, address, rule)]


def mails(smtp, address: str, rule: str | None = None) -> list:
    """Messages to ``address``, only those of ``rule`` when given (keys start with it)."""
    return [
        m for m in smtp.inbox.to(address) if rule is None or m["X-Sinau-Key"].startswith(rule + ":")
    ]


def test_deadline_reminders_on_the_right_days_and_once(mail_app, smtp, world):
    remind(at(DEADLINE - timedelta(days=15)))
    assert mails(smtp, "rina@jatimprov.go.id", "course_due") == []
    remind(at(DEADLINE - timedelta(days=14)))
    remind(at(DEADLINE - timedelta(days=14), hour=15))  # run again the same day
    remind(at(DEADLINE - timedelta(days=10)))  # same window
    due = mails(smtp, "rina@jatimprov.go.id", "course_due")
    assert len(due) == 1
    assert "14 hari lagi" in due[0].get_body(("plain",)).get_content()
    remind(at(DEADLINE - timedelta(days=7)))
    remind(at(DEADLINE - timedelta(days=1)))
    remind(at(DEADLINE))
    keys = [
        m["X-Sinau-Key"].split(":")[-1] for m in mails(smtp, "rina@jatimprov.go.id", "course_due")
    ]
    assert keys == ["d14", "d7", "d1"]
    # Finished, deactivated: nothing at all.
    assert smtp.inbox.to("fajar@jatimprov.go.id") == []
    assert smtp.inbox.to("pensiun@jatimprov.go.id") == []


def test_overdue_weekly_and_escalation_to_head_then_hr_digest(mail_app, smtp, world):
    remind(at(DEADLINE + timedelta(days=1)))
    remind(at(DEADLINE + timedelta(days=6)))
    assert len(mails(smtp, "rina@jatimprov.go.id", "course_overdue")) == 1  # one a week
    assert mails(smtp, "kepala@jatimprov.go.id", "course_escalation") == []  # not 7 days yet
    remind(at(DEADLINE + timedelta(days=8)))
    assert len(mails(smtp, "rina@jatimprov.go.id", "course_overdue")) == 2
    head_mail = subjects(smtp, "kepala@jatimprov.go.id", "course_escalation")
    assert head_mail == ["[Sinau] 1 pegawai di unit Anda melewati tenggat Kursus Uji"]
    remind(at(DEADLINE + timedelta(days=25)))  # a Monday, but not yet 30 days
    assert mails(smtp, "bkd@jatimprov.go.id", "hr_digest") == []
    remind(at(DEADLINE + timedelta(days=32)))  # Monday 1 February 2027
    assert len(mails(smtp, "bkd@jatimprov.go.id", "hr_digest")) == 1


def test_running_twice_sends_nothing_new(mail_app, smtp, world):
    moment = at(DEADLINE - timedelta(days=7))
    remind(moment)
    count = len(smtp.inbox.messages)
    assert count > 0
    remind(moment)
    assert len(smtp.inbox.messages) == count


def test_smtp_down_then_up_delivers_everything_exactly_once(mail_app, smtp, world, db):
    smtp.stop()
    moment = at(DEADLINE - timedelta(days=7))
    result = remind(moment)
    queued = db.session.scalar(select(func.count(OutboxMessage.id)))
    assert queued > 0 and result["outbox"]["retry"] == queued
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == "queued")) == queued
    smtp.start()
    outbox.deliver(moment + timedelta(minutes=1))  # backoff not over yet: nothing
    assert smtp.inbox.messages == []
    outbox.deliver(moment + timedelta(minutes=5))
    outbox.deliver(moment + timedelta(minutes=10))
    assert len(smtp.inbox.messages) == queued
    assert len(set(smtp.inbox.keys())) == queued


def test_failing_message_is_marked_failed_after_max_attempts_and_can_be_resent(
    mail_app, smtp, world, db, client, login_as
):
    smtp.stop()
    moment = at(DEADLINE - timedelta(days=7))
    remind(moment)
    for n in range(1, 8):
        outbox.deliver(moment + timedelta(days=n))
    failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
    assert failed and all(m.attempts == mail_app.config["MAIL_MAX_ATTEMPTS"] for m in failed)
    login_as("admin")
    page = client.get("/admin/reminders?status=failed").get_data(as_text=True)
    assert "Kirim ulang" in page
    assert client.post(f"/admin/outbox/{failed[0].id}/resend").status_code == 302
    smtp.start()
    outbox.deliver(moment + timedelta(days=9))
    assert len(smtp.inbox.messages) == 1


def test_interrupted_batch_then_rerun_sends_only_the_rest(mail_app, smtp, world, db):
    for n in range(5):
        make_user(email=f"staf{n}@jatimprov.go.id")
    db.session.commit()
    moment = at(DEADLINE - timedelta(days=7))
    services.run_rules(moment)
    db.session.commit()
    total = db.session.scalar(select(func.count(OutboxMessage.id)))
    outbox.deliver(moment, limit=2)  # the sender stops after two (as if it had died)
    assert len(smtp.inbox.messages) == 2
    outbox.deliver(moment)
    assert len(smtp.inbox.messages) == total
    assert len(set(smtp.inbox.keys())) == total


def test_muted_category_gets_in_app_notification_but_no_email(mail_app, smtp, world, db):
    db.session.add(NotificationSetting(user_id=world["late"].id, category="course", email=False))
    db.session.commit()
    remind(at(DEADLINE - timedelta(days=7)))
    assert smtp.inbox.to("rina@jatimprov.go.id") == []
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == world["late"].id)
        )
        == 2  # the deadline reminder and the "not started" nudge, both in Sinau only
    )


def test_email_is_indonesian_text_and_html_with_links(mail_app, smtp, world):
    remind(at(DEADLINE - timedelta(days=7)))
    mail = smtp.inbox.to("rina@jatimprov.go.id")[0]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert text.startswith("Yth. ")
    assert "http://127.0.0.1:5000/courses/etika-ai" in text
    assert "/notifications/settings" in text and "/notifications/settings" in html
    assert "Buka di Sinau" in html


def test_without_smtp_the_outbox_fills_and_admin_can_read_it(app, world, db, client, login_as):
    remind(at(DEADLINE - timedelta(days=7)))
    # The course_due email (on PostgreSQL the rules run side by side: no order between them)
    message = db.session.scalar(
        select(OutboxMessage)
        .join(Notification, Notification.id == OutboxMessage.notification_id)
        .where(Notification.rule == "course_due")
        .limit(1)
    )
    assert message.status == "queued"
    login_as("admin")
    page = client.get("/admin/reminders").get_data(as_text=True)
    assert "Server email belum diatur" in page
    body = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Yth." in body and "Kursus wajib" in body


def test_not_started_and_stalled_nudges(mail_app, smtp, world, db):
    course = world["course"]
    stalled = make_user(email="lambat@jatimprov.go.id")
    enrollment = courses.enroll(stalled, course, datetime(2026, 11, 5))
    courses.complete_lesson(enrollment, courses.current_lessons(course)[0], datetime(2026, 11, 5))
    db.session.commit()
    remind(at(date(2026, 11, 10)))
    assert any("Yuk, mulai" in s for s in subjects(smtp, "rina@jatimprov.go.id"))
    assert not any("Yuk, mulai" in s for s in subjects(smtp, "lambat@jatimprov.go.id"))
    remind(at(date(2026, 11, 20)))
    assert any("Lanjutkan kursus" in s for s in subjects(smtp, "lambat@jatimprov.go.id"))
    remind(at(date(2026, 11, 25)))
    assert len([s for s in subjects(smtp, "lambat@jatimprov.go.id") if "Lanjutkan" in s]) == 1


def test_weekly_digest_to_unit_head_on_monday_with_change(mail_app, smtp, world, db):
    monday = date(2026, 11, 30)
    remind(at(monday, hour=6))  # before 07.00 WIB: not yet
    assert not any("Ringkasan mingguan" in s for s in subjects(smtp, "kepala@jatimprov.go.id"))
    remind(at(monday, hour=7))
    digests = [
        m for m in smtp.inbox.to("kepala@jatimprov.go.id") if "Ringkasan mingguan" in m["Subject"]
    ]
    assert len(digests) == 1
    assert "1 dari 3 pegawai selesai" in digests[0].get_body(("plain",)).get_content()
    course = world["course"]
    enrollment = courses.enroll(world["late"], course, datetime(2026, 12, 1))
    for lesson in courses.current_lessons(course):
        courses.complete_lesson(enrollment, lesson, datetime(2026, 12, 2))
    db.session.commit()
    remind(at(monday + timedelta(days=7), hour=8))
    digests = [
        m for m in smtp.inbox.to("kepala@jatimprov.go.id") if "Ringkasan mingguan" in m["Subject"]
    ]
    assert len(digests) == 2
    assert "+1 dibanding pekan lalu" in digests[1].get_body(("plain",)).get_content()


def test_monthly_summary_to_hr(mail_app, smtp, world):
    remind(at(date(2026, 12, 1), hour=8))
    assert any("Ringkasan bulanan" in s for s in subjects(smtp, "bkd@jatimprov.go.id"))
    remind(at(date(2026, 12, 15)))
    assert len([s for s in subjects(smtp, "bkd@jatimprov.go.id") if "bulanan" in s]) == 1


def test_disabled_rule_sends_nothing(mail_app, smtp, world):
    mail_app.config["REMIND_DISABLED"] = ["course_due"]
    remind(at(DEADLINE - timedelta(days=7)))
    assert mails(smtp, "rina@jatimprov.go.id", "course_due") == []
    assert mails(smtp, "rina@jatimprov.go.id", "course_not_started") != []


def test_job_runs_are_recorded(app, world, db):
    remind(at(DEADLINE - timedelta(days=7)))
    runs = {r.job: r for r in db.session.scalars(select(JobRun))}
    assert runs["reminders"].counts["course_due"] >= 1
    assert runs["reminders"].duration_ms is not None and runs["reminders"].error is None


def test_bell_shows_unread_count_and_notifications_can_be_read(app, world, db, client):
    remind(at(DEADLINE - timedelta(days=7)))
    late = world["late"]
    with client.session_transaction() as session:
        session["_user_id"] = login_id(late)
    page = client.get("/").get_data(as_text=True)
    mine = db.session.scalars(select(Notification).where(Notification.user_id == late.id)).all()
    assert len(mine) == 2  # the deadline reminder and the "not started yet" nudge
    assert '<span class="count">2</span>' in page
    response = client.post(f"/notifications/{mine[0].id}/read", data={"open": "1"})
    assert response.headers["Location"] == "/courses/etika-ai"
    assert '<span class="count">1</span>' in client.get("/").get_data(as_text=True)
    client.post("/notifications/read-all")
    assert '<span class="count">' not in client.get("/").get_data(as_text=True)


def test_someone_elses_notification_cannot_be_marked(app, world, db, client, login_as):
    remind(at(DEADLINE - timedelta(days=7)))
    notification = db.session.scalar(select(Notification))
    login_as("learner")
    assert client.post(f"/notifications/{notification.id}/read").status_code == 403


def test_notification_settings_page(app, client, login_as, db):
    user = login_as("learner")
    client.post("/notifications/settings", data={"email": ["course", "action"]})
    muted = set(
        db.session.scalars(
            select(NotificationSetting.category).where(NotificationSetting.user_id == user.id)
        )
    )
    assert muted == {"escalation", "digest", "summary"}


def test_scheduler_runs_in_wib_with_one_instance_per_job(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from lms.reminders.scheduler import build_scheduler

    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)  # the real command blocks; paused, nothing runs
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        # Other features add daily jobs (erasure: retention) when they are imported.
        assert {"reminders", "digests", "outbox"} <= set(jobs)
        assert str(scheduler.timezone) == "Asia/Jakarta"
        assert jobs["reminders"].max_instances == 1 and jobs["reminders"].coalesce
        assert jobs["reminders"].misfire_grace_time == 3600
        assert "hour='7'" in str(jobs["reminders"].trigger)
        assert str(jobs["outbox"].trigger) == "cron[minute='*']"  # every server's at :00
    finally:
        scheduler.shutdown(wait=False)
