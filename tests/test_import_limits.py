"""Uploaded spreadsheets are read within limits: unpacked size, rows, time, runs of blank rows.

The workbooks are written here by a small zip writer (no binary fixtures): a few KiB that unpack
to megabytes, the way a hostile or badly formatted file does.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.actions.models import ActionItem
from lms.tabular import BLANK_RUN_END, ReadLimits, TableError, read_table
from tests.factories import make_program, make_unit, make_user
from tests.people.files import HEADER, csv_bytes, person, xlsx_bytes

ALIASES = {"nip": ("nip",), "name": ("nama",), "unit": ("unit kerja",)}
REQUIRED = ("nip", "name")
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="Pegawai" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _row(values: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>"


def workbook(header: list[str], *chunks: str | tuple[str, int], level: int = 9) -> bytes:
    """An XLSX whose sheet is ``header`` then each chunk: XML, or (XML, times repeated).

    The sheet part is streamed into the zip, so a chunk may repeat to hundreds of megabytes.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{NS}"><sheetData>{_row(header)}'.encode())
            for chunk in chunks:
                text, times = (chunk, 1) if isinstance(chunk, str) else chunk
                block = text.encode()
                while times:
                    batch = min(times, max(1, (1 << 20) // len(block)))
                    sheet.write(block * batch)
                    times -= batch
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


#: 400,000 blank rows as the report found them: 56 KiB that unpack to 18 MB.
BLANK = '<row><c t="inlineStr"><is><t></t></is></c></row>'


def _data(table) -> list[tuple[int, list]]:
    return list(table.rows)


# -- reading -------------------------------------------------------------------------------------


def test_a_run_of_blank_rows_ends_the_data(app):
    just_short = "NIP;Nama\r\n1;Rina\r\n" + ";\r\n" * (BLANK_RUN_END - 1) + "2;Fajar\r\n"
    rows = _data(read_table(just_short.encode(), ALIASES, REQUIRED))
    assert [r[1] for r in rows] == [["1", "Rina"], ["2", "Fajar"]]
    long_run = "NIP;Nama\r\n1;Rina\r\n" + ";\r\n" * BLANK_RUN_END + "2;Fajar\r\n"
    assert _data(read_table(long_run.encode(), ALIASES, REQUIRED)) == [(2, ["1", "Rina"])]


def test_an_xlsx_is_read_no_further_than_its_blank_run(app):
    # Past the blank run the sheet is not even well-formed XML: reading must never get there,
    # neither while opening the workbook (openpyxl scanned every row of a sheet without a
    # <dimension> element) nor while reading rows.
    data = workbook(["NIP", "Nama"], _row(["1", "Rina"]), ("<row/>", BLANK_RUN_END), "<row><c>")
    assert _data(read_table(data, ALIASES, REQUIRED)) == [(2, ["1", "Rina"])]


def test_reading_stops_after_the_row_limit_with_a_message(app):
    data = csv_bytes([person(n) for n in range(4)])
    assert len(_data(read_table(data, ALIASES, REQUIRED, ReadLimits(max_rows=4)))) == 4
    table = read_table(data, ALIASES, REQUIRED, ReadLimits(max_rows=3))
    with pytest.raises(TableError, match="lebih dari 3 baris data"):
        _data(table)


def test_the_row_limit_comes_from_the_configuration(app):
    app.config["IMPORT_MAX_ROWS"] = 2
    table = read_table(csv_bytes([person(n) for n in range(3)]), ALIASES, REQUIRED)
    with pytest.raises(TableError, match="lebih dari 2 baris data"):
        _data(table)


def test_reading_past_the_deadline_stops_with_a_message(app):
    table = read_table(csv_bytes([person(1)]), ALIASES, REQUIRED, ReadLimits(max_seconds=60))
    assert len(_data(table)) == 1
    with pytest.raises(TableError, match="terlalu lama dibaca"):
        read_table(csv_bytes([person(1)]), ALIASES, REQUIRED, ReadLimits(max_seconds=0))


def test_a_zip_bomb_is_refused_by_its_unpacked_size(app):
    # About 1 MiB of zip whose sheet unpacks to 220 MB, over the default 200 MB.
    bomb = workbook(["NIP", "Nama"], ("<row/>", 220 * 1000 * 1000 // 6), level=1)
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(TableError, match="terlalu besar setelah dibuka"):
        read_table(bomb, ALIASES, REQUIRED)


def test_the_unpacked_size_limit_comes_from_the_configuration(app):
    ordinary = xlsx_bytes([[person(n)[h] for h in HEADER] for n in range(2500)])  # 1.4 MB
    assert read_table(ordinary, ALIASES, REQUIRED).columns
    app.config["IMPORT_MAX_UNPACKED_MB"] = 1
    with pytest.raises(TableError, match=r"paling besar 1 MB"):
        read_table(ordinary, ALIASES, REQUIRED)


def test_a_workbook_that_unpacks_hundreds_of_times_its_size_is_refused(app):
    data = workbook(["NIP", "Nama"], (BLANK, 400_000))
    assert len(data) < 80 * 1024
    with pytest.raises(TableError, match="mengembang lebih dari 100 kali"):
        read_table(data, ALIASES, REQUIRED)


# -- the two imports -----------------------------------------------------------------------------


def _people_import(client, data: bytes):
    return client.post(
        "/admin/people/import",
        data={"file": (io.BytesIO(data), "pegawai.xlsx")},
        content_type="multipart/form-data",
    )


def _action_import(client, data: bytes, program):
    return client.post(
        "/actions/import",
        data={"file": (io.BytesIO(data), "aksi.xlsx"), "program_id": str(program.id),
              "unit_id": "0"},
        content_type="multipart/form-data",
    )  # fmt: skip


def _people(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


LATE_PERSON = _row(["199001012015031001", "Rina Wulandari", "Dinas Kominfo"])
LATE_ACTION = _row(["Chatbot FAQ", "199001012015031001", "Dinas Kominfo", "2026-12-31"])
ACTION_HEADER = ["Judul", "NIP Penanggung Jawab", "Unit Kerja", "Tenggat"]


def test_people_import_refuses_400000_blank_rows_and_writes_nothing(client, login_as, db):
    login_as("hr")
    before = _people(db)
    data = workbook(["NIP", "Nama", "Unit Kerja"], (BLANK, 400_000), LATE_PERSON)
    response = _people_import(client, data)
    assert response.status_code == 200
    assert "mengembang lebih dari 100 kali" in response.get_data(as_text=True)
    assert _people(db) == before


def test_people_import_reads_no_row_below_a_run_of_blank_rows(client, login_as, db):
    login_as("hr")
    data = workbook(["NIP", "Nama", "Unit Kerja"], ("<row/>", 5000), LATE_PERSON)
    response = _people_import(client, data)
    assert response.status_code == 302  # the preview, of a file with no person in it
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Berkas tidak memuat satu pun baris pegawai." in page


def test_people_import_stops_at_the_row_limit(app, client, login_as, db):
    login_as("hr")
    app.config["IMPORT_MAX_ROWS"] = 2
    before = _people(db)
    data = xlsx_bytes([[person(n)[h] for h in HEADER] for n in range(3)])
    page = _people_import(client, data).get_data(as_text=True)
    assert "lebih dari 2 baris data" in page
    assert _people(db) == before


@pytest.fixture
def head(db):
    unit = make_unit("Dinas Kominfo")
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    unit.head = head
    program = make_program("Jatim Retret 2025")
    db.session.commit()
    return head, program


def _items(db) -> int:
    return db.session.scalar(select(func.count(ActionItem.id)))


def test_action_import_refuses_400000_blank_rows_and_writes_nothing(client, login_as, db, head):
    user, program = head
    login_as(user)
    data = workbook(ACTION_HEADER, (BLANK, 400_000), LATE_ACTION)
    page = _action_import(client, data, program).get_data(as_text=True)
    assert "mengembang lebih dari 100 kali" in page
    assert _items(db) == 0


def test_action_import_reads_no_row_below_a_run_of_blank_rows(client, login_as, db, head):
    user, program = head
    login_as(user)
    data = workbook(ACTION_HEADER, ("<row/>", 5000), LATE_ACTION)
    page = _action_import(client, data, program).get_data(as_text=True)
    assert "Berkas tidak berisi baris data di bawah judul kolom." in page
    assert _items(db) == 0
