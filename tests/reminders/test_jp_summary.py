"""HR's monthly summary counts JP by each person's rule: a PNS under 20 JP is "below target"; a
PPPK is counted against the ceiling of their contract year, never as below 20."""

from __future__ import annotations

from datetime import date, datetime

from lms.courses import services as courses
from tests.factories import make_user
from tests.reminders.conftest import at
from tests.reminders.test_reminders import mails, remind


def _earn(db, user, course, on: date, jp: int) -> None:
    enrollment = courses.find_enrollment(user, course) or courses.enroll(
        user, course, datetime(on.year, 1, 1)
    )
    enrollment.completed_at = datetime(on.year, on.month, on.day, 3)
    enrollment.completed_on = on
    enrollment.jp_earned = jp
    db.session.flush()


def test_monthly_summary_counts_pns_below_20_and_never_a_pppk(mail_app, smtp, world, db):
    pppk = make_user(unit=world["late"].unit, employment="PPPK", contract_start=date(2026, 2, 1))
    _earn(db, pppk, world["course"], date(2026, 11, 10), 10)
    _earn(db, world["late"], world["course"], date(2026, 11, 10), 19)
    db.session.commit()
    remind(at(date(2026, 12, 1), hour=8))
    [summary] = mails(smtp, "bkd@jatimprov.go.id", "hr_summary")
    body = summary.get_body(("plain",)).get_content()
    # Active PNS learners: the head, Rina (19 JP), Fajar (one short course), HR: all four are
    # below 20; the PPPK with 10 JP is not, and counts only against the ceiling.
    assert "PNS di bawah 20 JP tahun ini: 4 dari 4" in body
    assert "PPPK yang mencapai batas 24 JP tahun kontraknya: 0 dari 1" in body
