"""Reading one cell of a staff file: employment, CPNS, position type, rank and unit path, in
the words SIASN and SIMPEG write."""

from __future__ import annotations

import re
from typing import Any

from lms.accounts.models import POSITION_TYPES, STRUCTURAL
from lms.cells import cell_text
from lms.i18n import gettext as _

# -- cells ---------------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return not cell_text(value).lstrip("'\u2019").strip()


def clean_text(value: Any) -> str:
    """A cell as text (:func:`lms.cells.cell_text`) with all whitespace collapsed."""
    return " ".join(cell_text(value).split())


_EMPLOYMENT = {
    "pns": "PNS",
    "cpns": "PNS",
    "calon pns": "PNS",
    "pegawai negeri sipil": "PNS",
    "pppk": "PPPK",
    "p3k": "PPPK",
    "pppk penuh waktu": "PPPK",
    "pppk paruh waktu": "PPPK",
    "pegawai pemerintah dengan perjanjian kerja": "PPPK",
}


def parse_employment(text: str) -> str:
    """'PNS' or 'PPPK' from what exports write: CPNS, P3K, and SIASN's JENIS PEGAWAI ("PNS Daerah
    Provinsi", "PNS Pusat DPK", "PNS Daerah Kab/Kota", "PPPK"); ValueError if unknown."""
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())
    if key in _EMPLOYMENT:
        return _EMPLOYMENT[key]
    words = key.split()
    if words and words[0] in ("pns", "cpns"):  # PNS Daerah Provinsi, PNS Pusat DPK/DPB, ...
        return "PNS"
    if {"pppk", "p3k"} & set(words) or "perjanjian kerja" in key:
        return "PPPK"
    raise ValueError(
        _("Status kepegawaian \u201c%(value)s\u201d tidak dikenal; isi PNS atau PPPK.", value=text)
    )


#: SIASN's STATUS CPNS PNS: a candidate (C) or a civil servant (P); both count as PNS.
_CPNS = {"c": "PNS", "p": "PNS", "cpns": "PNS", "pns": "PNS", "calon pns": "PNS"}


def parse_cpns(text: str) -> str:
    """'PNS' from SIASN's STATUS CPNS PNS ("C", "P", "CPNS", "PNS"); ValueError if unknown."""
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())
    if key in _CPNS:
        return _CPNS[key]
    raise ValueError(
        _(
            "Status CPNS/PNS \u201c%(value)s\u201d tidak dikenal; isi C, P, CPNS atau PNS.",
            value=text,
        )
    )


def parse_position_type(text: str, echelon: str = "") -> str:
    """One of POSITION_TYPES from the many ways exports write it; "Struktural" as it is when no
    eselon says which; ValueError if unknown."""
    key = text.lower()
    if "fungsional umum" in key or "pelaksana" in key:
        return "Pelaksana"
    if "fungsional" in key:
        return "Fungsional"
    if "jpt" in key or "pimpinan tinggi" in key:
        return "JPT"
    if "administrator" in key:
        return "Administrator"
    if "pengawas" in key:
        return "Pengawas"
    if "struktural" in key:
        level = re.match(r"^\s*(?:eselon\s*)?(IV|III|II|I)\b", echelon, re.IGNORECASE)
        if level:
            return {"I": "JPT", "II": "JPT", "III": "Administrator", "IV": "Pengawas"}[
                level.group(1).upper()
            ]
        return STRUCTURAL
    raise ValueError(
        _(
            "Jenis jabatan \u201c%(value)s\u201d tidak dikenal; isi salah satu dari: %(types)s.",
            value=text,
            types=", ".join(POSITION_TYPES),
        )
    )


_GOLONGAN = re.compile(r"\b(IV|III|II|I)\s*[/\-.]?\s*([a-e])\b", re.IGNORECASE)
_PPPK_GRADE = re.compile(
    r"^(?:golongan\s+)?(XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)$", re.IGNORECASE
)
_PANGKAT = {
    "juru muda": "I/a",
    "juru muda tingkat i": "I/b",
    "juru": "I/c",
    "juru tingkat i": "I/d",
    "pengatur muda": "II/a",
    "pengatur muda tingkat i": "II/b",
    "pengatur": "II/c",
    "pengatur tingkat i": "II/d",
    "penata muda": "III/a",
    "penata muda tingkat i": "III/b",
    "penata": "III/c",
    "penata tingkat i": "III/d",
    "pembina": "IV/a",
    "pembina tingkat i": "IV/b",
    "pembina utama muda": "IV/c",
    "pembina utama madya": "IV/d",
    "pembina utama": "IV/e",
}


def parse_rank(text: str) -> str:
    """'III/b' from 'III/b', 'iii-B', 'Penata Muda Tk. I (III/b)' or 'Penata Muda Tingkat I';
    a PPPK grade 'I'..'XVII'; ValueError if none of these."""
    found = _GOLONGAN.search(text)
    if found and not (found.group(1).upper() != "IV" and found.group(2).lower() == "e"):
        return f"{found.group(1).upper()}/{found.group(2).lower()}"
    grade = _PPPK_GRADE.match(text.strip())
    if grade:
        return grade.group(1).upper()
    key = re.sub(r"\btk\b\.?", "tingkat", text.lower().replace(".", " "))
    key = " ".join(re.sub(r"[^a-z ]+", " ", key).split())
    if key in _PANGKAT:
        return _PANGKAT[key]
    raise ValueError(
        _(
            "Golongan \u201c%(value)s\u201d tidak dikenali; contoh yang benar: III/b, atau "
            "IX untuk PPPK.",
            value=text,
        )
    )


def _split_path(text: str) -> list[str]:
    """'Dinas Kominfo > Bidang Aplikasi' or 'Dinas Kominfo / Bidang Aplikasi' as its parts."""
    if not text:
        return []
    separator = ">" if (">" in text or "»" in text) else "/"
    parts = re.split(r"[>»]" if separator == ">" else "/", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def norm_name(name: str) -> str:
    return " ".join(name.casefold().split())


def unit_path(parent: str, unit: str, sub: str) -> tuple[str, ...]:
    """The unit path from the unit columns; a unit path that repeats its parent is not doubled."""
    parts: list[str] = []
    for piece in (_split_path(parent), _split_path(unit), _split_path(sub)):
        norm_parts, norm_piece = [norm_name(p) for p in parts], [norm_name(p) for p in piece]
        if norm_piece[: len(norm_parts)] == norm_parts and norm_parts:
            parts = list(piece)  # the column already holds the whole path
            continue
        for name, key in zip(piece, norm_piece, strict=True):
            if not parts or norm_name(parts[-1]) != key:
                parts.append(name)
    return tuple(parts)
