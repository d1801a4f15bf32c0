"""Assignments follow the change: a placed person or a moved unit is recomputed, nobody else.

Features send :data:`lms.signals.people_placed` / :data:`lms.signals.unit_moved`; assignments
listen. Each test also places a "stray" person behind every feature's back (a direct database
change, as a SIMPEG sync script might): only the daily full pass may enrol them, which shows the
signal's work was scoped to the people it named.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from lms.assignments import services
from lms.courses.models import Course, Enrollment
from lms.people import importer
from lms.reminders.services import run_rules
from lms.signals import people_placed, unit_moved
from tests.factories import make_unit, make_user, sync, write_course

NOW = datetime(2026, 5, 1, 2, 0)


@pytest.fixture
def org(db, tmp_path):
    write_course(tmp_path, slug="etika", gift=None, lessons=1)
    sync(tmp_path)
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi", parent=opd)
    bkd = make_unit("Badan Kepegawaian Daerah")
    upt = make_unit("UPT Diklat", parent=bkd)
    etika = db.session.scalar(select(Course).where(Course.slug == "etika"))
    services.create_assignment(
        etika, scope="unit", unit=opd, deadline=date(2026, 6, 30), by=None, now=NOW
    )
    people = {
        "in_bkd": make_user(unit=bkd, position_type="Pengawas"),
        "in_upt": make_user(unit=upt, position_type="Pelaksana"),
        "stray": make_user(unit=bkd),
    }
    db.session.commit()
    return {"opd": opd, "bidang": bidang, "bkd": bkd, "upt": upt, "etika": etika, **people}


def enrolled(db, course) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course.id))
    )


def place_behind_the_back(db, person, unit) -> None:
    """Move someone with no signal: no feature knows."""
    person.unit_id = unit.id
    db.session.commit()


def test_moving_a_unit_enrols_the_people_of_its_subtree_only(db, org, client, login_as):
    place_behind_the_back(db, org["stray"], org["bidang"])
    received = []

    def listen(unit, **_kwargs):
        received.append(unit.id)

    unit_moved.connect(listen)
    try:
        login_as("admin")
        response = client.post(
            f"/admin/units/{org['bkd'].id}",
            data={"name": "Badan Kepegawaian Daerah", "parent_id": org["opd"].id, "head_id": 0},
        )
    finally:
        unit_moved.disconnect(listen)
    assert response.status_code == 302
    assert received == [org["bkd"].id]
    # Both the unit's own person and the one in its sub-unit now owe the OPD's course.
    assert enrolled(db, org["etika"]) == {org["in_bkd"].id, org["in_upt"].id}
    # The daily full pass stays as the safety net for what no signal reported.
    assert run_rules(datetime(2026, 5, 2, 0, 0))["assignments_enrolled"] == 1
    assert org["stray"].id in enrolled(db, org["etika"])


def test_hr_moving_a_person_enrols_that_person_only(db, org, client, login_as):
    place_behind_the_back(db, org["stray"], org["bidang"])
    person = org["in_bkd"]
    login_as("hr")
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "full_name": person.full_name,
            "employment": "PNS",
            "nip": person.nip,
            "email": person.email,
            "position_type": "Pengawas",
            "unit_id": org["bidang"].id,
            "roles": ["learner"],
        },
    )
    assert response.status_code == 302
    assert enrolled(db, org["etika"]) == {person.id}
    deadline = db.session.scalar(select(Enrollment.deadline).where(Enrollment.user_id == person.id))
    assert deadline == date(2026, 6, 30)


def test_import_sends_the_people_it_placed_and_enrols_only_them(db, org):
    place_behind_the_back(db, org["stray"], org["bidang"])
    sent = []

    def listen(_sender, **kwargs):
        sent.append(sorted(kwargs["user_ids"]))

    people_placed.connect(listen)
    try:
        data = (
            "NIP;Nama;Unit Kerja\n"
            "'199001022015031003;Ani Rahayu;Dinas Kominfo > Bidang Aplikasi\n"
            f"'{org['in_upt'].nip};{org['in_upt'].full_name};Dinas Kominfo\n"
        )
        plan = importer.prepare(
            data.encode(), "uji.csv", full=False, actor_id=None, today=NOW.date()
        )
        assert plan.ok, plan.problems
        counts = importer.apply(plan, now=NOW)
    finally:
        people_placed.disconnect(listen)
    db.session.commit()
    ani = db.session.scalar(select(Enrollment.user_id).join(Enrollment.user).where(
        Enrollment.user.has(full_name="Ani Rahayu")))  # fmt: skip
    assert len(sent) == 1 and set(sent[0]) == {ani, org["in_upt"].id}
    assert counts["assigned_enrolments"] == 2
    assert enrolled(db, org["etika"]) == {ani, org["in_upt"].id}


def test_a_person_moved_out_keeps_the_enrolment_but_loses_the_deadline(db, org):
    person = org["in_bkd"]
    person.unit_id = org["bidang"].id
    db.session.flush()
    people_placed.send(None, user_ids=[person.id], now=NOW)
    db.session.commit()
    person.unit_id = org["bkd"].id
    db.session.flush()
    people_placed.send(None, user_ids=[person.id], now=NOW)
    db.session.commit()
    row = db.session.scalar(select(Enrollment).where(Enrollment.user_id == person.id))
    assert row is not None and row.deadline is None
