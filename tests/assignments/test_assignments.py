"""Assignments: who they cover, set-based enrolment, inheritance, deadlines, reminders."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event, func, select, text

from lms.assignments import coverage, services
from lms.assignments.models import Assignment
from lms.courses.models import Course, Enrollment
from lms.courses.obligations import obligations
from lms.reminders.models import Notification
from lms.reminders.services import run_rules
from tests.factories import make_unit, make_user, sync, write_course

NOW = datetime(2026, 5, 1, 2, 0)  # 09.00 WIB


@pytest.fixture
def org(db, tmp_path):
    write_course(tmp_path, slug="etika", gift=None, lessons=1)
    write_course(tmp_path, slug="prompt", gift=None, lessons=1, title="Menulis Prompt")
    sync(tmp_path)
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi", parent=opd)
    seksi = make_unit("Seksi Integrasi", parent=bidang)
    other = make_unit("Badan Kepegawaian Daerah")
    people = {
        "in_opd": make_user(unit=opd, position_type="Administrator"),
        "in_bidang": make_user(unit=bidang, position_type="Pengawas"),
        "in_seksi": make_user(unit=seksi, position_type="Pelaksana"),
        "in_other": make_user(unit=other, position_type="Pengawas"),
        "inactive": make_user(unit=bidang, active=False),
    }
    db.session.commit()
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    return {"opd": opd, "bidang": bidang, "seksi": seksi, "other": other, **people, **courses}


def enrolled(db, course) -> set[int]:
    return set(
        db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course.id))
    )


def test_unit_assignment_enrols_the_subtree_as_assigned(db, org):
    _, made = services.create_assignment(
        org["etika"], scope="unit", unit=org["bidang"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    assert made == 2
    assert enrolled(db, org["etika"]) == {org["in_bidang"].id, org["in_seksi"].id}
    sources = set(db.session.scalars(select(Enrollment.source)))
    assert sources == {"assigned"}


def test_unit_assignment_without_subunits_covers_the_unit_only(db, org):
    services.create_assignment(
        org["etika"], scope="unit", unit=org["bidang"], include_subunits=False,
        deadline=date(2026, 6, 30), by=None, now=NOW,
    )  # fmt: skip
    assert enrolled(db, org["etika"]) == {org["in_bidang"].id}


def test_position_type_and_everyone_scopes(db, org):
    services.create_assignment(
        org["etika"], scope="position_type", position_type="Pengawas",
        deadline=date(2026, 6, 30), by=None, now=NOW,
    )  # fmt: skip
    assert enrolled(db, org["etika"]) == {org["in_bidang"].id, org["in_other"].id}
    services.create_assignment(
        org["prompt"], scope="all", deadline=date(2026, 6, 30), by=None, now=NOW
    )
    active = {org[k].id for k in ("in_opd", "in_bidang", "in_seksi", "in_other")}
    assert enrolled(db, org["prompt"]) == active


def test_count_covered_before_saving(db, org):
    assert coverage.count_covered("unit", org["opd"], True, None) == 3
    assert coverage.count_covered("unit", org["opd"], False, None) == 1
    assert coverage.count_covered("position_type", None, True, "Pengawas") == 2
    assert coverage.count_covered("all", None, True, None) == 4


def test_person_who_joins_later_inherits_the_units_assignments(db, org):
    services.create_assignment(
        org["etika"], scope="unit", unit=org["opd"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    db.session.commit()
    newcomer = make_user(unit=org["seksi"])
    mover = org["in_other"]
    mover.unit_id = org["bidang"].id
    db.session.flush()
    assert coverage.apply_assignments(NOW) == 2
    assert {newcomer.id, mover.id} <= enrolled(db, org["etika"])
    assert coverage.apply_assignments(NOW) == 0  # idempotent


def test_user_created_by_hr_inherits_assignments(db, org, client, login_as):
    services.create_assignment(
        org["etika"], scope="unit", unit=org["bidang"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    db.session.commit()
    login_as("hr")
    response = client.post(
        "/admin/users/new",
        data={
            "full_name": "Rina Wulandari",
            "employment": "PNS",
            "nip": "199003152015032002",
            "email": "rina@jatimprov.go.id",
            "unit_id": org["seksi"].id,
            "roles": ["learner"],
        },
    )
    assert response.status_code == 200
    rina = db.session.scalar(select(Enrollment).join(Enrollment.user).where(
        Enrollment.course_id == org["etika"].id, Enrollment.user.has(email="rina@jatimprov.go.id")
    ))  # fmt: skip
    assert rina is not None and rina.source == "assigned"


def test_people_import_inherits_assignments(db, org):
    from lms.people import importer

    services.create_assignment(
        org["etika"], scope="unit", unit=org["opd"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    db.session.commit()
    data = "NIP;Nama;Unit Kerja\n'199001022015031003;Ani Rahayu;Dinas Kominfo > Bidang Aplikasi\n"
    plan = importer.prepare(data.encode(), "uji.csv", full=False, actor_id=None, today=NOW.date())
    assert plan.ok, plan.problems
    counts = importer.apply(plan, now=NOW)
    assert counts["assigned_enrolments"] == 1
    ani = db.session.scalar(select(Enrollment).where(Enrollment.user.has(full_name="Ani Rahayu")))
    assert ani.course_id == org["etika"].id


def test_enrolment_is_set_based_whatever_the_number_of_people(db, org):
    for _ in range(40):
        make_user(unit=org["seksi"])
    db.session.commit()
    assignment = Assignment(
        course_id=org["etika"].id, scope="unit", unit_id=org["opd"].id, include_subunits=True,
        deadline=date(2026, 6, 30), created_at=NOW,
    )  # fmt: skip
    db.session.add(assignment)
    db.session.flush()
    statements = []
    engine = db.session.get_bind()

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        made = coverage.apply_assignments(NOW)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert made == 43
    # What is owed is worked out once: one statement on PostgreSQL; on SQLite a temporary
    # table filled once, then one INSERT and one UPDATE of the enrolments.
    assert len([s for s in statements if "INSERT INTO enrollments" in s]) == 1
    assert len([s for s in statements if "UPDATE enrollments" in s]) == 1
    postgres = engine.dialect.name == "postgresql"
    assert len([s for s in statements if "coverage" in s]) == 1
    assert len(statements) <= (1 if postgres else 6)


def test_earliest_deadline_wins_and_cancelled_assignments_stop_counting(db, org):
    late, _ = services.create_assignment(
        org["etika"], scope="all", deadline=date(2026, 9, 30), by=None, now=NOW
    )
    early, _ = services.create_assignment(
        org["etika"], scope="unit", unit=org["bidang"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    rows = {
        user_id: deadline
        for user_id, course_id, deadline, _at in db.session.execute(coverage.assigned_deadlines())
    }
    assert rows[org["in_seksi"].id] == date(2026, 6, 30)
    assert rows[org["in_other"].id] == date(2026, 9, 30)
    services.cancel_assignment(early, NOW)
    rows = {u: d for u, _c, d, _a in db.session.execute(coverage.assigned_deadlines())}
    assert rows[org["in_seksi"].id] == date(2026, 9, 30)
    assert org["in_seksi"].id in enrolled(db, org["etika"])  # the enrolment stays
    with pytest.raises(services.AssignmentError):
        services.cancel_assignment(early, NOW)
    assert late.cancelled_at is None


def test_reminders_follow_the_assignment_deadline_and_scope(db, org, app):
    services.create_assignment(
        org["etika"], scope="unit", unit=org["bidang"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    db.session.commit()
    # 7 days before 30 June, 07.00 WIB.
    run_rules(datetime(2026, 6, 23, 0, 0), {"course_due"})
    keys = set(db.session.scalars(select(Notification.key)))
    assert keys == {
        f"course_due:u{org['in_bidang'].id}:c{org['etika'].id}:d7",
        f"course_due:u{org['in_seksi'].id}:c{org['etika'].id}:d7",
    }


def test_assignment_overrides_a_mandatory_course_toml_deadline(db, tmp_path, org):
    write_course(tmp_path, slug="wajib", gift=None, mandatory=True, deadline=date(2026, 12, 31))
    sync(tmp_path)
    wajib = db.session.scalar(select(Course).where(Course.slug == "wajib"))
    before = [o for o in obligations() if o.course.id == wajib.id]
    assert [o.deadline for o in before] == [date(2026, 12, 31)]
    services.create_assignment(
        wajib, scope="unit", unit=org["seksi"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    after = [o for o in obligations() if o.course.id == wajib.id]
    assert [(o.deadline, o.assigned_on) for o in after] == [(date(2026, 6, 30), date(2026, 5, 1))]
    people = set(db.session.scalars(after[0].people))
    assert people == {org["in_seksi"].id}


def test_daily_reminder_run_enrols_people_missed_since(db, org):
    services.create_assignment(
        org["etika"], scope="unit", unit=org["opd"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    db.session.commit()
    late = make_user(unit=org["bidang"])
    db.session.commit()
    counts = run_rules(datetime(2026, 5, 2, 0, 0))
    assert counts["assignments_enrolled"] == 1
    assert late.id in enrolled(db, org["etika"])


def test_hr_counts_then_creates_and_cancels_an_assignment(db, org, client, login_as):
    login_as("hr")
    form = {
        "course_id": org["etika"].id, "scope": "unit", "unit_id": org["opd"].id,
        "include_subunits": "y", "deadline": "2030-06-30",
    }  # fmt: skip
    page = client.post("/admin/assignments/new", data={**form, "check": "1"}).get_data(True)
    assert "mencakup 3 pegawai" in page
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    response = client.post("/admin/assignments/new", data={**form, "submit": "1"})
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    assert assignment.deadline == date(2030, 6, 30) and len(enrolled(db, org["etika"])) == 3
    listing = client.get("/admin/assignments/").get_data(True)
    assert "Dinas Kominfo beserta sub-unitnya" in listing
    assert client.post(f"/admin/assignments/{assignment.id}/cancel").status_code == 302
    db.session.refresh(assignment)
    assert assignment.cancelled_at is not None


def test_deadline_in_the_past_is_refused(db, org, client, login_as):
    login_as("hr")
    page = client.post(
        "/admin/assignments/new",
        data={
            "course_id": org["etika"].id,
            "scope": "all",
            "deadline": "2001-01-01",
            "submit": "1",
        },
    ).get_data(True)
    assert "Tenggat tidak boleh sebelum hari ini." in page
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def deadlines(db, course) -> dict[int, date | None]:
    rows = select(Enrollment.user_id, Enrollment.deadline).where(Enrollment.course_id == course.id)
    return dict(db.session.execute(rows).all())


def test_enrolments_carry_the_earliest_deadline_and_cancelling_moves_it(db, org):
    services.create_assignment(
        org["etika"], scope="all", deadline=date(2026, 9, 30), by=None, now=NOW
    )
    early, _ = services.create_assignment(
        org["etika"], scope="unit", unit=org["bidang"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    assert deadlines(db, org["etika"])[org["in_seksi"].id] == date(2026, 6, 30)
    assert deadlines(db, org["etika"])[org["in_other"].id] == date(2026, 9, 30)
    services.cancel_assignment(early, NOW)
    assert deadlines(db, org["etika"])[org["in_seksi"].id] == date(2026, 9, 30)


def test_cancelling_the_only_assignment_clears_the_deadline_but_keeps_the_enrolment(db, org):
    only, _ = services.create_assignment(
        org["etika"], scope="unit", unit=org["bidang"], deadline=date(2026, 6, 30), by=None, now=NOW
    )
    services.cancel_assignment(only, NOW)
    assert deadlines(db, org["etika"]) == {org["in_bidang"].id: None, org["in_seksi"].id: None}


def test_self_enrolment_gets_the_deadline_once_assigned(db, org):
    from lms.courses.services import enroll

    mine = enroll(org["in_other"], org["prompt"], NOW)
    assert mine.deadline is None
    services.create_assignment(
        org["prompt"], scope="all", deadline=date(2026, 7, 31), by=None, now=NOW
    )
    db.session.refresh(mine)
    assert (mine.source, mine.deadline) == ("self", date(2026, 7, 31))


def test_mandatory_course_with_deadline_enrols_every_learner_until_assigned(db, org, tmp_path):
    write_course(
        tmp_path, slug="wajib", gift=None, lessons=1, mandatory=True, deadline=date(2026, 8, 17)
    )
    sync(tmp_path)
    wajib = db.session.scalar(select(Course).where(Course.slug == "wajib"))
    assert coverage.apply_assignments(NOW) == 4  # every active learner, not the inactive one
    assert set(
        db.session.scalars(select(Enrollment.source).where(Enrollment.course_id == wajib.id))
    ) == {"mandatory"}
    assert set(deadlines(db, wajib).values()) == {date(2026, 8, 17)}
    assert coverage.apply_assignments(NOW) == 0  # idempotent
    # Once HR assigns it, the assignment says who owes it by when.
    services.create_assignment(
        wajib, scope="unit", unit=org["seksi"], deadline=date(2026, 7, 1), by=None, now=NOW
    )
    assert deadlines(db, wajib) == {
        org["in_opd"].id: None, org["in_bidang"].id: None,
        org["in_seksi"].id: date(2026, 7, 1), org["in_other"].id: None,
    }  # fmt: skip


def test_deadline_update_is_one_statement_and_writes_nothing_twice(db, org):
    services.create_assignment(
        org["etika"], scope="all", deadline=date(2026, 9, 30), by=None, now=NOW
    )
    db.session.commit()
    statements = []
    engine = db.session.get_bind()

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, cursor.rowcount))

    postgres = engine.dialect.name == "postgresql"
    # PostgreSQL runs the pass as one statement (the UPDATE a CTE in it, its count unseen):
    # a row it wrote would have a new row version (xmin).
    versions = select(Enrollment.id, text("enrollments.xmin::text")).order_by(Enrollment.id)
    before = db.session.execute(versions).all() if postgres else None
    event.listen(engine, "after_cursor_execute", count)
    try:
        coverage.apply_assignments(NOW)
    finally:
        event.remove(engine, "after_cursor_execute", count)
    if postgres:
        assert len(statements) == 1
        assert len(before) > 2 and db.session.execute(versions).all() == before
    else:
        updates = [c for s, c in statements if s.upper().startswith("UPDATE")]
        assert updates == [0]
