"""What each email says and where it leads (issue 12, point 18), read from a real SMTP server:
what to do, by when, a link to the page that shows it, and the Date and List-Unsubscribe headers
every email carries."""

from __future__ import annotations

import time
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from lms.activation import services as activation
from lms.courses import services as courses
from lms.courses.models import Course, Enrollment
from lms.i18n import utcnow
from lms.reminders import services
from tests.factories import make_item, make_program, make_unit, make_user, sync, write_course
from tests.reminders.conftest import DEADLINE, at
from tests.reminders.test_reminders import mails


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_in(message, base: str) -> str:
    """The "Buka di Sinau" link of the plain-text part."""
    line = next(x for x in text_of(message).splitlines() if x.startswith("Buka di Sinau: "))
    link = line.removeprefix("Buka di Sinau: ")
    assert link.startswith(base)
    return link


def test_every_email_has_a_date_and_a_list_unsubscribe_header(mail_app, smtp, world, db):
    """Course reminders, digests, escalations and an account invitation alike."""
    invitee = make_user(email="baru@jatimprov.go.id", unit=world["head"].unit)
    db.session.commit()
    activation.invite(activation.scope_query("person", user_id=invitee.id), utcnow(), None, "test")
    db.session.commit()
    services.remind_all(at(DEADLINE - timedelta(days=7)))
    services.remind_all(at(DEADLINE + timedelta(days=32)))  # overdue, escalated, Monday digests
    rules = {m["X-Sinau-Key"].split(":")[0] for m in smtp.inbox.messages}
    assert {"course_due", "course_escalation", "head_digest", "hr_digest"} <= rules
    assert any(m["To"] == "baru@jatimprov.go.id" for m in smtp.inbox.messages)
    settings = f"{mail_app.config['BASE_URL']}/notifications/settings"
    for message in smtp.inbox.messages:
        sent = parsedate_to_datetime(message["Date"])
        assert sent.tzinfo is not None and abs(sent.timestamp() - time.time()) < 600
        assert message["List-Unsubscribe"] == f"<{settings}>", message["X-Sinau-Key"]
        assert settings in text_of(message)


def test_course_not_started_gives_the_deadline(mail_app, smtp, world):
    services.remind_all(at(date(2026, 11, 10)))
    [nudge] = mails(smtp, "rina@jatimprov.go.id", "course_not_started")
    text = text_of(nudge)
    assert "sejak 1 November 2026" in text
    assert "Selesaikan paling lambat 31 Desember 2026 (51 hari lagi)" in text
    assert link_in(nudge, mail_app.config["BASE_URL"]).endswith("/courses/etika-ai")


def test_stalled_course_says_its_deadline(mail_app, smtp, world, db):
    course = world["course"]
    enrollment = courses.enroll(world["late"], course, at(date(2026, 11, 5)))
    courses.complete_lesson(enrollment, courses.current_lessons(course)[0], at(date(2026, 11, 5)))
    db.session.commit()
    services.remind_all(at(date(2026, 11, 20)))
    [stalled] = mails(smtp, "rina@jatimprov.go.id", "course_stalled")
    assert "Tenggatnya 31 Desember 2026 (41 hari lagi)." in text_of(stalled)


def test_head_digest_links_to_the_unit_report_which_the_head_can_open(
    mail_app, smtp, world, client, login_as
):
    services.remind_all(at(date(2026, 11, 30)))  # Monday 07.00 WIB
    [digest] = mails(smtp, "kepala@jatimprov.go.id", "head_digest")
    unit = world["head"].unit
    link = link_in(digest, mail_app.config["BASE_URL"])
    assert path_of(link) == f"/reports/units/{unit.id}"
    assert f'href="{link}"' in html_of(digest)
    # The honest figure: of the three who owe the course in the unit, one finished.
    assert "Kursus Uji: 1 dari 3 pegawai selesai (33%)" in text_of(digest)
    login_as(world["head"])
    page = client.get(path_of(link))
    assert page.status_code == 200 and unit.name in page.get_data(as_text=True)


def test_hr_digest_and_monthly_summary_link_to_the_province_report(mail_app, smtp, world):
    services.remind_all(at(DEADLINE + timedelta(days=32)))  # Monday 1 February 2027
    [digest] = mails(smtp, "bkd@jatimprov.go.id", "hr_digest")
    [summary] = mails(smtp, "bkd@jatimprov.go.id", "hr_summary")
    for message in (digest, summary):
        assert path_of(link_in(message, mail_app.config["BASE_URL"])) == "/reports/units/"


def test_escalation_tells_the_head_what_to_do_and_links_to_who_is_late(
    mail_app, smtp, world, client, login_as
):
    services.remind_all(at(DEADLINE + timedelta(days=8)))
    [escalation] = mails(smtp, "kepala@jatimprov.go.id", "course_escalation")
    text = text_of(escalation)
    assert "Yang perlu Anda lakukan: ingatkan mereka" in text
    link = link_in(escalation, mail_app.config["BASE_URL"])
    unit, course = world["head"].unit, world["course"]
    assert path_of(link) == (
        f"/reports/units/{unit.id}/people?course={course.id}&sort=overdue&dir=desc"
    )
    login_as(world["head"])
    page = client.get(path_of(link)).get_data(as_text=True)
    assert world["late"].full_name in page


def test_action_escalation_tells_the_head_what_to_do(mail_app, smtp, world, db):
    program = make_program()
    item = make_item(
        world["head"].unit, world["late"], program, due_date=date(2026, 11, 1),
        now=at(date(2026, 10, 1)),
    )  # fmt: skip
    db.session.commit()
    services.remind_all(at(date(2026, 11, 10)))
    [escalation] = mails(smtp, "kepala@jatimprov.go.id", "action_escalation")
    text = text_of(escalation)
    assert "Yang perlu Anda lakukan: tanyakan kendalanya kepada penanggung jawab" in text
    assert link_in(escalation, mail_app.config["BASE_URL"]).endswith(f"/actions/items/{item.id}")


def test_a_mandatory_course_without_a_deadline_is_owed_by_nobody(mail_app, smtp, db, tmp_path):
    """Decided in README: it is recommended, not owed, until HR assigns it with a deadline: no
    enrolment, no "not started" nudge, and the head's digest says nothing is owed yet."""
    write_course(tmp_path, slug="anjuran", gift=None, mandatory=True)
    sync(tmp_path)
    course = db.session.scalar(select(Course).where(Course.slug == "anjuran"))
    course.created_at = at(date(2026, 11, 1))
    unit = make_unit("Dinas Pendidikan")
    head = make_user(unit=unit, email="kepala2@jatimprov.go.id", roles={"learner", "unit_head"})
    unit.head = head
    make_user(unit=unit, email="staf@jatimprov.go.id")
    db.session.commit()
    services.remind_all(at(date(2026, 11, 30)))  # a Monday, weeks after it appeared
    assert db.session.scalar(select(Enrollment).where(Enrollment.course_id == course.id)) is None
    assert mails(smtp, "staf@jatimprov.go.id") == []
    [digest] = mails(smtp, "kepala2@jatimprov.go.id", "head_digest")
    text = text_of(digest)
    assert "belum ada kursus wajib bertenggat bagi pegawai unit ini" in text
    assert "%" not in text
