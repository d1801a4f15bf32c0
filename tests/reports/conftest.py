"""A small province with known numbers for the report tests."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from lms.assignments import services as assignments
from lms.courses import services as courses
from lms.courses.models import Course, Enrollment
from lms.quiz.models import Attempt
from lms.quiz.services import record_attempts
from tests.factories import make_unit, make_user, sync, write_course

DEADLINE = date(2026, 6, 30)
ASSIGNED_AT = datetime(2026, 2, 1, 1, 0)


def _attempt(enrollment: Enrollment, number: int, score: float, passed: bool) -> None:
    from lms.extensions import db

    db.session.add(
        Attempt(
            enrollment_id=enrollment.id, user_id=enrollment.user_id,
            course_id=enrollment.course_id, number=number, started_at=ASSIGNED_AT,
            submitted_at=ASSIGNED_AT, score=score, passed=passed,
        )
    )  # fmt: skip
    db.session.flush()
    record_attempts(enrollment.id)  # as grading does


def _complete(enrollment: Enrollment, on: date, jp: int) -> None:
    enrollment.completed_at = datetime(on.year, on.month, on.day, 3, 0)
    enrollment.completed_on = on
    enrollment.last_activity_at = enrollment.completed_at
    enrollment.jp_earned = jp


@pytest.fixture
def province(db, tmp_path):
    """Dinas Kominfo > Bidang A > Seksi A1, Dinas Kominfo > Bidang B; and BKD elsewhere.

    Etika (2 JP, quiz) is assigned to Dinas Kominfo and its sub-units, due 30 June 2026:
      p1 (Seksi A1): completed 10 March 2026, attempts 60 (failed) and 85 (passed)
      p2 (Bidang A): in progress, one attempt 50 (failed)
      p3 (Bidang B): not started
      p4 (Kominfo itself): not started; also finished Prompt (3 JP) at 23.30 WIB on 31 Dec 2025
      p6 (Seksi A1, inactive): completed, and must count nowhere
      p5 (BKD): completed Etika on its own, outside the Kominfo subtree
    """
    write_course(tmp_path, slug="etika", gift=None, lessons=1, title="Etika AI", jp=2)
    write_course(tmp_path, slug="prompt", gift=None, lessons=1, title="Menulis Prompt", jp=3)
    sync(tmp_path)
    etika = db.session.scalar(select(Course).where(Course.slug == "etika"))
    prompt = db.session.scalar(select(Course).where(Course.slug == "prompt"))
    kominfo = make_unit("Dinas Kominfo")
    bidang_a = make_unit("Bidang A", parent=kominfo)
    seksi_a1 = make_unit("Seksi A1", parent=bidang_a)
    bidang_b = make_unit("Bidang B", parent=kominfo)
    bkd = make_unit("BKD")
    p1 = make_user(unit=seksi_a1, full_name="Ani", position_type="Fungsional", rank="III/b")
    p2 = make_user(unit=bidang_a, full_name="Budi", position_type="Pelaksana", rank="II/c")
    p3 = make_user(unit=bidang_b, full_name="Citra", position_type="Fungsional", rank="III/b")
    p4 = make_user(unit=kominfo, full_name="Dodi", position_type="Administrator", rank="IV/a")
    p5 = make_user(unit=bkd, full_name="Eka")
    p6 = make_user(unit=seksi_a1, full_name="Fani", active=False)
    # p4 finished Prompt at 23.30 WIB on 31 December 2025 (16.30 UTC): that is 2025's JP.
    done = courses.enroll(p4, prompt, datetime(2025, 12, 1))
    courses.complete_lesson(
        done, courses.current_lessons(prompt)[0], datetime(2025, 12, 31, 16, 30)
    )
    e5 = courses.enroll(p5, etika, datetime(2026, 1, 5))
    _complete(e5, date(2026, 1, 20), 2)
    e6 = courses.enroll(p6, etika, datetime(2026, 1, 5))
    _complete(e6, date(2026, 1, 21), 2)
    assignments.create_assignment(
        etika, scope="unit", unit=kominfo, deadline=DEADLINE, by=None, now=ASSIGNED_AT
    )
    e1 = courses.find_enrollment(p1, etika)
    e2 = courses.find_enrollment(p2, etika)
    _complete(e1, date(2026, 3, 10), 2)
    e2.last_activity_at = datetime(2026, 3, 1)
    db.session.flush()
    _attempt(e1, 1, 60, False)
    _attempt(e1, 2, 85, True)
    _attempt(e2, 1, 50, False)
    db.session.commit()
    return {
        "etika": etika, "prompt": prompt, "kominfo": kominfo, "bidang_a": bidang_a,
        "seksi_a1": seksi_a1, "bidang_b": bidang_b, "bkd": bkd,
        "p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6,
    }  # fmt: skip
