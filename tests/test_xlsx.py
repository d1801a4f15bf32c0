"""lms.xlsx reads the values openpyxl's read-only mode reads, from any well-formed sheet.

Each workbook is read by both and compared: written by openpyxl itself (shared strings, styles,
dates), and written here by hand in the shapes other exporters use (a namespace prefix, rows and
cells without a reference, comments, rich text, phonetic runs, every cell type).
"""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime, timedelta
from datetime import time as clock

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from lms.tabular import BLANK_RUN_END, TableError, read_table
from lms.xlsx import Workbook, XlsxError

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"


def ours(data: bytes) -> list[list[list]]:
    book = Workbook(zipfile.ZipFile(io.BytesIO(data)))
    return [list(book.rows(sheet)) for sheet in book.sheets]


def openpyxl_reads(data: bytes) -> list[list[list]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = []
    for sheet in book.worksheets:
        sheet.reset_dimensions()
        out.append([list(row) for row in sheet.iter_rows(values_only=True)])
    book.close()
    return out


def saved(book: OpenpyxlWorkbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def handmade(
    sheet_xml: str,
    strings: str | None = None,
    styles: str | None = None,
    root: str = f'<worksheet xmlns="{NS}">',
    end: str = "</worksheet>",
) -> bytes:
    """A workbook with one sheet whose XML after the root element is ``sheet_xml``."""
    rels = [f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>']
    parts = {"xl/worksheets/sheet1.xml": root + sheet_xml + end}
    if strings is not None:
        rels.append(
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{NS}">{strings}</sst>'
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{REL}/styles" Target="/xl/styles.xml"/>')
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{NS}">{styles}</styleSheet>'
    kinds = {"sheetData": "worksheet", "sst": "sharedStrings", "styleSheet": "styles"}
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{office}.{kind}+xml"/>'
        for name in parts
        for tag, kind in kinds.items()
        if f"<{tag}" in parts[name] or (tag == "sheetData" and name.endswith("sheet1.xml"))
    )
    parts |= {
        "[Content_Types].xml": (
            f'<Types xmlns="{PKG}/content-types"><Default Extension="rels" ContentType="'
            'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
            f'{office}.sheet.main+xml"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Pegawai" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}/relationships">{"".join(rels)}</Relationships>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


# -- as openpyxl reads them ----------------------------------------------------------------------


def test_a_workbook_openpyxl_wrote_reads_the_same():
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.append(["DAFTAR PEGAWAI"])
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["NIP", "Nama", "Tanggal", "Angka", "Lain"])
    sheet.append(["199001022015031003", "  Rina Wulandari ", date(2026, 1, 31), 7, True])
    sheet.append([199001022015031003, "Andrés & <Fajar>", datetime(2026, 1, 31, 8, 30), 0.5])
    sheet.append([1.99001022015031e17, "007", clock(8, 15), timedelta(hours=30), "=1+1"])
    sheet["G9"] = "jauh di kanan, di bawah baris kosong"
    sheet["C9"] = "baris\ndua"
    sheet["A10"] = CellRichText(["Rina ", TextBlock(InlineFont(b=True), "Wulandari")])
    second = book.create_sheet("Kedua")
    second["B2"] = -12.75
    data = saved(book)
    rows = ours(data)
    assert rows == openpyxl_reads(data)
    assert rows[0][3][0] == "199001022015031003"  # text stays text, every digit
    assert isinstance(rows[0][4][0], float)  # a number stays a number, for the NIP check
    assert rows[0][5][1] == "007"
    assert rows[0][3][2] == datetime(2026, 1, 31)
    assert rows[0][6] == [] and rows[0][7] == []  # rows the sheet leaves out
    assert rows[0][9][0] == "Rina Wulandari"


def test_the_1904_calendar_is_respected():
    book = OpenpyxlWorkbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.append(["Tanggal", date(2026, 1, 31)])
    data = saved(book)
    assert ours(data) == openpyxl_reads(data)
    assert ours(data)[0][0][1] == datetime(2026, 1, 31)


STYLES = (
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>'
    '<xf numFmtId="46"/></cellXfs>'
)


@pytest.mark.parametrize(
    "sheet",
    [
        # Every cell type, rows and cells without a reference, out-of-order and repeated rows.
        '<sheetData><row><c t="inlineStr"><is><t>NIP</t></is></c><c t="s"><v>0</v></c></row>'
        '<row r="3" spans="1:9"><c r="B3" t="str"><f>A1</f><v>teks &amp; rumus</v></c>'
        '<c r="D3" t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c r="G3" s="1"><v>46053</v></c>'
        '<c r="H3" s="2"><v>46053.5</v></c><c r="I3" s="3"><v>1.25</v></c><c r="J3"><v/></c>'
        '<c r="K3" t="d"><v>2026-01-31T08:00:00</v></c><c r="L3"><v>1E3</v></c></row>'
        '<row r="2"><c r="A2"><v>9</v></c></row>'
        '<row r="5"><c r="C5" t="inlineStr"/><c r="D5" t="inlineStr"><is/></c>'
        '<c r="E5" t="inlineStr"><is><t/></is></c><c r="F5" s="0" t="n"/></row>'
        "</sheetData>",
        # Rich text and phonetic runs, inline and shared; whitespace kept; references.
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>Rina </t></r><r><rPr><b/>'
        '</rPr><t xml:space="preserve">Wulan dari </t></r><rPh sb="0" eb="1"><t>ri</t></rPh>'
        '</is></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
        '<c r="D1" t="inlineStr"><is><t>&#65;&#x42;&lt;&gt;&quot;&apos;</t></is></c></row>'
        "</sheetData>",
        # Pretty-printed, with a comment and a processing instruction among the rows.
        '<sheetData>\n  <row r="1">\n    <c r="A1" t="s">\n      <v>0</v>\n    </c>\n  </row>\n'
        '  <!-- dari SIMPEG -->\n  <row r="2"><c r="A2"><v>12</v></c></row><?pi x?>\n'
        '  <row r="4"><c r="B4" t="inlineStr"><is><t><![CDATA[a <b> & c]]></t></is></c></row>\n'
        "</sheetData>",
    ],
    ids=["types", "rich-text", "comments"],
)
def test_handmade_sheets_read_the_same(sheet):
    strings = (
        "<si><t>NIP</t></si><si><r><t>Dinas </t></r><r><t>Kominfo</t></r>"
        '<rPh sb="0" eb="1"><t>x</t></rPh></si><si><t xml:space="preserve"> 007 </t></si>'
    )
    data = handmade(sheet, strings=strings, styles=STYLES)
    assert ours(data) == openpyxl_reads(data)


def test_a_namespace_prefix_changes_nothing():
    sheet = (
        '<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>NIP</x:t></x:is></x:c>'
        '<x:c r="B1" t="s"><x:v>0</x:v></x:c></x:row><x:row r="2"><x:c r="A2"><x:v>3</x:v>'
        '</x:c><x:c r="C2" t="inlineStr"><x:is><x:r><x:t>a</x:t></x:r><x:r><x:t>b</x:t></x:r>'
        "</x:is></x:c></x:row></x:sheetData>"
    )
    data = handmade(
        sheet, strings="<si><t>Nama</t></si>", root=f'<x:worksheet xmlns:x="{NS}">',
        end="</x:worksheet>",
    )  # fmt: skip
    rows = ours(data)
    assert rows == openpyxl_reads(data)
    assert rows == [[["NIP", "Nama"], [3, None, "ab"]]]


# -- damaged and hostile ---------------------------------------------------------------------------


def test_text_between_rows_is_ignored_as_by_an_xml_parser():
    data = handmade(
        '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>sampah<row r="2"/></sheetData>'
    )
    assert ours(data) == openpyxl_reads(data) == [[[1], []]]


def test_a_sheet_that_is_not_well_formed_is_an_error():
    data = handmade('<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c></row>')
    with pytest.raises(XlsxError):
        ours(data)


def test_a_damaged_sheet_is_refused_with_a_message(app):
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>NIP</t></is></c>'
    header += '<c r="B1" t="inlineStr"><is><t>Nama</t></is></c></row>'
    data = handmade(f'<sheetData>{header}<row r="2"><c r="A2"><v>1</v></row></sheetData>')
    with pytest.raises(TableError, match="mungkin rusak"):  # at once or while rows are read
        list(read_table(data, {"nip": ("nip",), "name": ("nama",)}, ("nip", "name")).rows)


def test_cells_far_apart_do_not_make_a_huge_grid(app):
    # python-calamine allocates 512 GiB for this 1.4 KB file and aborts the process.
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>NIP</t></is></c>'
    header += '<c r="B1" t="inlineStr"><is><t>Nama</t></is></c></row>'
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    data = handmade(f"<sheetData>{header}{far}</sheetData>")
    assert len(data) < 2000
    started = time.monotonic()
    table = read_table(data, {"nip": ("nip",), "name": ("nama",)}, ("nip", "name"))
    assert list(table.rows) == []  # a thousand blank rows end the data before the far cell
    assert time.monotonic() - started < 5
    assert BLANK_RUN_END < 1048576


def test_a_dtd_is_refused():
    data = handmade("<sheetData/>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            text = source.read(item)
            if item.filename == "xl/workbook.xml":
                text = b'<!DOCTYPE x [<!ENTITY a "b">]>' + text
            target.writestr(item, text)
    with pytest.raises(XlsxError):
        ours(buffer.getvalue())
