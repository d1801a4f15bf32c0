"""Reading an uploaded spreadsheet: CSV (any common separator and encoding) or XLSX.

:func:`read_table` turns bytes into a :class:`Table`: the header row mapped to canonical column
names, and the data rows numbered as in the spreadsheet. It judges a file by its content, not its
name, and knows nothing of what the columns mean: each import passes its own column names with
the headers it accepts for them (compared after :func:`lms.cells.normalize_header`).

Cells keep their type from XLSX (a NIP that Excel stored as a number must stay recognisable as
one), as :mod:`lms.xlsx` streams them; CSV cells are strings.

A file is read within :class:`ReadLimits` (unpacked size, data rows, time; from the app's
``IMPORT_MAX_*`` settings), and a run of :data:`BLANK_RUN_END` blank rows ends the data, so a
small upload cannot hold a worker for long: a 57 KiB workbook of 400,000 blank rows used to.
"""

from __future__ import annotations

import codecs
import csv
import io
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context

from lms.cells import Aliases, map_columns
from lms.i18n import gettext as _
from lms.i18n import number as format_number
from lms.xlsx import Workbook, XlsxError

#: Where to look for the header row: exports often start with a title and a blank line.
HEADER_SEARCH_ROWS = 20
DELIMITERS = (";", ",", "\t", "|")


#: This many blank rows in a row end the data. Nothing real lies below a thousand empty rows,
#: and a sheet formatted down to row 1,048,576 is then read in a moment.
BLANK_RUN_END = 1000
#: An XLSX part larger than RATIO_CHECK_BYTES unpacked may unpack to at most MAX_RATIO times its
#: packed size. Real sheets unpack 5 to 15 times; a zip bomb (or a million formatted empty rows)
#: hundreds of times.
RATIO_CHECK_BYTES = 1024 * 1024
MAX_RATIO = 100

_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc")


class TableError(ValueError):
    """The file cannot be read as a table at all; the message says why, in Indonesian."""


class NotATable(TableError):
    """The content is neither CSV text nor an XLSX workbook."""

    def __init__(self) -> None:
        super().__init__(
            _("Berkas ini bukan CSV teks. Simpan sebagai CSV atau XLSX, lalu unggah lagi.")
        )


class MissingColumns(TableError):
    """No row near the top holds every required column.

    ``found`` maps the columns of the row that came closest; ``blank`` says that the rows looked
    at were all empty. Each import words its own message from these.
    """

    def __init__(self, missing: list[str], found: dict[str, int], blank: bool) -> None:
        if blank:
            message = _("Berkas tidak berisi data.")
        else:
            message = _(
                "Kolom berikut tidak ditemukan: %(columns)s. Periksa baris judul kolom.",
                columns=", ".join(missing),
            )
        super().__init__(message)
        self.missing = missing
        self.found = found
        self.blank = blank


@dataclass(frozen=True)
class ReadLimits:
    """How much of an uploaded file is read: unpacked XLSX size, data rows, and time."""

    max_unpacked_mb: int = 200
    max_rows: int = 150_000
    max_seconds: float = 60

    @classmethod
    def configured(cls) -> ReadLimits:
        """The app's ``IMPORT_MAX_*`` settings; the defaults outside an app (scripts)."""
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(
            max_unpacked_mb=config["IMPORT_MAX_UNPACKED_MB"],
            max_rows=config["IMPORT_MAX_ROWS"],
            max_seconds=config["IMPORT_MAX_SECONDS"],
        )


@dataclass
class Table:
    """A header row mapped to column names, and the data rows below it."""

    #: The header row as written in the file.
    header: list[Any]
    #: The header's row number in the spreadsheet (1 is the first row).
    header_row: int
    #: Column name -> column index.
    columns: dict[str, int]
    #: Column name -> the header as written (for messages).
    headers: dict[str, str]
    #: Headers present in the file that no column name claims.
    ignored: list[str]
    #: (row number in the spreadsheet, cell values) for every row that is not empty.
    rows: Iterator[tuple[int, list[Any]]]
    warnings: list[str] = field(default_factory=list)
    kind: str = "csv"


def read_table(
    data: bytes, aliases: Aliases, required: Sequence[str] = (), limits: ReadLimits | None = None
) -> Table:
    """Read ``data`` (CSV or XLSX, judged by content, not by name) as a :class:`Table`.

    The header is the first row among the first :data:`HEADER_SEARCH_ROWS` that holds every
    ``required`` column (XLSX: of the first sheet that has one). Raises :class:`TableError`,
    also while its rows are read: past ``limits`` (default: the app's), nothing more is read.
    """
    limits = limits or ReadLimits.configured()
    reading = _Reading(limits, time.monotonic() + limits.max_seconds)
    if not data.strip():
        raise TableError(_("Berkas kosong."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, aliases, required, reading)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TableError(
            _(
                "Format Excel lama (.xls) tidak didukung. Simpan berkas sebagai .xlsx "
                "atau CSV, lalu unggah lagi."
            )
        )
    text, warnings = _decode(data)
    return _read_csv(text, warnings, aliases, required, reading)


# -- CSV -----------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 with a warning."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise NotATable() from None
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        raise NotATable()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    # Excel on Windows saves "CSV" in the ANSI code page.
    warning = _(
        "Berkas tidak tersimpan dalam UTF-8, sehingga dibaca sebagai %(encoding)s. Periksa "
        "ejaan nama yang memuat huruf khusus pada pratinjau; bila keliru, simpan ulang berkas "
        "sebagai CSV UTF-8."
    )
    try:
        return data.decode("cp1252"), [warning % {"encoding": "Windows-1252"}]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [warning % {"encoding": "Latin-1"}]


def _sniff_delimiter(text: str, aliases: Aliases, required: Sequence[str]) -> str:
    """The separator that makes a header out of one of the first lines.

    Tries ';' (Excel in the Indonesian locale), ',', tab and '|' on each of the first non-empty
    lines and keeps the one that maps the most required, then the most, columns; when none maps
    any, the one the first line holds most of (',' if none).
    """
    lines = [line for line in text[:20000].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    if not lines:
        return ","
    best, best_score = None, (0, 0, 0)
    for delimiter in DELIMITERS:
        for line in lines:
            cells = next(csv.reader([line], delimiter=delimiter), [])
            columns = map_columns(cells, aliases)[0]
            hits = sum(name in columns for name in required)
            score = (hits, len(columns), line.count(delimiter))
            if columns and score > best_score:
                best, best_score = delimiter, score
    if best is not None:
        return best
    counts = {d: lines[0].count(d) for d in DELIMITERS}
    most = max(counts, key=lambda d: counts[d])
    return most if counts[most] else ","


def _read_csv(
    text: str, warnings: list[str], aliases: Aliases, required: Sequence[str], reading: _Reading
) -> Table:
    first, newline, rest = text.partition("\n")
    if first[:4].lower() == "sep=" and len(first.rstrip("\r")) == 5:
        delimiter = first[4]  # Excel's own hint; Excel hides the line, so rows count from the next
        text = rest if newline else ""
    else:
        delimiter = _sniff_delimiter(text, aliases, required)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = reading.timed(enumerate(reader, start=1))
        return _find_header(rows, aliases, required, warnings, "csv", reading)
    except csv.Error:
        raise NotATable() from None


# -- XLSX ----------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, aliases: Aliases, required: Sequence[str], reading: _Reading) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise NotATable() from None
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise NotATable()
    _check_unpacked(members, reading.limits)
    try:
        workbook = Workbook(archive)
    except _DAMAGED:
        raise _damaged() from None
    errors: list[MissingColumns] = []
    for sheet in workbook.sheets:
        rows = reading.timed(enumerate(_checked(workbook.rows(sheet)), start=1))
        try:
            table = _find_header(rows, aliases, required, [], "xlsx", reading)
        except MissingColumns as exc:
            errors.append(exc)
            continue
        return table
    if not errors:
        raise NotATable()
    # The sheet that came closest says best what is missing.
    raise max(errors, key=lambda e: (not e.blank, len(e.found)))


#: What a damaged workbook raises while it is read: its XML, its zip, its text.
_DAMAGED = (XlsxError, zipfile.BadZipFile, EOFError, OSError, UnicodeDecodeError, KeyError)


def _damaged() -> TableError:
    return TableError(
        _("Berkas XLSX tidak dapat dibaca; mungkin rusak. Buka dan simpan ulang di Excel.")
    )


def _checked(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """``rows``, with a damaged part of the workbook reported as a :class:`TableError`."""
    try:
        yield from rows
    except _DAMAGED:
        raise _damaged() from None


def _check_unpacked(members: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """Refuse a workbook that unpacks to too much, or far more than real sheets do.

    The sizes are the zip's own; Python's zipfile never unpacks more than a member declares.
    """
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_mb * 1024 * 1024:
        raise TableError(
            _(
                "Isi berkas XLSX terlalu besar setelah dibuka (%(mb)s MB; paling besar %(max)s "
                "MB). Bagi data menjadi beberapa berkas, lalu unggah lagi.",
                mb=format_number(unpacked / 1024 / 1024, 0),
                max=format_number(limits.max_unpacked_mb, 0),
            )
        )
    for member in members:
        if member.file_size > RATIO_CHECK_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise TableError(
                _(
                    "Berkas XLSX ini tidak wajar: isinya mengembang lebih dari %(n)d kali saat "
                    "dibuka, biasanya karena ribuan baris kosong yang berformat. Hapus baris dan "
                    "kolom kosong di bawah dan di samping data, simpan, lalu unggah lagi.",
                    n=MAX_RATIO,
                )
            )


# -- header and rows -----------------------------------------------------------------------------


@dataclass
class _Reading:
    """The limits of one file's reading, and when its time is up."""

    limits: ReadLimits
    deadline: float

    def timed(self, numbered: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        """``numbered``, stopped with a :class:`TableError` once the deadline has passed."""
        for item in numbered:
            if time.monotonic() > self.deadline:
                raise TableError(
                    _(
                        "Berkas ini terlalu lama dibaca (lebih dari %(n)s detik) dan tidak "
                        "diproses. Hapus baris dan kolom kosong di bawah dan di samping data, "
                        "atau bagi menjadi beberapa berkas, lalu unggah lagi.",
                        n=format_number(self.limits.max_seconds, 0),
                    )
                )
            yield item


def _filled(row: Sequence[Any]) -> bool:
    return any(cell is not None and str(cell).strip() for cell in row)


def _find_header(
    numbered: Iterator[tuple[int, Any]],
    aliases: Aliases,
    required: Sequence[str],
    warnings: list[str],
    kind: str,
    reading: _Reading,
) -> Table:
    best: dict[str, int] = {}
    blank = True
    for number, row in numbered:
        row = list(row)
        blank = blank and not _filled(row)
        columns, headers, ignored = map_columns(row, aliases)
        if columns and all(name in columns for name in required):
            rows = _data_rows(numbered, number, reading.limits)
            return Table(row, number, columns, headers, ignored, rows, warnings, kind)
        if len(columns) > len(best):
            best = columns
        if number >= HEADER_SEARCH_ROWS:
            break
    raise MissingColumns([name for name in required if name not in best], best, blank)


def _data_rows(
    numbered: Iterator[tuple[int, Any]], number: int, limits: ReadLimits
) -> Iterator[tuple[int, list]]:
    count = blank_run = 0
    try:
        for number, row in numbered:  # the last number tells where a broken row is
            if not _filled(row):
                blank_run += 1
                if blank_run >= BLANK_RUN_END:
                    return
                continue
            blank_run = 0
            count += 1
            if count > limits.max_rows:
                raise TableError(
                    _(
                        "Berkas memuat lebih dari %(n)s baris data. Bagi menjadi beberapa "
                        "berkas, lalu unggah satu per satu.",
                        n=format_number(limits.max_rows, 0),
                    )
                )
            yield number, list(row)
    except csv.Error:
        raise TableError(
            _("Berkas CSV rusak di sekitar baris %(n)d; periksa tanda kutipnya.", n=number + 1)
        ) from None
