"""Writing an import: units by path or code, people by NIP, all or nothing, full imports."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.i18n import utcnow
from lms.org.models import Unit
from lms.people import importer
from tests.factories import make_unit, make_user
from tests.people.files import csv_bytes, nip, person, prepare, run_import


def _unit_paths(db) -> set[str]:
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    return {
        " > ".join(units[int(i)].name for i in u.path.strip("/").split("/")) for u in units.values()
    }


def _person(db, n: int) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.nip == nip(n)))


def test_units_are_created_from_paths_in_a_tree(db):
    run_import(
        csv_bytes(
            [
                person(1, **{"Unit Kerja": "Dinas Kominfo > Bidang Aptika > Seksi Aplikasi"}),
                person(2, **{"Unit Kerja": "Dinas Kominfo/Bidang Statistik"}),
                person(3, **{"Unit Kerja": "  dinas   KOMINFO "}),
            ]
        )
    )
    assert _unit_paths(db) == {
        "Dinas Kominfo",
        "Dinas Kominfo > Bidang Aptika",
        "Dinas Kominfo > Bidang Aptika > Seksi Aplikasi",
        "Dinas Kominfo > Bidang Statistik",
    }
    assert _person(db, 3).unit.name == "Dinas Kominfo"


def test_units_are_matched_by_code_first_then_by_name_under_the_same_parent(db):
    opd = make_unit("Dinas Komunikasi dan Informatika", short_name="Diskominfo")
    aptika = make_unit("Bidang Aplikasi Informatika", opd)
    coded = make_unit("UPT Pelatihan Kerja Surabaya", code="UPT-PK-SBY")
    db.session.commit()
    header = ["NIP", "Nama", "Unit Kerja", "Kode Unit"]
    run_import(
        csv_bytes(
            [
                [nip(1), "Ani", "DISKOMINFO > bidang aplikasi  informatika", ""],
                [nip(2), "Budi", "Nama Lama UPT", "UPT-PK-SBY"],
                [nip(3), "Citra", "Dinas Komunikasi dan Informatika", ""],
            ],
            header=header,
        )
    )
    assert db.session.scalar(select(func.count(Unit.id))) == 3
    assert _person(db, 1).unit_id == aptika.id
    assert _person(db, 2).unit_id == coded.id
    assert _person(db, 3).unit_id == opd.id


def test_unit_from_separate_opd_and_sub_unit_columns_gets_its_code(db):
    header = ["NIP", "Nama", "Unit Kerja Induk", "Sub Unit", "Kode Unit"]
    run_import(csv_bytes([[nip(1), "Ani", "BKD", "Bidang Mutasi", "'4402"]], header=header))
    unit = _person(db, 1).unit
    assert (unit.name, unit.parent.name, unit.code) == ("Bidang Mutasi", "BKD", "4402")


def test_new_people_are_learners_without_a_password(db):
    counts = run_import(csv_bytes([person(1), person(2)]))
    assert counts["new"] == 2
    ani = _person(db, 1)
    assert ani.roles == {"learner"}
    assert ani.password_hash is None and ani.active
    assert (ani.position, ani.position_type, ani.rank, ani.employment) == (
        "Pranata Komputer Ahli Muda", "Fungsional", "III/c", "PNS"
    )  # fmt: skip


def test_reimporting_the_same_file_changes_nothing(db):
    data = csv_bytes([person(n) for n in range(1, 6)])
    run_import(data)
    counts = run_import(data)
    assert (counts["new"], counts["updated"], counts["unchanged"]) == (0, 0, 5)
    assert counts["new_units"] == 0


def test_update_by_nip_changes_unit_position_and_rank(db):
    run_import(csv_bytes([person(1)]))
    moved = person(
        1, Jabatan="Kepala Seksi", **{"Jenis Jabatan": "Pengawas", "Unit Kerja": "BKD"},
        Golongan="III/d",
    )  # fmt: skip
    counts = run_import(csv_bytes([moved]))
    assert (counts["new"], counts["updated"]) == (0, 1)
    ani = _person(db, 1)
    assert (ani.position, ani.position_type, ani.rank, ani.unit.name) == (
        "Kepala Seksi", "Pengawas", "III/d", "BKD"
    )  # fmt: skip


def test_existing_account_keeps_its_password_and_roles_when_updated(db):
    user = make_user(nip=nip(1), roles={"learner", "hr"}, email="hr@x.go.id")
    db.session.commit()
    hashed = user.password_hash
    run_import(csv_bytes([person(1, Email="hr@x.go.id", Nama="Nama Baru")]))
    db.session.expire_all()
    assert user.full_name == "Nama Baru"
    assert user.password_hash == hashed and user.roles == {"learner", "hr"}


def test_empty_cells_do_not_erase_what_is_known(db):
    run_import(csv_bytes([person(1)]))
    run_import(csv_bytes([person(1, Jabatan="", Golongan="", Email="", **{"Unit Kerja": ""})]))
    ani = _person(db, 1)
    assert ani.position == "Pranata Komputer Ahli Muda"
    assert ani.email == "impor1@jatimprov.go.id"
    assert ani.unit.name == "Bidang Aplikasi Informatika"


def test_email_of_another_account_is_a_problem(db):
    make_user(email="dipakai@x.go.id", nip=None)
    db.session.commit()
    plan = prepare(csv_bytes([person(1, Email="dipakai@x.go.id")]))
    assert [(p.row, p.column) for p in plan.problems] == [(2, "Email")]


def test_a_plan_with_problems_cannot_be_applied(db):
    plan = prepare(csv_bytes([person(1), person(2, Nama="")]))
    with pytest.raises(ValueError):
        importer.apply(plan, now=utcnow())
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_full_import_deactivates_people_missing_from_the_opds_in_the_file(db):
    kominfo = make_unit("Dinas Kominfo")
    aptika = make_unit("Bidang Aplikasi Informatika", kominfo)
    bkd = make_unit("BKD")
    db.session.commit()
    stays = make_user(unit=aptika, nip=nip(1))
    gone = make_user(unit=kominfo, nip=nip(2))
    other_opd = make_user(unit=bkd, nip=nip(3))
    admin_no_nip = make_user(unit=kominfo, nip=None, roles={"admin"})
    admin_with_nip = make_user(unit=kominfo, nip=nip(4), roles={"admin", "learner"})
    actor = make_user(unit=kominfo, nip=nip(5), roles={"hr", "learner"})
    db.session.commit()
    old_version = gone.session_version
    counts = run_import(csv_bytes([person(1)]), full=True, actor_id=actor.id)
    assert counts["deactivated"] == 1
    db.session.expire_all()
    assert not gone.active and gone.session_version == old_version + 1
    assert all(u.active for u in (stays, other_opd, admin_no_nip, admin_with_nip, actor))
    assert db.session.get(User, gone.id) is not None  # never deleted


def test_import_that_is_not_full_deactivates_nobody(db):
    unit = make_unit("Dinas Kominfo")
    gone = make_user(unit=unit, nip=nip(2))
    db.session.commit()
    counts = run_import(csv_bytes([person(1, **{"Unit Kerja": "Dinas Kominfo"})]))
    assert (counts["missing"], counts["deactivated"]) == (1, 0)
    db.session.expire_all()
    assert gone.active


def test_a_deactivated_person_back_in_the_file_is_reactivated(db):
    run_import(csv_bytes([person(1)]))
    ani = _person(db, 1)
    ani.active = False
    db.session.commit()
    counts = run_import(csv_bytes([person(1)]))
    assert (counts["updated"], counts["reactivated"]) == (1, 1)
    assert _person(db, 1).active


def test_a_person_whose_row_has_a_problem_is_not_counted_as_missing(db):
    unit = make_unit("Dinas Kominfo")
    make_user(unit=unit, nip=nip(2))
    db.session.commit()
    data = csv_bytes([person(1), person(2, Email="salah", **{"Unit Kerja": "Dinas Kominfo"})])
    plan = prepare(data, full=True)
    assert [p.row for p in plan.problems] == [3]
    assert plan.missing == []
