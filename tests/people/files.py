"""Building SIASN/SIMPEG-style staff lists for the import tests (no binary fixtures)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from lms.i18n import utcnow

TODAY = date(2026, 6, 1)
#: A PPPK number: TMT "year 2022, month 21" is no month at all, which PPPK numbers allow.
PPPK_NIP = "199203152022212005"

HEADER = ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Unit Kerja", "Golongan", "Status", "Email"]


def nip(n: int, gender: int = 1) -> str:
    """A valid PNS NIP, different for each n < 999 and from the factories' NIPs (born 1990)."""
    return f"1990{(n % 12) + 1:02d}{(n % 28) + 1:02d}201503{gender}{(n % 999) + 1:03d}"


def person(n: int, **overrides) -> dict:
    """One row of a staff list as a dict of the HEADER columns."""
    row = {
        "NIP": nip(n),
        "Nama": f"Pegawai Impor {n}",
        "Jabatan": "Pranata Komputer Ahli Muda",
        "Jenis Jabatan": "Fungsional",
        "Unit Kerja": "Dinas Kominfo > Bidang Aplikasi Informatika",
        "Golongan": "III/c",
        "Status": "PNS",
        "Email": f"impor{n}@jatimprov.go.id",
    }
    row.update(overrides)
    return row


def csv_bytes(
    rows: list[dict] | list[list],
    header: list[str] | None = None,
    sep: str = ";",
    bom: bool = True,
    encoding: str = "utf-8",
    before: str = "",
) -> bytes:
    """A CSV as Excel in Indonesia writes it: ';', a BOM, CRLF; ``before`` goes above the header."""
    header = header or (list(rows[0]) if rows and isinstance(rows[0], dict) else HEADER)
    lines = [sep.join(header)]
    for row in rows:
        values = [row.get(h, "") for h in header] if isinstance(row, dict) else row
        lines.append(sep.join(str(v) for v in values))
    text = before + "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def xlsx_bytes(rows: list[list], header: list[str] | None = None, title: str = "") -> bytes:
    """An XLSX workbook; cell types are kept (an int NIP is stored as a number)."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def prepare(data: bytes, full: bool = False, actor_id: int | None = None, filename="uji.csv"):
    from lms.people import importer

    return importer.prepare(data, filename, full=full, actor_id=actor_id, today=TODAY)


def run_import(data: bytes, full: bool = False, actor_id: int | None = None) -> dict:
    """Prepare and apply an import that must have no problems; commit; return the counts."""
    from lms.extensions import db
    from lms.people import importer

    plan = prepare(data, full=full, actor_id=actor_id)
    assert plan.problems == [], plan.problems
    counts = importer.apply(plan, now=utcnow())
    db.session.commit()
    return counts


def problems_by_row(plan) -> dict[int | None, list[tuple[str | None, str]]]:
    out: dict = {}
    for p in plan.problems:
        out.setdefault(p.row, []).append((p.column, p.message))
    return out
