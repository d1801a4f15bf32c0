"""The shared spreadsheet reader: any CSV Excel or an exporter writes, or an XLSX workbook."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from lms.cells import cell_text, map_columns
from lms.tabular import MissingColumns, NotATable, TableError, read_table

ALIASES = {"nip": ("nip baru", "nip"), "name": ("nama", "name"), "due": ("tenggat", "due date")}
REQUIRED = ("nip", "name")


def _rows(table) -> list[tuple[int, list]]:
    return list(table.rows)


def _xlsx(*sheets: list[list]) -> bytes:
    workbook = Workbook()
    for i, rows in enumerate(sheets):
        sheet = workbook.active if i == 0 else workbook.create_sheet()
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_excel_sep_line_sets_the_separator_and_rows_count_from_the_next_line():
    table = read_table(b"sep=,\r\nNIP,Nama\r\n1,Rina; Wulandari\r\n", ALIASES, REQUIRED)
    assert table.header_row == 1
    assert _rows(table) == [(2, ["1", "Rina; Wulandari"])]


def test_separator_is_the_one_that_makes_a_header_even_below_a_title():
    data = b"DAFTAR PEGAWAI, 2026\r\n\r\nNIP|Nama|Catatan\r\n1|Rina|a, b, c\r\n"
    table = read_table(data, ALIASES, REQUIRED)
    assert (table.header_row, table.columns) == (3, {"nip": 0, "name": 1})
    assert table.ignored == ["Catatan"]
    assert _rows(table) == [(4, ["1", "Rina", "a, b, c"])]


def test_utf16_csv_as_excel_saves_unicode_text_is_read():
    data = "NIP\tNama\r\n1\tAndrés\r\n".encode("utf-16")
    assert _rows(read_table(data, ALIASES, REQUIRED)) == [(2, ["1", "Andrés"])]


def test_windows_1252_csv_is_read_with_a_warning(app):
    table = read_table("NIP;Nama\n1;Andrés\n".encode("cp1252"), ALIASES, REQUIRED)
    assert _rows(table) == [(2, ["1", "Andrés"])]
    assert "Windows-1252" in table.warnings[0]


def test_a_header_is_also_known_without_its_parenthesised_hint():
    columns, headers, _ = map_columns(["Tenggat (dd/mm/yyyy)", "NIP (18 digit)"], ALIASES)
    assert columns == {"nip": 1, "due": 0}
    assert headers["due"] == "Tenggat (dd/mm/yyyy)"


def test_an_exact_header_wins_over_one_with_a_hint():
    columns, _, _ = map_columns(["NIP (lama)", "NIP"], ALIASES)
    assert columns["nip"] == 1


def test_missing_required_columns_are_named_with_the_closest_row(app):
    with pytest.raises(MissingColumns) as caught:
        read_table(b"Judul\nNama;Tenggat\nRina;2026-01-01\n", ALIASES, REQUIRED)
    assert caught.value.missing == ["nip"]
    assert caught.value.found == {"name": 0, "due": 1}
    assert not caught.value.blank


def test_a_file_of_empty_rows_is_blank(app):
    with pytest.raises(MissingColumns) as caught:
        read_table(b";;\r\n;;\r\n", ALIASES, REQUIRED)
    assert caught.value.blank
    assert str(caught.value) == "Berkas tidak berisi data."


def test_the_first_sheet_with_a_header_is_read_and_cells_keep_their_type(app):
    data = _xlsx([], [["NIP", "Nama", "Tenggat"], [1.99003152015032e17, "Rina", date(2026, 1, 31)]])
    table = read_table(data, ALIASES, REQUIRED)
    assert table.kind == "xlsx"
    assert _rows(table) == [(2, [1.99003152015032e17, "Rina", datetime(2026, 1, 31)])]


def test_without_a_header_anywhere_the_closest_sheet_says_what_is_missing(app):
    with pytest.raises(MissingColumns) as caught:
        read_table(_xlsx([["Petunjuk pengisian"]], [["Nama", "Tenggat"]]), ALIASES, REQUIRED)
    assert caught.value.missing == ["nip"]


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04not a zip", b"a;b\x00c"]
)
def test_content_that_is_no_table_is_refused(app, data):
    with pytest.raises(NotATable):
        read_table(data, ALIASES, REQUIRED)


def test_a_broken_csv_row_is_reported_with_its_number(app):
    data = b'NIP;Nama\n1;Rina\n2;"' + b"x" * 200_000 + b'"\n'
    table = read_table(data, ALIASES, REQUIRED)
    with pytest.raises(TableError, match="sekitar baris 3"):
        _rows(table)


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), ("  Rina ", "Rina"), (40.0, "40"), (0.5, "0.5"), (7, "7"),
     (datetime(2026, 1, 31, 0, 0), "2026-01-31"), (date(2026, 1, 31), "2026-01-31")],
)  # fmt: skip
def test_cells_read_as_people_see_them(value, text):
    assert cell_text(value) == text
