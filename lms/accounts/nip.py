"""NIP (Nomor Induk Pegawai) checks.

A PNS NIP has 18 digits: birth date YYYYMMDD, appointment (TMT CPNS) YYYYMM, a gender digit
(1 male, 2 female) and a 3-digit sequence. PPPK numbers are 18 digits too, with a structure not
yet confirmed, so for them only the dates that parse are checked.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lms.i18n import lazy_gettext as _l

_DIGITS = re.compile(r"^\d{18}$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
_FLOAT_TAIL = re.compile(r"^\d+[.,]0+$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3}){3,}$")


class NipError(ValueError):
    """A NIP that cannot be right; the message says why, in Indonesian."""


def clean_nip(raw: str | None) -> str:
    """Strip what people type around a NIP: spaces, dots, dashes, a leading apostrophe."""
    value = (raw or "").strip().lstrip("'\u2019")
    return re.sub(r"[\s.\-]", "", value)


def _birth_date(nip: str) -> date | None:
    try:
        return date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return None


def _appointment(nip: str) -> tuple[int, int] | None:
    year, month = int(nip[8:12]), int(nip[12:14])
    return (year, month) if 1 <= month <= 12 else None


def validate_nip(raw: str | None, employment: str = "PNS", today: date | None = None) -> str:
    """Return the cleaned NIP, or raise :class:`NipError` saying what is wrong."""
    plain = raw is not None and len(raw) == 18 and raw.isdigit() and raw.isascii()
    nip = raw if plain else clean_nip(raw)
    today = today or date.today()
    if not nip:
        raise NipError(str(_l("NIP wajib diisi.")))
    if not _DIGITS.match(nip):
        raise NipError(str(_l("NIP harus terdiri dari 18 digit angka.")))
    born = _birth_date(nip)
    appointed = _appointment(nip)
    strict = employment.upper() != "PPPK"
    if born is None:
        if strict:
            raise NipError(str(_l("Tanggal lahir pada NIP (digit 1–8) tidak valid.")))
    elif not (born.year >= 1930 and born <= today):
        raise NipError(str(_l("Tanggal lahir pada NIP (digit 1–8) tidak masuk akal.")))
    if appointed is None:
        if strict:
            raise NipError(str(_l("Bulan TMT pada NIP (digit 13–14) tidak valid.")))
    else:
        year, month = appointed
        if (year, month) > (today.year, today.month) or year < 1950:
            raise NipError(str(_l("Tahun TMT pada NIP (digit 9–14) tidak masuk akal.")))
        if born is not None and year - born.year < 15:
            raise NipError(str(_l("TMT pada NIP terlalu dekat dengan tanggal lahir.")))
    if strict and nip[14] not in "12":
        raise NipError(str(_l("Digit ke-15 NIP (jenis kelamin) harus 1 atau 2.")))
    return nip


def nip_from_cell(value: Any, employment: str = "PNS", today: date | None = None) -> str:
    """The NIP in a spreadsheet cell, checked by :func:`validate_nip`, or :class:`NipError`.

    Refuses a NIP that Excel has turned into a number (a numeric cell, 1.98703E+17, a trailing
    '.0', thousands separators, or last digits that came back as zeros), asking for the column
    to be formatted as text: the lost digits cannot be guessed.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise NipError(_excel_number_message())
    if isinstance(value, str) and len(value) == 18 and value.isdigit() and value.isascii():
        # Most cells: 18 digits and nothing else (an import checks 100,000 of them).
        if value.endswith("000"):
            raise NipError(_excel_number_message())
        return validate_nip(value, employment, today)
    text = " ".join(str(value if value is not None else "").split()).lstrip("'\u2019")
    if _SCIENTIFIC.match(text):
        raise NipError(
            str(
                _l(
                    "NIP tersimpan sebagai angka oleh Excel (tertulis dalam notasi ilmiah, "
                    "%(value)s) sehingga digit terakhirnya hilang. Ubah format kolom NIP menjadi "
                    "Teks, isi kembali NIP dari sumber aslinya (SIASN/SIMPEG), lalu unggah ulang. "
                    "Sinau tidak menebak digit yang hilang.",
                    value=text,
                )
            )
        )
    if _FLOAT_TAIL.match(text) or _THOUSANDS.match(text):
        raise NipError(_excel_number_message())
    cleaned = clean_nip(text)
    # A double keeps about 15 digits: the last ones come back as zeros. No NIP ends in 000
    # (the sequence number starts at 001).
    if len(cleaned) == 18 and cleaned.isdigit() and cleaned.endswith("000"):
        raise NipError(_excel_number_message())
    return validate_nip(text, employment, today)


def _excel_number_message() -> str:
    return str(
        _l(
            "NIP tersimpan sebagai angka oleh Excel sehingga digit terakhirnya hilang. Ubah format "
            "kolom NIP menjadi Teks, isi kembali NIP dari sumber aslinya (SIASN/SIMPEG), lalu "
            "unggah ulang. Sinau tidak menebak digit yang hilang."
        )
    )
