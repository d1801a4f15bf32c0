"""Reading staff lists as SIASN/SIMPEG export them: CSV (any separator, encoding) or XLSX.

The reader only turns bytes into a header and rows; it knows nothing of the database. Cells keep
their type from XLSX (a NIP that Excel stored as a number must be recognisable as one).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lms.i18n import gettext as _

#: Where to look for the header row: exports often start with a title and a blank line.
HEADER_SEARCH_ROWS = 20

#: Field -> accepted headers after :func:`normalize_header`, the preferred first.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    # "NIP LAMA" (the 9-digit pre-1999 number) is deliberately absent.
    "nip": ("nip baru", "nip 18 digit", "nip", "nomor induk pegawai", "no nip", "nip pegawai",
            "nip asn", "employee id", "employee number"),
    "name": ("nama lengkap", "nama pegawai", "nama asn", "nama", "full name", "name",
             "employee name"),
    "title_front": ("gelar depan", "front title"),
    "title_back": ("gelar belakang", "back title"),
    "position": ("jabatan", "nama jabatan", "jabatan nama", "jabatan terakhir", "position",
                 "job title", "position name"),
    "position_type": ("jenis jabatan", "jenis jabatan nama", "tipe jabatan", "position type",
                      "job type"),
    "echelon": ("eselon", "eselon nama", "echelon"),
    "rank": ("golongan ruang", "golongan", "gol ruang", "gol", "pangkat gol", "pangkat golongan",
             "golongan terakhir", "gol akhir", "golongan nama", "rank", "grade", "pangkat"),
    "employment": ("status pegawai", "status kepegawaian", "status asn", "jenis pegawai",
                   "jenis asn", "status", "employment", "employment status", "employee status"),
    "email": ("email kantor", "email dinas", "email resmi", "email", "e mail", "alamat email",
              "surel", "office email", "work email", "email address"),
    "unit": ("unit kerja", "nama unit kerja", "unor", "unor nama", "nama unor", "unit organisasi",
             "unit", "satuan kerja", "work unit", "organization unit", "organisation unit",
             "department"),
    "parent_unit": ("unit kerja induk", "unor induk", "unor induk nama", "induk unit", "opd",
                    "perangkat daerah", "parent unit"),
    "sub_unit": ("sub unit kerja", "sub unit", "subunit", "sub unit organisasi", "sub unor"),
    "unit_code": ("kode unit", "kode unit kerja", "kode unor", "id unor", "unor id", "unit code",
                  "unit id"),
}  # fmt: skip

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class ImportFileError(ValueError):
    """The file cannot be read as a staff list at all; the message says why, in Indonesian."""


@dataclass
class Table:
    """A staff list: the mapped columns and the data rows, numbered as in the spreadsheet."""

    #: Field -> column index.
    columns: dict[str, int]
    #: Field -> the header as written in the file (for messages).
    headers: dict[str, str]
    #: Headers present in the file that Sinau does not use.
    ignored: list[str]
    #: (row number in the spreadsheet, cell values).
    rows: Iterator[tuple[int, list[Any]]]
    warnings: list[str] = field(default_factory=list)
    kind: str = "csv"


def normalize_header(value: Any) -> str:
    """'NIP BARU' -> 'nip baru', 'E-mail' -> 'e mail', 'golongan/ruang' -> 'golongan ruang'."""
    text = str(value or "").replace("\ufeff", "").lower()
    return _NON_ALNUM.sub(" ", text).strip()


def map_columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Match a header row to fields; return (field -> index, field -> header, ignored headers)."""
    names = [normalize_header(h) for h in header]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    columns: dict[str, int] = {}
    used: set[int] = set()
    for fld, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            i = index.get(alias)
            if i is not None and i not in used:
                columns[fld] = i
                used.add(i)
                break
    headers = {fld: str(header[i]).strip() for fld, i in columns.items()}
    ignored = [str(h).strip() for i, h in enumerate(header) if i not in used and names[i]]
    return columns, headers, ignored


def read_table(data: bytes) -> Table:
    """Read ``data`` (CSV or XLSX, judged by content, not by name) as a staff list."""
    if not data.strip():
        raise ImportFileError(_("Berkas kosong."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _(
                "Format Excel lama (.xls) tidak didukung. Simpan berkas sebagai .xlsx "
                "atau CSV, lalu unggah lagi."
            )
        )
    text, warnings = _decode(data)
    return _read_csv(text, warnings)


# -- CSV -----------------------------------------------------------------------------------------

_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc")


def _not_a_staff_list() -> ImportFileError:
    return ImportFileError(
        _("Berkas ini bukan CSV atau XLSX. Unggah daftar pegawai hasil ekspor SIASN/SIMPEG.")
    )


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise _not_a_staff_list() from None
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        raise _not_a_staff_list()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    warning = _(
        "Berkas tidak tersimpan dalam UTF-8, sehingga dibaca sebagai %(encoding)s. Periksa "
        "ejaan nama yang memuat huruf khusus pada pratinjau; bila keliru, simpan ulang berkas "
        "sebagai CSV UTF-8."
    )
    try:
        return data.decode("cp1252"), [warning % {"encoding": "Windows-1252"}]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [warning % {"encoding": "Latin-1"}]


def _sniff_delimiter(text: str) -> str:
    """The separator of the header line: ';' (Excel in Indonesian locale), ',', tab or '|'."""
    lines = [line for line in text[:20000].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    if not lines:
        return ","
    header = next((line for line in lines if "nip" in line.lower()), lines[0])
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str, warnings: list[str]) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    numbered = enumerate(reader, start=1)
    try:
        return _find_header(numbered, warnings, "csv")
    except csv.Error:
        raise _not_a_staff_list() from None


# -- XLSX ----------------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        raise _not_a_staff_list() from None
    if not is_workbook:
        raise _not_a_staff_list()
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(
            _("Berkas XLSX tidak dapat dibaca; mungkin rusak. Buka dan simpan ulang di Excel.")
        ) from None
    first_error: ImportFileError | None = None
    for sheet in workbook.worksheets:
        sheet.reset_dimensions()  # some exporters write a wrong size; read every row
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        try:
            table = _find_header(rows, [], "xlsx")
        except ImportFileError as exc:
            first_error = first_error or exc
            continue
        table.rows = _closing(table.rows, workbook)
        return table
    workbook.close()
    raise first_error or _not_a_staff_list()


def _closing(rows: Iterator, workbook) -> Iterator:
    try:
        yield from rows
    finally:
        workbook.close()


# -- header --------------------------------------------------------------------------------------


def _find_header(numbered: Iterator[tuple[int, Any]], warnings: list[str], kind: str) -> Table:
    """Find the header row among the first rows (exports often start with a title)."""
    best: tuple[dict, dict, list] | None = None
    for number, row in numbered:
        row = list(row)
        columns, headers, ignored = map_columns(row)
        if "nip" in columns and "name" in columns:
            return Table(columns, headers, ignored, _data_rows(numbered), warnings, kind)
        if columns and (best is None or len(columns) > len(best[0])):
            best = (columns, headers, ignored)
        if number >= HEADER_SEARCH_ROWS:
            break
    if best is not None and ("nip" in best[0] or "name" in best[0]):
        missing = _("NIP") if "nip" not in best[0] else _("Nama")
        raise ImportFileError(
            _(
                "Kolom %(column)s tidak ditemukan. Berkas harus memuat kolom NIP dan Nama "
                "pada baris judul.",
                column=missing,
            )
        )
    raise ImportFileError(
        _(
            "Baris judul kolom tidak ditemukan. Berkas harus memuat kolom NIP dan Nama "
            "(misalnya NIP, Nama, Jabatan, Unit Kerja, Golongan, Email)."
        )
    )


def _data_rows(numbered: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, list[Any]]]:
    for number, row in numbered:
        if any(cell is not None and str(cell).strip() for cell in row):
            yield number, list(row)
