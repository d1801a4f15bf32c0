"""Importing action items from CSV/XLSX: tolerant reading, a preview of every row's problems,
and all-or-nothing writing."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.actions import imports
from lms.actions.models import ActionItem, ItemEvent
from lms.cells import normalize_header
from lms.tabular import read_table
from tests.factories import make_program, make_unit, make_user

RINA = "199003152015032002"
FAJAR = "199405232019031005"


@pytest.fixture
def org(db):
    opd = make_unit("Dinas Komunikasi dan Informatika", code="DISKOMINFO")
    unit = make_unit("Bidang Aplikasi Informatika", opd, code="DISKOMINFO-APTIKA")
    other = make_unit("Dinas Kesehatan", code="DINKES")
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    unit.head = head
    rina = make_user(unit=unit, nip=RINA, full_name="Rina Wulandari")
    fajar = make_user(unit=unit, nip=FAJAR, full_name="Fajar Nugroho")
    nurse = make_user(unit=other, nip="198801012012012001")
    hr = make_user(unit=make_unit("BKD"), roles={"learner", "hr"})
    program = make_program("Jatim Retret 2025")
    db.session.commit()
    return {"unit": unit, "other": other, "head": head, "rina": rina, "fajar": fajar,
            "nurse": nurse, "hr": hr, "program": program}  # fmt: skip


GOOD_CSV = (
    "\ufeffJudul;Deskripsi;Output;Indikator;Target;NIP Penanggung Jawab;Unit Kerja;Mulai;"
    "Tenggat;Prioritas;Status;Progres (%)\r\n"
    "Chatbot FAQ perizinan;Menjawab pertanyaan umum;Chatbot aktif;Pertanyaan terjawab;60%;"
    f"'{RINA};DISKOMINFO-APTIKA;2025-10-01;31/12/2025;Tinggi;Berjalan;40\r\n"
    "Pelatihan prompt;;;;40 operator;"
    f"{FAJAR};bidang aplikasi informatika;;31-01-2026;rendah;;\r\n"
)


def _upload(client, content: bytes, name: str, program, unit_id: int = 0):
    return client.post(
        "/actions/import",
        data={"file": (io.BytesIO(content), name), "program_id": str(program.id),
              "unit_id": str(unit_id)},
        content_type="multipart/form-data",
    )  # fmt: skip


def _token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page)[1]


def _count(db) -> int:
    return db.session.scalar(select(func.count(ActionItem.id)))


def test_preview_then_confirm_imports_every_row(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, GOOD_CSV.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    assert "Semua 2 baris siap diimpor" in page
    assert _count(db) == 0  # the preview writes nothing
    response = client.post("/actions/import/confirm", data={"token": _token(page)})
    assert response.status_code == 302
    items = db.session.scalars(select(ActionItem).order_by(ActionItem.id)).all()
    assert [(i.title, i.owner_id, i.due_date) for i in items] == [
        ("Chatbot FAQ perizinan", org["rina"].id, date(2025, 12, 31)),
        ("Pelatihan prompt", org["fajar"].id, date(2026, 1, 31)),
    ]
    first, second = items
    assert (first.priority, first.status, first.progress, first.start_date) == (
        "high", "in_progress", 40, date(2025, 10, 1),
    )  # fmt: skip
    assert (second.priority, second.status, second.progress) == ("low", "draft", 0)
    kinds = db.session.scalars(select(ItemEvent.kind)).all()
    assert kinds == ["imported", "imported"]


def test_the_same_token_cannot_be_used_twice(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, GOOD_CSV.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    client.post("/actions/import/confirm", data={"token": _token(page)})
    response = client.post(
        "/actions/import/confirm", data={"token": _token(page)}, follow_redirects=True
    )
    assert "tidak ditemukan atau sudah kedaluwarsa" in response.get_data(as_text=True)
    assert _count(db) == 2


def test_english_headers_and_commas_are_understood(db, client, login_as, org):
    content = (
        "Title,Owner NIP,Work unit,Due date,Priority,Status,Progress\n"
        f"Open data portal,{RINA},DISKOMINFO-APTIKA,2026-02-28,high,in progress,10\n"
    )
    login_as(org["hr"])
    page = _upload(client, content.encode(), "actions.csv", org["program"]).get_data(as_text=True)
    assert "Semua 1 baris siap diimpor" in page


def test_every_rows_problem_is_shown_and_nothing_is_written(db, client, login_as, org):
    content = (
        "Judul;NIP Penanggung Jawab;Unit Kerja;Tenggat\n"
        "Tanpa pemilik;199912312020121009;DISKOMINFO-APTIKA;2026-01-31\n"
        f"Tanggal salah;{RINA};DISKOMINFO-APTIKA;31 Desember 2025\n"
        f"Unit asing;{RINA};Dinas Antah Berantah;2026-01-31\n"
        f"Di luar kewenangan;{org['nurse'].nip};DINKES;2026-01-31\n"
        "NIP rusak;1.99003E+17;DISKOMINFO-APTIKA;2026-01-31\n"
        f";{RINA};DISKOMINFO-APTIKA;2026-01-31\n"
        f"Benar;{RINA};DISKOMINFO-APTIKA;2026-01-31\n"
    )
    login_as(org["head"])
    page = _upload(client, content.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    assert "6 dari 7 baris bermasalah" in page
    assert "Tidak ada pegawai aktif dengan NIP 199912312020121009." in page
    assert "Tanggal 31 Desember 2025 tidak dikenali" in page
    assert "Unit kerja Dinas Antah Berantah tidak dikenal." in page
    assert "Unit Dinas Kesehatan di luar kewenangan Anda." in page
    assert "notasi ilmiah" in page
    assert "Judul kosong." in page
    assert 'name="token"' not in page
    assert _count(db) == 0


def test_a_title_above_the_header_is_skipped_and_rows_keep_their_sheet_numbers(
    db, client, login_as, org
):
    content = (
        "RENCANA AKSI BIDANG APTIKA 2025;;;\n;;;\n"
        f"Judul;NIP;Unit Kerja;Tenggat\nPortal data;{RINA};DISKOMINFO-APTIKA;2026-03-01\n"
    )
    login_as(org["head"])
    page = _upload(client, content.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    assert "Semua 1 baris siap diimpor" in page
    assert '<td class="num">4</td>' in page


def test_a_windows_1252_file_is_read_with_a_warning(db, client, login_as, org):
    content = f"Judul;NIP;Unit Kerja;Tenggat\nKafé literasi;{RINA};DISKOMINFO-APTIKA;2026-03-01\n"
    login_as(org["head"])
    page = _upload(client, content.encode("cp1252"), "aksi.csv", org["program"])
    text = page.get_data(as_text=True)
    assert "Kafé literasi" in text
    assert "dibaca sebagai Windows-1252" in text


def test_owner_nip_that_excel_rounded_is_refused_asking_for_a_text_column(
    db, client, login_as, org
):
    content = f"Judul;NIP;Unit Kerja;Tenggat\nDibulatkan;{RINA}.0;DISKOMINFO-APTIKA;2026-03-01\n"
    login_as(org["head"])
    page = _upload(client, content.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    assert "NIP tersimpan sebagai angka oleh Excel" in page
    assert 'name="token"' not in page


def test_hr_imports_for_any_unit(db, client, login_as, org):
    content = (
        f"Judul;NIP;Unit Kerja;Tenggat\nVaksinasi digital;{org['nurse'].nip};DINKES;2026-03-01\n"
    )
    login_as(org["hr"])
    page = _upload(client, content.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    client.post("/actions/import/confirm", data={"token": _token(page)})
    assert db.session.scalar(select(ActionItem.unit_id)) == org["other"].id


def test_owner_outside_the_unit_is_a_problem(db, client, login_as, org):
    nip = org["nurse"].nip
    content = f"Judul;NIP;Unit Kerja;Tenggat\nSalah orang;{nip};DISKOMINFO-APTIKA;2026-03-01\n"
    login_as(org["hr"])
    page = _upload(client, content.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    assert "bukan pegawai Bidang Aplikasi Informatika atau sub-unitnya" in page


def test_default_unit_fills_an_empty_unit_column(db, client, login_as, org):
    content = f"Judul;NIP;Tenggat\nTanpa kolom unit;{RINA};2026-03-01\n"
    login_as(org["head"])
    page = _upload(client, content.encode(), "aksi.csv", org["program"], org["unit"].id).get_data(
        as_text=True
    )
    assert "Semua 1 baris siap diimpor" in page


def test_missing_columns_are_named(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, b"Judul;Keterangan\nA;B\n", "aksi.csv", org["program"])
    text = page.get_data(as_text=True)
    assert "Kolom berikut tidak ditemukan: NIP Penanggung Jawab, Tenggat, Unit Kerja" in text


def test_duplicate_of_an_existing_item_is_a_problem(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, GOOD_CSV.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    client.post("/actions/import/confirm", data={"token": _token(page)})
    again = _upload(client, GOOD_CSV.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    assert "Butir berjudul sama sudah ada" in again
    assert _count(db) == 2


def test_import_is_all_or_nothing_when_data_changes_before_confirming(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, GOOD_CSV.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    org["fajar"].active = False  # the second row's owner leaves before the import is confirmed
    db.session.commit()
    response = client.post("/actions/import/confirm", data={"token": _token(page)})
    assert "tidak ada yang diimpor" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_another_persons_token_is_refused(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, GOOD_CSV.encode(), "aksi.csv", org["program"]).get_data(as_text=True)
    login_as(org["hr"])
    response = client.post(
        "/actions/import/confirm", data={"token": _token(page)}, follow_redirects=True
    )
    assert "tidak ditemukan atau sudah kedaluwarsa" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_xlsx_with_date_cells_imports_and_numeric_nip_is_refused(db, client, login_as, org):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["JUDUL ", "NIP Penanggung Jawab", "Unit Kerja", "Tenggat", "Progres"])
    sheet.append(["Dari Excel", RINA, "DISKOMINFO-APTIKA", datetime(2026, 2, 27), 0.5])
    sheet.append(["NIP angka", int(FAJAR), "DISKOMINFO-APTIKA", datetime(2026, 2, 27), 10])
    out = io.BytesIO()
    workbook.save(out)
    login_as(org["head"])
    page = _upload(client, out.getvalue(), "aksi.xlsx", org["program"]).get_data(as_text=True)
    assert "1 dari 2 baris bermasalah" in page
    assert "NIP tersimpan sebagai angka" in page
    assert "27 Februari 2026" in page


def test_a_renamed_non_xlsx_file_is_refused(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, b"<html></html>", "aksi.xlsx", org["program"]).get_data(as_text=True)
    assert "Isi berkas bukan XLSX yang sah" in page


def test_other_file_types_are_refused(db, client, login_as, org):
    login_as(org["head"])
    page = _upload(client, b"%PDF-1.4", "aksi.pdf", org["program"]).get_data(as_text=True)
    assert "Unggah berkas .csv atau .xlsx." in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-12-31", date(2025, 12, 31)),
        ("31/12/2025", date(2025, 12, 31)),
        ("31-12-2025", date(2025, 12, 31)),
        ("1/2/2026", date(2026, 2, 1)),
        (datetime(2025, 12, 31, 0, 0), date(2025, 12, 31)),
        (46022, date(2025, 12, 31)),
        ("2025-12-31 00:00:00", date(2025, 12, 31)),
    ],
)
def test_dates_in_the_forms_people_write(value, expected):
    assert imports.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "Desember 2025", "2025/31/12", ""])
def test_impossible_dates_are_refused(app, value):
    with pytest.raises(ValueError):
        imports.parse_date(value)


def test_semicolon_is_sniffed_even_when_text_holds_commas():
    table = read_table(b"Judul;Deskripsi\nA;satu, dua, tiga\n", imports.HEADERS)
    rows = [table.header, *(row for _number, row in table.rows)]
    assert rows == [["Judul", "Deskripsi"], ["A", "satu, dua, tiga"]]


def test_headers_are_matched_tolerantly():
    assert normalize_header("\ufeff  Progres (%) ") == "progres"
    assert normalize_header("NIP  Penanggung-Jawab") == "nip penanggung jawab"
