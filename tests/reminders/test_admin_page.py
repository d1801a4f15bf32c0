"""The admin's reminders page speaks Indonesian (issue 12, point 13): every job, rule, email
status and count has a name and a line saying what it is; no developer word shows."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lms.reminders import labels, services
from lms.reminders.models import OutboxMessage
from lms.reminders.rules import RULE_INFO, RULES
from tests.factories import sync, write_course
from tests.reminders.conftest import DEADLINE, at

#: Words of the code that once showed on the page (statuses, jobs, count keys; and every
#: rule's name, added once the app has registered them all).
DEVELOPER_WORDS = [
    "queued", "sending", "sent", "failed", "skipped", "outbox", "reminders", "digests",
    "assignments_enrolled", "retry",
]  # fmt: skip


def visible_text(page: str) -> str:
    """The page's words as a person reads them: no tags, no attribute values, no URLs."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


def test_every_rule_and_status_has_a_name_and_a_line(app):
    assert {"course_due", "head_digest", "action_escalation"} <= set(RULES)
    assert set(RULE_INFO) == set(RULES)
    for info in RULE_INFO.values():
        assert str(info.label) and len(str(info.about)) > 20
    for key in ("queued", "sending", "sent", "failed", "skipped"):
        assert str(labels.status(key).name) != key and str(labels.status(key).about)
    for job in ("reminders", "digests", "outbox", "retention"):
        assert str(labels.job(job).name) != job


def test_admin_page_names_jobs_rules_statuses_and_counts_in_indonesian(
    app, world, db, client, login_as
):
    """Without SMTP the rules run and the outbox fills; one message failed earlier."""
    app.config["REMIND_DISABLED"] = ["course_stalled"]
    services.remind_all(at(DEADLINE + timedelta(days=9)))  # overdue and escalated
    message = db.session.scalars(select(OutboxMessage)).first()
    message.status, message.last_error = "failed", "550 mailbox unavailable"
    db.session.commit()
    login_as("admin")
    page = client.get("/admin/reminders").get_data(as_text=True)
    text = visible_text(page)
    for word in [*DEVELOPER_WORDS, *RULES]:
        assert not re.search(rf"(?<![\w/.-]){re.escape(word)}(?![\w/.-])", text), word
    assert "Pengingat harian" in text and "Pengiriman email" in text
    assert "Setiap menit: mengirim email yang menunggu di kotak keluar." in text
    # The overdue rule reminded the three people who owe the course (the head and HR learn too).
    assert "Kursus wajib lewat tenggat: 3" in text
    assert "Eskalasi kursus ke kepala unit" in text
    assert "Sepekan sekali kepada kepala unit" in text
    assert "Dimatikan" in text  # course_stalled, switched off
    assert "Menunggu dikirim (" in text and "Gagal (1)" in text
    assert "Server email belum diatur" in text
    failed = client.get("/admin/reminders?status=failed").get_data(as_text=True)
    assert "Kirim ulang" in failed and "550 mailbox unavailable" in failed
    one = visible_text(client.get(f"/admin/outbox/{message.id}").get_data(as_text=True))
    assert "Gagal" in one and "Jenis" in one and "course_" not in one


def test_a_job_nobody_described_keeps_its_name_and_says_so():
    label = labels.job("tugas_baru")
    assert label.name == "tugas_baru" and str(label.about) == "Tugas tanpa keterangan."
    assert labels.count("tugas_baru", "dibuat") == "dibuat"
    labels.describe_job("tugas_baru", "Tugas baru", "Menguji keterangan.", {"dibuat": "dibuat"})
    try:
        assert labels.job("tugas_baru").name == "Tugas baru"
    finally:
        labels.JOBS.pop("tugas_baru")
        labels.COUNTS.pop("tugas_baru")


def test_counts_are_named_per_job():
    assert str(labels.count("outbox", "failed")) == "email gagal"
    assert str(labels.count("retention", "failed")).startswith("akun gagal")
    assert str(labels.count("reminders", "course_due")) == "Tenggat kursus wajib"


def test_quiz_settings_page_names_no_folder_or_file(client, login_as, db, tmp_path):
    """An admin page once told people about "folder courses/" and course.toml."""
    write_course(tmp_path, slug="berkuis")
    sync(tmp_path)
    login_as("admin")
    page = client.get("/courses/berkuis/quiz/settings").get_data(as_text=True)
    text = visible_text(page)
    assert "dimuat ulang ke Sinau" in text
    assert "courses/" not in text and "course.toml" not in text
