"""A staff list in SIASN's own words is accepted: JENIS PEGAWAI, STATUS CPNS PNS, "Struktural"
without an eselon column, and a PPPK's contract start."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.people.cells import parse_cpns, parse_employment, parse_position_type
from tests.factories import make_user
from tests.people.files import PPPK_NIP, csv_bytes, nip, prepare, run_import, xlsx_bytes

#: Column names as SIASN's "Data Utama" export writes them (underscores and all).
SIASN_HEADER = [
    "PNS_ID", "NIP_BARU", "NAMA", "GELAR_DEPAN", "GELAR_BELAKANG", "JENIS_PEGAWAI_NAMA",
    "STATUS_CPNS_PNS", "KEDUDUKAN_HUKUM_NAMA", "GOL_AKHIR_NAMA", "JENIS_JABATAN_NAMA",
    "JABATAN_NAMA", "UNOR_NAMA", "UNOR_INDUK_NAMA", "EMAIL", "TMT_PPPK",
]  # fmt: skip


def _rows() -> list[list]:
    return [
        ["a1", nip(1), "Sri Wahyuni", "", "S.Kom.", "PNS Daerah Provinsi", "P", "Aktif",
         "III/c", "Fungsional Tertentu", "Pranata Komputer Ahli Muda",
         "Bidang Aplikasi Informatika", "Dinas Kominfo", "sri@jatimprov.go.id", ""],
        ["a2", nip(2), "Budi Santoso", "Dr.", "M.Si.", "PNS Daerah Provinsi", "P", "Aktif",
         "IV/a", "Struktural", "Kepala Bidang Aplikasi Informatika",
         "Bidang Aplikasi Informatika", "Dinas Kominfo", "budi@jatimprov.go.id", ""],
        ["a3", nip(3), "Dewi Lestari", "", "", "PNS Pusat DPK", "P", "Aktif", "III/a",
         "Fungsional Umum", "Pengadministrasi Umum", "Bidang Aplikasi Informatika",
         "Dinas Kominfo", "", ""],
        ["a4", nip(4), "Andi Wijaya", "", "", "PNS Daerah Kab/Kota", "C", "Aktif", "III/a",
         "Fungsional Umum", "Analis Data", "Bidang Aplikasi Informatika", "Dinas Kominfo",
         "andi@jatimprov.go.id", ""],
        ["a5", PPPK_NIP, "Rina Marlina", "", "S.T.", "PPPK", "", "Aktif", "IX",
         "Fungsional Tertentu", "Pranata Komputer Ahli Pertama", "Bidang Aplikasi Informatika",
         "Dinas Kominfo", "rina@jatimprov.go.id", "01-03-2024"],
    ]  # fmt: skip


@pytest.mark.parametrize("as_xlsx", [False, True])
def test_a_siasn_export_is_accepted(db, as_xlsx):
    data = (
        xlsx_bytes(_rows(), header=SIASN_HEADER)
        if as_xlsx
        else csv_bytes(_rows(), header=SIASN_HEADER, sep=",")
    )
    plan = prepare(data)
    assert plan.problems == []
    assert plan.columns["employment"] == "JENIS_PEGAWAI_NAMA"
    assert plan.columns["contract_start"] == "TMT_PPPK"
    assert any("Struktural" in w for w in plan.warnings)
    run_import(data)
    people = {u.full_name.split(",")[0]: u for u in db.session.scalars(select(User))}
    assert {name: u.employment for name, u in people.items()} == {
        "Sri Wahyuni": "PNS", "Dr. Budi Santoso": "PNS", "Dewi Lestari": "PNS",
        "Andi Wijaya": "PNS", "Rina Marlina": "PPPK",
    }  # fmt: skip
    assert people["Dr. Budi Santoso"].position_type == "Struktural"
    assert people["Dewi Lestari"].position_type == "Pelaksana"
    assert people["Rina Marlina"].contract_start == date(2024, 3, 1)
    assert people["Sri Wahyuni"].contract_start is None


def test_status_cpns_pns_alone_gives_the_status(db):
    header = ["NIP", "Nama", "STATUS CPNS PNS"]
    plan = prepare(csv_bytes([[nip(7), "Tono", "C"]], header=header))
    assert plan.problems == [] and plan.inserts[0]["employment"] == "PNS"
    plan = prepare(csv_bytes([[nip(7), "Tono", "X"]], header=header))
    assert [p.column for p in plan.problems] == ["STATUS CPNS PNS"]


def test_struktural_keeps_what_hr_refined(db):
    make_user(nip=nip(2), full_name="Budi", position_type="Administrator")
    db.session.commit()
    run_import(csv_bytes(_rows()[1:2], header=SIASN_HEADER, sep=","))
    db.session.expire_all()
    assert db.session.scalar(select(User.position_type).where(User.nip == nip(2))) == (
        "Administrator"
    )


def test_a_bad_contract_start_is_a_problem_of_its_row(db):
    rows = _rows()
    rows[4][-1] = "kemarin"
    plan = prepare(csv_bytes(rows, header=SIASN_HEADER, sep=","))
    assert [(p.row, p.column) for p in plan.problems] == [(6, "TMT_PPPK")]


def test_a_person_who_becomes_pns_loses_the_contract_date(db):
    make_user(nip=nip(9), employment="PPPK", contract_start=date(2023, 1, 2))
    db.session.commit()
    header = ["NIP", "Nama", "JENIS PEGAWAI"]
    run_import(csv_bytes([[nip(9), "Rina", "PNS Daerah Provinsi"]], header=header))
    db.session.expire_all()
    rina = db.session.scalar(select(User).where(User.nip == nip(9)))
    assert (rina.employment, rina.contract_start) == ("PNS", None)


@pytest.mark.parametrize(
    ("text", "status"),
    [("PNS Daerah Provinsi", "PNS"), ("PNS Pusat DPK", "PNS"), ("PNS DAERAH KAB/KOTA", "PNS"),
     ("PPPK", "PPPK"), ("PPPK Paruh Waktu", "PPPK"), ("CPNS", "PNS")],
)  # fmt: skip
def test_siasn_jenis_pegawai_words(app, text, status):
    assert parse_employment(text) == status


@pytest.mark.parametrize("text", ["Honorer", "Non ASN", "TNI"])
def test_unknown_jenis_pegawai_is_refused(app, text):
    with pytest.raises(ValueError):
        parse_employment(text)


def test_cpns_column_and_struktural_without_eselon(app):
    assert [parse_cpns(v) for v in ("C", "P", "cpns")] == ["PNS", "PNS", "PNS"]
    assert parse_position_type("Struktural", "") == "Struktural"
    assert parse_position_type("Struktural", "II.a") == "JPT"
