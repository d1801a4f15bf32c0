"""Importing action items from the spreadsheets units kept after the retreat (CSV or XLSX).

:func:`check_import` reads the file and reports every row's problems without writing anything;
:func:`apply_import` writes all rows or, on any problem, none. Between the preview and the
confirmation the file is parked (see :mod:`lms.uploads`) under a random token (no personal data
travels in URLs or the session).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms import cells, tabular
from lms.accounts.models import Role, User
from lms.accounts.nip import NipError, nip_from_cell
from lms.actions import services
from lms.actions.evidence import sniff
from lms.actions.models import ActionItem, Priority, Program, Status
from lms.extensions import db
from lms.i18n import gettext as _
from lms.org.models import Unit
from lms.policy import headed_paths
from lms.uploads import Parking

MAX_ROWS = 1000
#: Files between the preview and the confirmation, in ``<instance>/action-imports/``; only
#: the person who uploaded one may confirm it.
parking = Parking("action-imports")

#: Field -> header spellings, the preferred first (compared after `cells.normalize_header`).
HEADERS = {
    "title": ["judul", "judul aksi", "aksi", "aksi nyata", "nama aksi", "kegiatan", "title"],
    "description": ["deskripsi", "uraian", "keterangan", "description"],
    "expected_output": ["output", "keluaran", "output yang diharapkan", "expected output"],
    "target_indicator": ["indikator", "indikator target", "target indicator", "indicator"],
    "target_value": ["target", "nilai target", "target value"],
    "owner_nip": [
        "nip penanggung jawab", "nip pj", "nip", "penanggung jawab nip", "owner nip", "nip owner",
    ],
    "unit": ["unit kerja", "unit", "kode unit", "kode unit kerja", "work unit", "unit code"],
    "start_date": ["mulai", "tanggal mulai", "start", "start date"],
    "due_date": ["tenggat", "tanggal tenggat", "batas waktu", "tenggat waktu", "due", "due date",
                 "deadline"],
    "priority": ["prioritas", "priority"],
    "status": ["status"],
    "progress": ["progres", "progress", "persentase", "progres persen", "capaian"],
}  # fmt: skip
REQUIRED = ("title", "owner_nip", "due_date")

STATUS_WORDS = {
    "draft": Status.DRAFT, "rancangan": Status.DRAFT, "draf": Status.DRAFT,
    "belum mulai": Status.DRAFT, "in progress": Status.IN_PROGRESS,
    "in_progress": Status.IN_PROGRESS, "berjalan": Status.IN_PROGRESS,
    "sedang berjalan": Status.IN_PROGRESS, "dalam proses": Status.IN_PROGRESS,
    "proses": Status.IN_PROGRESS, "done": Status.DONE, "selesai": Status.DONE,
    "blocked": Status.BLOCKED, "terhambat": Status.BLOCKED, "cancelled": Status.CANCELLED,
    "canceled": Status.CANCELLED, "dibatalkan": Status.CANCELLED, "batal": Status.CANCELLED,
}  # fmt: skip
PRIORITY_WORDS = {
    "rendah": Priority.LOW, "low": Priority.LOW, "sedang": Priority.MEDIUM,
    "medium": Priority.MEDIUM, "normal": Priority.MEDIUM, "tinggi": Priority.HIGH,
    "high": Priority.HIGH,
}  # fmt: skip


@dataclass
class Row:
    """One data row: its number in the sheet, what it says, and what is wrong with it."""

    number: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)


@dataclass
class Check:
    """The outcome of reading a file: its rows, and problems with the file as a whole."""

    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems and not any(r.problems for r in self.rows)

    @property
    def bad_rows(self) -> int:
        return sum(1 for r in self.rows if r.problems)


# -- reading the file -----------------------------------------------------------------------------


def _refuse_by_name(filename: str, data: bytes) -> str | None:
    """Why a file cannot be imported judging by its name (the content is judged when read)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx" and sniff(data) != "xlsx":
        return _("Isi berkas bukan XLSX yang sah. Simpan ulang dari Excel, lalu unggah lagi.")
    if extension not in ("xlsx", "csv", "txt"):
        return _("Unggah berkas .csv atau .xlsx.")
    return None


def _missing_columns(missing: list[str]) -> str:
    labels = {
        "title": "Judul", "owner_nip": "NIP Penanggung Jawab", "due_date": "Tenggat",
        "unit": "Unit Kerja",
    }  # fmt: skip
    return _(
        "Kolom berikut tidak ditemukan: %(columns)s. Periksa baris judul kolom.",
        columns=", ".join(labels[m] for m in missing),
    )


# -- cell values ----------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as people would read it (for the preview and for text fields)."""
    return cells.cell_text(value).lstrip("'\u2019").strip()


#: Dates in cells: the staff import reads them the same way.
parse_date = cells.parse_day


def parse_nip(value: object) -> str:
    """The owner's NIP in a cell, or :class:`NipError` (also for one Excel turned into a number).

    The file does not say whether the owner is PNS or PPPK, so the NIP is checked the lenient
    (PPPK) way; looking the owner up decides the rest.
    """
    return nip_from_cell(value, employment="PPPK")


def parse_progress(value: object) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value) * (100 if 0 < value < 1 and isinstance(value, float) else 1)
    else:
        text = cell_text(value).rstrip("%").strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(_("Progres %(value)s harus angka 0–100.", value=text)) from None
    if not 0 <= number <= 100:
        raise ValueError(_("Progres %(value)s harus angka 0–100.", value=cell_text(value)))
    return round(number)


# -- checking -------------------------------------------------------------------------------------


def check_import(
    filename: str,
    data: bytes,
    actor: User,
    program: Program,
    default_unit: Unit | None,
) -> Check:
    """Read the file and say, row by row, what would be imported and what is wrong."""
    result = Check()
    refusal = _refuse_by_name(filename, data)
    if refusal:
        result.problems.append(refusal)
        return result
    try:
        table = tabular.read_table(data, HEADERS, REQUIRED)
        body = list(islice(table.rows, MAX_ROWS + 1))
    except tabular.MissingColumns as exc:
        missing = list(exc.missing)
        if "unit" not in exc.found and default_unit is None:
            missing.append("unit")
        result.problems.append(str(exc) if exc.blank else _missing_columns(missing))
        return result
    except tabular.TableError as exc:
        result.problems.append(str(exc))
        return result
    result.warnings = table.warnings
    columns = table.columns
    if "unit" not in columns and default_unit is None:
        result.problems.append(_missing_columns(["unit"]))
        return result
    if not body:
        result.problems.append(_("Berkas tidak berisi baris data di bawah judul kolom."))
        return result
    if len(body) > MAX_ROWS:
        result.problems.append(
            _(
                "Paling banyak %(n)d baris per impor; bagi berkas menjadi beberapa bagian.",
                n=MAX_ROWS,
            )
        )
        return result

    units = list(db.session.scalars(select(Unit)))
    by_code = {u.code.lower(): u for u in units if u.code}
    by_name: dict[str, list[Unit]] = {}
    for unit in units:
        by_name.setdefault(unit.name.strip().lower(), []).append(unit)
    is_hr = actor.has_role(Role.HR)
    scopes = [p for p in headed_paths(actor) if p]

    def cell(row: list, name: str) -> object:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    nips = set()
    for _number, raw in body:
        with contextlib.suppress(NipError):
            nips.add(parse_nip(cell(raw, "owner_nip")))
    people = {
        u.nip: u
        for u in db.session.scalars(
            select(User).options(selectinload(User.unit)).where(User.nip.in_(nips))
        )
    }
    existing = set(
        db.session.execute(
            select(ActionItem.unit_id, func.lower(ActionItem.title)).where(
                ActionItem.program_id == program.id
            )
        ).all()
    )
    seen: set[tuple[int, str]] = set()

    for number, raw in body:
        row = Row(number=number, values={f: cell_text(cell(raw, f)) for f in HEADERS})
        parsed = row.parsed
        problems = row.problems
        title = row.values["title"]
        if not title:
            problems.append(_("Judul kosong."))
        elif len(title) > 200:
            problems.append(_("Judul lebih dari 200 karakter."))
        parsed["title"] = title
        for name, limit in (
            ("description", 5000), ("expected_output", 500), ("target_indicator", 300),
            ("target_value", 100),
        ):  # fmt: skip
            text = row.values[name]
            if len(text) > limit:
                problems.append(_("Isian %(column)s terlalu panjang.", column=name))
            parsed[name] = text or None
        # unit
        unit_text = row.values["unit"]
        unit = None
        if unit_text:
            unit = by_code.get(unit_text.lower())
            if unit is None:
                matches = by_name.get(unit_text.lower(), [])
                if len(matches) == 1:
                    unit = matches[0]
                elif len(matches) > 1:
                    problems.append(
                        _("Nama unit %(unit)s dipakai lebih dari satu unit; tulis kodenya.",
                          unit=unit_text)
                    )  # fmt: skip
                else:
                    problems.append(_("Unit kerja %(unit)s tidak dikenal.", unit=unit_text))
        else:
            unit = default_unit
            if unit is None:
                problems.append(_("Unit kerja kosong."))
        if unit is not None and not is_hr and not any(unit.path.startswith(p) for p in scopes):
            problems.append(_("Unit %(unit)s di luar kewenangan Anda.", unit=unit.name))
        parsed["unit"] = unit
        # owner
        try:
            nip = parse_nip(cell(raw, "owner_nip"))
        except NipError as exc:
            problems.append(str(exc))
        else:
            owner = people.get(nip)
            if owner is None or not owner.active:
                problems.append(_("Tidak ada pegawai aktif dengan NIP %(nip)s.", nip=nip))
            elif unit is not None and not services.owner_fits(owner, unit):
                problems.append(
                    _("Pegawai dengan NIP %(nip)s bukan pegawai %(unit)s atau sub-unitnya.",
                      nip=nip, unit=unit.name)
                )  # fmt: skip
            else:
                parsed["owner"] = owner
        # dates
        for name in ("start_date", "due_date"):
            value = cell(raw, name)
            if _blank(value):
                if name == "due_date":
                    problems.append(_("Tenggat kosong."))
                parsed[name] = None
                continue
            try:
                parsed[name] = parse_date(value)
            except ValueError as exc:
                problems.append(str(exc))
                parsed[name] = None
        start, due = parsed.get("start_date"), parsed.get("due_date")
        if start and due and start > due:
            problems.append(_("Tanggal mulai sesudah tenggat."))
        # priority, status, progress
        word = row.values["priority"].lower()
        parsed["priority"] = PRIORITY_WORDS.get(word, Priority.MEDIUM if not word else None)
        if parsed["priority"] is None:
            problems.append(
                _("Prioritas %(value)s tidak dikenal (rendah, sedang, tinggi).",
                  value=row.values["priority"])
            )  # fmt: skip
        word = row.values["status"].lower().replace("-", " ")
        parsed["status"] = STATUS_WORDS.get(word, Status.DRAFT if not word else None)
        if parsed["status"] is None:
            problems.append(
                _("Status %(value)s tidak dikenal (rancangan, berjalan, selesai, terhambat, "
                  "dibatalkan).", value=row.values["status"])
            )  # fmt: skip
        progress = cell(raw, "progress")
        try:
            parsed["progress"] = 0 if _blank(progress) else parse_progress(progress)
        except ValueError as exc:
            problems.append(str(exc))
        # duplicates
        if unit is not None and title:
            key = (unit.id, title.lower())
            if key in existing:
                problems.append(_("Butir berjudul sama sudah ada di unit ini untuk program ini."))
            elif key in seen:
                problems.append(_("Judul ini muncul lebih dari sekali untuk unit yang sama."))
            seen.add(key)
        result.rows.append(row)
    return result


def apply_import(check: Check, actor: User, program: Program, now: datetime) -> list[ActionItem]:
    """Create every row's item; the caller commits, or rolls back if anything raises."""
    if not check.ok:
        raise services.ActionError(_("Berkas masih memiliki masalah; tidak ada yang diimpor."))
    items = []
    for row in check.rows:
        p = row.parsed
        items.append(
            services.create_item(
                p["unit"],
                program,
                actor,
                now,
                kind="imported",
                owner=p["owner"],
                title=p["title"],
                due_date=p["due_date"],
                start_date=p["start_date"],
                description=p["description"],
                expected_output=p["expected_output"],
                target_indicator=p["target_indicator"],
                target_value=p["target_value"],
                priority=p["priority"].value,
                status=p["status"].value,
                progress=p["progress"],
            )
        )
    return items
