"""CSV and XLSX exports that stream: memory stays flat whatever the number of rows.

CSV: UTF-8 with a BOM (so Excel reads the encoding right), comma-separated (Excel in an
Indonesian locale may expect ';': use Data > From Text, or the XLSX), and every text cell that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) prefixed
with a single quote, so "=HYPERLINK(...)" in a name shows as text (OWASP "CSV injection").
XLSX: openpyxl's write-only mode, bold frozen header, column widths; such cells are stored as
text cells, never formulas.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, send_file, stream_with_context

from lms.i18n import gettext as _
from lms.i18n import to_wib

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """One exported column: header and width (in characters, for XLSX)."""

    header: str
    width: int = 14


def person_columns() -> list[Column]:
    """Who a row is about: the same first columns in every export that names people."""
    return [
        Column(_("NIP"), 20),
        Column(_("Nama"), 32),
        Column(_("Jabatan"), 28),
        Column(_("Jenis jabatan"), 14),
        Column(_("Golongan"), 9),
        Column(_("Unit kerja"), 36),
    ]


def neutralise(value):
    """A cell value safe to open in a spreadsheet; text that looks like a formula is quoted."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_wib(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def csv_chunks(columns: list[Column], rows: Iterable[Iterable], every: int = 500) -> Iterator[str]:
    """The CSV text in chunks of ``every`` rows: the BOM and header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(c.header) for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow([neutralise(_plain(v)) for v in row])
        if n % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, columns: list[Column], rows: Iterable[Iterable]) -> Response:
    """A streamed CSV download; ``rows`` is consumed lazily while the response is sent."""
    response = Response(
        stream_with_context(csv_chunks(columns, rows)), mimetype="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def write_xlsx(target, columns: list[Column], rows: Iterable[Iterable], sheet: str) -> None:
    """Write an XLSX workbook to ``target`` (a path or binary file) in write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet[:31])
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        out = []
        for value in row:
            value = _plain(value)
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text, never a formula
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    workbook.save(target)


def xlsx_response(
    filename: str, columns: list[Column], rows: Iterable[Iterable], sheet: str
) -> Response:
    """An XLSX download, built in a temporary file (never whole in memory), then sent."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it
    write_xlsx(spool, columns, rows, sheet)
    spool.seek(0)
    response = send_file(
        spool,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"{filename}.xlsx",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def respond(fmt: str, filename: str, columns: list[Column], rows, sheet: str) -> Response:
    """The export in ``fmt`` ("csv" or "xlsx")."""
    if fmt == "xlsx":
        return xlsx_response(filename, columns, rows, sheet)
    return csv_response(filename, columns, rows)


RowSource = Callable[[], Iterable[Iterable]]
