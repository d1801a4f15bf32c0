"""Reading staff lists as SIASN/SIMPEG export them (CSV or XLSX; see :mod:`lms.tabular`).

This module knows which headers name which field of a person, and words the messages for a file
that is not a staff list.
"""

from __future__ import annotations

from typing import Any

from lms.cells import map_columns as _map_columns
from lms.i18n import gettext as _
from lms.tabular import MissingColumns, NotATable, Table, TableError
from lms.tabular import read_table as _read_table

__all__ = ["HEADER_ALIASES", "ImportFileError", "Table", "map_columns", "read_table"]

#: The file cannot be read as a staff list at all; the message says why, in Indonesian.
ImportFileError = TableError

#: Field -> accepted headers after :func:`lms.cells.normalize_header`, the preferred first.
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
             "golongan terakhir", "gol akhir", "gol akhir nama", "golongan nama", "rank", "grade",
             "pangkat"),
    "employment": ("status pegawai", "status kepegawaian", "status asn", "jenis pegawai",
                   "jenis pegawai nama", "jenis asn", "status", "employment", "employment status",
                   "employee status"),
    # SIASN: "C" (CPNS) or "P" (PNS); read when the file has no JENIS PEGAWAI.
    "cpns": ("status cpns pns", "status cpns", "cpns pns"),
    # The first day of a PPPK's contract: their JP are counted per contract year from it.
    "contract_start": ("tmt pppk", "tmt kontrak", "tmt perjanjian kerja", "awal kontrak",
                       "tanggal awal kontrak", "tanggal mulai kontrak", "mulai kontrak",
                       "awal perjanjian kerja", "tanggal mulai perjanjian kerja",
                       "contract start", "contract start date"),
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


def map_columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Match a header row to fields; return (field -> index, field -> header, ignored headers)."""
    return _map_columns(header, HEADER_ALIASES)


def read_table(data: bytes) -> Table:
    """Read ``data`` (CSV or XLSX, judged by content, not by name) as a staff list."""
    try:
        return _read_table(data, HEADER_ALIASES, required=("nip", "name"))
    except NotATable:
        raise ImportFileError(
            _("Berkas ini bukan CSV atau XLSX. Unggah daftar pegawai hasil ekspor SIASN/SIMPEG.")
        ) from None
    except MissingColumns as exc:
        if "nip" in exc.found or "name" in exc.found:
            missing = _("NIP") if "nip" not in exc.found else _("Nama")
            raise ImportFileError(
                _(
                    "Kolom %(column)s tidak ditemukan. Berkas harus memuat kolom NIP dan Nama "
                    "pada baris judul.",
                    column=missing,
                )
            ) from None
        raise ImportFileError(
            _(
                "Baris judul kolom tidak ditemukan. Berkas harus memuat kolom NIP dan Nama "
                "(misalnya NIP, Nama, Jabatan, Unit Kerja, Golongan, Email)."
            )
        ) from None
