"""Reading SIASN/SIMPEG staff lists with every quirk Excel and the exporters produce."""

from __future__ import annotations

import io
import zipfile

import pytest

from lms.people.cells import parse_employment, parse_position_type, parse_rank, unit_path
from lms.people.reading import ImportFileError, map_columns, read_table
from tests.people.files import (
    PPPK_NIP,
    csv_bytes,
    nip,
    person,
    prepare,
    problems_by_row,
    xlsx_bytes,
)

EXCEL = "NIP tersimpan sebagai angka oleh Excel"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["NIP BARU", "NAMA", "JABATAN", "UNIT KERJA", "GOLONGAN/RUANG", "E-mail"],
         ["nip", "name", "position", "unit", "rank", "email"]),
        (["Nip", "nama lengkap", "position", "unit_kerja", "Pangkat/Gol", "email kantor"],
         ["nip", "name", "position", "unit", "rank", "email"]),
        ([" nip ", "Full Name", "Job Title", "Unit Organisasi", "golongan / ruang", "EMAIL"],
         ["nip", "name", "position", "unit", "rank", "email"]),
        (["NIP", "NAMA", "Status Pegawai", "Jenis Jabatan", "Kode Unit", "Unit Kerja Induk"],
         ["nip", "name", "employment", "position_type", "unit_code", "parent_unit"]),
    ],
)  # fmt: skip
def test_headers_are_matched_whatever_their_case_spacing_and_language(headers, expected):
    columns, _, _ = map_columns(headers)
    assert [f for f, _ in sorted(columns.items(), key=lambda kv: kv[1])] == expected


def test_new_nip_is_preferred_and_old_nip_ignored():
    columns, _, ignored = map_columns(["NIP LAMA", "Nama", "NIP BARU"])
    assert columns["nip"] == 2
    assert "NIP LAMA" in ignored


def test_semicolon_csv_with_bom_apostrophes_and_stray_spaces_reads_cleanly(app):
    row = person(1, NIP=f"'{nip(1)}", Nama="  Rina   Wulandari ", Email=" Rina@JatimProv.go.id ")
    plan = prepare(csv_bytes([row]))
    assert plan.problems == []
    new = plan.inserts[0]
    assert new["nip"] == nip(1)
    assert new["full_name"] == "Rina Wulandari"
    assert new["email"] == "rina@jatimprov.go.id"


def test_comma_csv_without_bom_with_english_headers_reads(app):
    header = ["Employee ID", "Full name", "Position", "Work unit", "Grade", "E-mail"]
    data = csv_bytes(
        [[nip(2), "Budi Santoso", "Analis", "BKD", "IV/a", "budi@x.go.id"]],
        header=header,
        sep=",",
        bom=False,
    )
    plan = prepare(data)
    assert plan.problems == []
    assert plan.inserts[0]["full_name"] == "Budi Santoso"
    assert plan.inserts[0]["rank"] == "IV/a"


def test_windows_1252_file_is_read_with_a_warning(app):
    data = csv_bytes([person(3, Nama="Andrés Müller")], bom=False, encoding="cp1252")
    plan = prepare(data)
    assert plan.problems == []
    assert plan.inserts[0]["full_name"] == "Andrés Müller"
    assert any("UTF-8" in w for w in plan.warnings)


def test_title_rows_above_the_header_are_skipped_and_rows_numbered_as_in_the_sheet(app):
    before = "DAFTAR PEGAWAI PEMERINTAH PROVINSI JAWA TIMUR;;;\r\n;;;\r\n"
    data = csv_bytes([person(4), person(5, Nama="")], before=before)
    plan = prepare(data)
    # title (1), blank (2), header (3), first person (4), second person (5)
    assert list(problems_by_row(plan)) == [5]


def test_scientific_notation_nip_is_refused_asking_for_text(app):
    plan = prepare(csv_bytes([person(6, NIP="1.98703E+17")]))
    [(column, message)] = problems_by_row(plan)[2]
    assert column == "NIP"
    assert EXCEL in message and "Teks" in message


def test_nip_with_a_trailing_point_zero_is_refused(app):
    plan = prepare(csv_bytes([person(7, NIP=nip(7) + ".0")]))
    assert EXCEL in problems_by_row(plan)[2][0][1]


def test_nip_whose_last_digits_became_zeros_is_refused_not_guessed(app):
    plan = prepare(csv_bytes([person(8, NIP="198703122010011000")]))
    assert EXCEL in problems_by_row(plan)[2][0][1]
    assert plan.inserts == []


def test_xlsx_with_nip_as_text_imports(app):
    data = xlsx_bytes([[nip(9), "Siti Aminah", "Pelaksana", "Pelaksana", "BKD", "II/d", "PNS", ""]])
    plan = prepare(data, filename="pegawai.xlsx")
    assert plan.problems == []
    assert plan.inserts[0]["nip"] == nip(9)


@pytest.mark.parametrize("number", [int("199001022015031003"), 1.99001022015031e17])
def test_xlsx_with_nip_stored_as_a_number_is_refused(app, number):
    data = xlsx_bytes([[number, "Siti Aminah", "", "", "BKD", "", "PNS", ""]], title="DAFTAR")
    plan = prepare(data, filename="pegawai.xlsx")
    [(column, message)] = problems_by_row(plan)[4]
    assert column == "NIP" and EXCEL in message


def test_pppk_number_is_accepted_where_a_pns_nip_would_not_be(app):
    data = csv_bytes([person(10, NIP=PPPK_NIP, Status="PPPK"), person(11, NIP=PPPK_NIP[:-1] + "6")])
    plan = prepare(data)
    assert [p.row for p in plan.problems] == [3]
    assert plan.inserts[0]["employment"] == "PPPK"


def test_unknown_status_missing_name_and_bad_email_are_each_reported(app):
    data = csv_bytes(
        [person(12, Status="Honorer"), person(13, Nama=""), person(14, Email="tono@@x")]
    )
    found = problems_by_row(prepare(data))
    assert found[2][0][0] == "Status" and "Honorer" in found[2][0][1]
    assert found[3] == [("Nama", "Nama wajib diisi.")]
    assert found[4][0][0] == "Email" and "tidak valid" in found[4][0][1]


def test_every_problem_of_a_row_is_reported(app):
    data = csv_bytes([person(15, NIP="12345", Nama="", Golongan="Z/9", Email="x")])
    columns = [c for c, _ in problems_by_row(prepare(data))[2]]
    assert sorted(columns) == ["Email", "Golongan", "NIP", "Nama"]


def test_duplicate_nip_is_reported_on_both_rows(app):
    data = csv_bytes([person(16), person(17), person(18, NIP=nip(16))])
    found = problems_by_row(prepare(data))
    assert set(found) == {2, 4}
    assert "baris 2, 4" in found[2][0][1]


def test_duplicate_email_within_the_file_is_reported(app):
    data = csv_bytes([person(19, Email="sama@x.go.id"), person(20, Email="SAMA@x.go.id")])
    assert set(problems_by_row(prepare(data))) == {2, 3}


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    ],
)
def test_files_that_are_not_staff_lists_are_refused(app, data):
    with pytest.raises(ImportFileError):
        read_table(data)


def test_a_zip_that_is_not_a_workbook_is_refused(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError, match="bukan CSV atau XLSX"):
        read_table(buffer.getvalue())


def test_file_without_nip_column_is_refused_naming_it(app):
    with pytest.raises(ImportFileError, match="Kolom NIP tidak ditemukan"):
        read_table(csv_bytes([["Rina", "BKD"]], header=["Nama", "Unit Kerja"]))


@pytest.mark.parametrize(
    ("text", "rank"),
    [("III/b", "III/b"), ("iii - B", "III/b"), ("Penata Muda Tk. I (III/b)", "III/b"),
     ("Penata Muda Tingkat I", "III/b"), ("Pembina Utama", "IV/e"), ("IX", "IX"),
     ("xvii", "XVII")],
)  # fmt: skip
def test_ranks_are_normalised(app, text, rank):
    assert parse_rank(text) == rank


@pytest.mark.parametrize("text", ["III/e", "Z/9", "XVIII"])
def test_impossible_ranks_are_refused(app, text):
    with pytest.raises(ValueError):
        parse_rank(text)


@pytest.mark.parametrize(
    ("text", "echelon", "kind"),
    [("Jabatan Fungsional Tertentu", "", "Fungsional"),
     ("Jabatan Fungsional Umum", "", "Pelaksana"), ("JPT Pratama", "", "JPT"),
     ("Struktural", "III.a", "Administrator"),
     ("struktural", "Eselon IV/a", "Pengawas"), ("PELAKSANA", "", "Pelaksana")],
)  # fmt: skip
def test_position_types_are_normalised(app, text, echelon, kind):
    assert parse_position_type(text, echelon) == kind


def test_employment_accepts_what_exports_write(app):
    assert [parse_employment(s) for s in ("CPNS", "p3k", "PPPK Paruh Waktu", "pns")] == [
        "PNS", "PPPK", "PPPK", "PNS"
    ]  # fmt: skip


def test_unit_path_from_separate_columns_or_one_path():
    assert unit_path("Dinas Kominfo", "Bidang Aptika", "") == ("Dinas Kominfo", "Bidang Aptika")
    assert unit_path("Dinas Kominfo", "Dinas Kominfo > Bidang Aptika", "") == (
        "Dinas Kominfo",
        "Bidang Aptika",
    )
    assert unit_path("", "BKD / Bidang Mutasi / Subbidang Arsip", "") == (
        "BKD",
        "Bidang Mutasi",
        "Subbidang Arsip",
    )
