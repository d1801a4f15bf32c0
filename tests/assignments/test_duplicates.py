"""The same course to the same people with the same deadline exists once; cancelling asks first
and each cancel link names its assignment."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from lms.assignments import services
from lms.assignments.models import Assignment
from lms.courses.models import Course
from tests.factories import make_unit, make_user, sync, write_course

NOW = datetime(2026, 5, 1, 2, 0)
JUNE = date(2030, 6, 30)


@pytest.fixture
def org(db, tmp_path):
    write_course(tmp_path, slug="etika", gift=None, lessons=1)
    sync(tmp_path)
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi", parent=opd)
    make_user(unit=opd, position_type="Administrator")
    make_user(unit=bidang, position_type="Pengawas")
    make_user(unit=make_unit("Seksi Integrasi", parent=bidang), position_type="Pelaksana")
    db.session.commit()
    return {"opd": opd, "bidang": bidang, "etika": db.session.scalar(select(Course))}


def live(db) -> int:
    return db.session.scalar(
        select(func.count(Assignment.id)).where(Assignment.cancelled_at.is_(None))
    )


def assign(org, **kw):
    values = {"scope": "unit", "unit": org["opd"], "deadline": JUNE, "by": None, "now": NOW}
    return services.create_assignment(org["etika"], **{**values, **kw})


def form(org, **kw):
    values = {
        "course_id": org["etika"].id, "scope": "unit", "unit_id": org["opd"].id,
        "include_subunits": "y", "deadline": JUNE.isoformat(),
    }  # fmt: skip
    return {**values, **kw}


def test_the_same_assignment_twice_is_refused_naming_the_first(db, org):
    assign(org)
    with pytest.raises(services.AssignmentError) as refused:
        assign(org)
    assert "sudah ditugaskan kepada cakupan yang sama dengan tenggat 30 Juni 2030" in str(
        refused.value
    )
    assert "Kursus Uji" in str(refused.value) and "tidak dibuat dua kali" in str(refused.value)
    assert live(db) == 1


def test_another_deadline_target_or_scope_is_another_assignment(db, org):
    assign(org)
    assign(org, deadline=date(2030, 7, 31))
    assign(org, include_subunits=False)
    assign(org, unit=org["bidang"])
    assign(org, scope="all")
    assign(org, scope="position_type", position_type="Pengawas")
    assert live(db) == 6
    with pytest.raises(services.AssignmentError):
        assign(org, scope="position_type", position_type="Pengawas")
    with pytest.raises(services.AssignmentError):
        assign(org, scope="all", unit=org["bidang"])  # a unit given with "all" changes nothing


def test_a_cancelled_assignment_can_be_made_again(db, org):
    first, _ = assign(org)
    services.cancel_assignment(first, NOW)
    assign(org)
    assert live(db) == 1


def test_the_database_refuses_a_duplicate_that_got_past_the_check(db, org):
    """Two requests checking at once both find nothing; the unique index stops the second."""
    assign(org)
    db.session.commit()
    twin = Assignment(
        course_id=org["etika"].id, scope="unit", unit_id=org["opd"].id, include_subunits=True,
        deadline=JUNE, created_at=NOW,
    )  # fmt: skip
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert live(db) == 1


def test_saving_twice_in_the_form_says_why_the_second_is_refused(db, org, client, login_as):
    login_as("hr")
    assert client.post("/admin/assignments/new", data=form(org, submit="1")).status_code == 302
    page = client.post("/admin/assignments/new", data=form(org, submit="1")).get_data(True)
    assert "Penugasan yang sama tidak dibuat dua kali" in page
    assert live(db) == 1


def test_the_coverage_preview_says_the_same_assignment_exists(db, org, client, login_as):
    assign(org)
    assign(org, deadline=date(2030, 9, 1))
    db.session.commit()
    login_as("hr")
    page = client.post("/admin/assignments/new", data=form(org, check="1")).get_data(True)
    assert "mencakup 3 pegawai" in page
    assert "Penugasan yang sama sudah ada" in page and "Menyimpannya lagi akan ditolak" in page
    assert "dengan tenggat 1 September 2030" in page  # the other live deadline, told apart
    other = client.post(
        "/admin/assignments/new", data=form(org, check="1", deadline="2030-12-31")
    ).get_data(True)
    assert "Penugasan yang sama sudah ada" not in other
    assert "tenggat 30 Juni 2030, 1 September 2030" in other
    assert live(db) == 2


def test_cancelling_shows_what_it_covers_and_waits_for_confirmation(db, org, client, login_as):
    assignment, _ = assign(org)
    db.session.commit()
    login_as("hr")
    page = client.get(f"/admin/assignments/{assignment.id}/cancel").get_data(True)
    assert "Batalkan penugasan?" in page and "Dinas Kominfo beserta sub-unitnya" in page
    assert "3 tercakup, 0 sudah selesai" in page and "Ya, batalkan penugasan" in page
    db.session.refresh(assignment)
    assert assignment.cancelled_at is None  # looking cancels nothing
    response = client.post(f"/admin/assignments/{assignment.id}/cancel")
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.cancelled_at is not None


def test_each_cancel_link_names_its_assignment(db, org, client, login_as):
    first, _ = assign(org)
    second, _ = assign(org, scope="position_type", position_type="Pengawas")
    db.session.commit()
    login_as("hr")
    page = client.get("/admin/assignments/").get_data(True)
    for assignment, scope in ((first, "Dinas Kominfo beserta sub-unitnya"),
                              (second, "Jenis jabatan: Pengawas")):  # fmt: skip
        name = f"penugasan Kursus Uji, {scope}, tenggat 30 Juni 2030"
        link = f'href="/admin/assignments/{assignment.id}/cancel">Batalkan'
        assert f'{link}<span class="visually-hidden"> {name}</span></a>' in page


def test_migration_withdraws_duplicates_made_before_keeping_the_oldest(make_app, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/dupes.sqlite")
    with app.app_context():
        from lms.extensions import db

        upgrade(revision="a61c0d2e9b47")
        at = "'2026-01-01 00:00:00'"
        with db.engine.begin() as conn:
            conn.execute(text(
                "insert into courses (id, slug, title, summary, level, jp, minutes, mandatory,"
                " assignment_only, version, tags, content_hash, pass_mark, max_attempts,"
                " shuffle_questions, shuffle_answers, show_answers, synced_at, created_at)"
                f" values (1, 'k', 'K', '', 'dasar', 2, 90, 0, 0, '1', '[]', 'h', 70, 3, 0, 0,"
                f" 'never', {at}, {at})"
            ))  # fmt: skip
            conn.execute(
                text(f"insert into units (id, name, path, created_at) values (7, 'U', '/7/', {at})")
            )
            rows = [  # id, scope, unit, subunits, position, deadline
                (1, "unit", 7, 1, None, "2030-06-30"),
                (2, "unit", 7, 1, None, "2030-06-30"),  # duplicate of 1
                (3, "unit", 7, 0, None, "2030-06-30"),  # without sub-units: another target
                (4, "all", None, 0, None, "2030-06-30"),
                (5, "all", None, 0, None, "2030-06-30"),  # duplicate of 4
                (6, "unit", 7, 1, None, "2030-07-31"),  # another deadline
            ]
            for row in rows:
                conn.execute(
                    text(
                        "insert into assignments (id, course_id, scope, unit_id, include_subunits,"
                        f" position_type, deadline, created_at) values (:id, 1, :scope, :unit,"
                        f" :sub, :pos, :deadline, {at})"
                    ),
                    dict(zip(("id", "scope", "unit", "sub", "pos", "deadline"), row, strict=True)),
                )
        upgrade()
        with db.engine.connect() as conn:
            found = conn.execute(
                text("select id, target, cancelled_at is not null from assignments order by id")
            ).all()
        assert found == [
            (1, "unit:7+", 0), (2, "unit:7+", 1), (3, "unit:7", 0),
            (4, "all", 0), (5, "all", 1), (6, "unit:7+", 0),
        ]  # fmt: skip
        downgrade(revision="a61c0d2e9b47")
        upgrade()
