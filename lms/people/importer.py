"""Importing people and their units from a SIASN/SIMPEG staff list.

``prepare`` reads the file, checks every row and compares it with the database, writing nothing;
``apply`` then writes the whole plan in the caller's transaction (the view or command commits
once, so the import is all or nothing). Both work set-based: a handful of queries for any number
of rows.

People are matched by NIP. An empty cell never erases what Sinau already knows (exports are often
partial); a column missing from the file leaves that field alone.

A full import (``full=True``) deactivates people who are missing from the file, never deletes
them. Its scope is the OPDs the file covers: people with a NIP whose unit lies under a top-level
unit that at least one row of the file belongs to. People in other OPDs, people without a unit,
accounts without a NIP (service accounts, the first admin), administrators and the person running
the import are never deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from lms.accounts.models import STRUCTURAL, Role, User, UserRole
from lms.extensions import db
from lms.i18n import gettext as _
from lms.org.models import Unit
from lms.people.cells import norm_name
from lms.people.checking import parse_rows
from lms.people.parsed import Parsed, Problem, Row, bulk
from lms.people.reading import ImportFileError, read_table
from lms.people.writing import apply

__all__ = ["ImportFileError", "Parsed", "Plan", "Problem", "apply", "parse", "plan_for", "prepare"]

#: Fields of a person an import writes.
PERSON_FIELDS = (
    "full_name",
    "email",
    "position",
    "position_type",
    "rank",
    "employment",
    "contract_start",
    "unit_id",
)
#: How many of the people to be deactivated the preview names (the count is always exact).
SAMPLE = 200


@dataclass(slots=True)
class NewUnit:
    """A unit the import will create; ``key`` is negative until it has an id."""

    key: int
    name: str
    parent: int | None
    code: str | None
    path: tuple[str, ...]


@dataclass
class Plan:
    """What an import would do; nothing of it is written until :func:`apply`."""

    filename: str
    full: bool
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Field -> header as written in the file.
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)
    #: Insert rows for new people; ``unit_id`` may be a negative key of a new unit.
    inserts: list[dict] = field(default_factory=list)
    #: Update rows by primary key, with every field of PERSON_FIELDS.
    updates: list[dict] = field(default_factory=list)
    unchanged: int = 0
    reactivated: int = 0
    #: People with a NIP in the covered OPDs who are missing from the file.
    missing: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def deactivations(self) -> list[dict]:
        return self.missing if self.full else []

    def counts(self) -> dict[str, int]:
        """The numbers shown before confirming and kept in the audit log."""
        return {
            "rows": self.rows_read,
            "new": len(self.inserts),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "reactivated": self.reactivated,
            "missing": len(self.missing),
            "deactivated": len(self.deactivations),
            "new_units": len(self.new_units),
            "problems": len(self.problems),
        }

    def preview(self) -> dict:
        """Everything the preview page shows, JSON-serialisable (kept next to the upload)."""
        return {
            "filename": self.filename,
            "full": self.full,
            "counts": self.counts(),
            "problems": [[p.row, p.column, p.message] for p in self.problems],
            "warnings": self.warnings,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "new_units": [" > ".join(u.path) for u in self.new_units],
            "missing_sample": [
                [m["full_name"], m["nip"], m["unit"]] for m in self.missing[:SAMPLE]
            ],
        }


# -- comparing with the database -----------------------------------------------------------------


class _Units:
    """Existing units indexed for matching, and the units the import will add."""

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        self.children: dict[tuple[int | None, str], int] = {}
        self.root: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.new: list[NewUnit] = []
        units = db.session.execute(
            select(Unit.id, Unit.name, Unit.short_name, Unit.code, Unit.parent_id, Unit.path)
        ).all()
        for uid, name, _short, code, parent_id, path in units:
            self.names[uid] = name
            if code:
                self.by_code[code] = uid
            self.children.setdefault((parent_id, norm_name(name)), uid)
            first = path.strip("/").split("/")[0]
            self.root[uid] = int(first) if first.isdigit() else uid
        for uid, _name, short, _code, parent_id, _path in units:
            if short:  # "Diskominfo" finds "Dinas Komunikasi dan Informatika"
                self.children.setdefault((parent_id, norm_name(short)), uid)

    def resolve(self, path: tuple[str, ...] | None, code: str | None) -> int | None:
        """The id of the unit (existing > 0, new < 0) for a path and/or a code."""
        if code and code in self.by_code:
            return self.by_code[code]
        if not path:
            return None
        parent: int | None = None
        for depth, name in enumerate(path):
            key = (parent, norm_name(name))
            found = self.children.get(key)
            if found is None:
                leaf = depth == len(path) - 1
                found = -(len(self.new) + 1)
                own_code = code if leaf else None
                self.new.append(NewUnit(found, name, parent, own_code, path[: depth + 1]))
                self.children[key] = found
                if leaf and code:
                    self.by_code[code] = found
            parent = found
        return parent


def prepare(data: bytes, filename: str, *, full: bool, actor_id: int | None, today: date) -> Plan:
    """Read and check a staff list and compare it with the database; write nothing.

    Raises :class:`ImportFileError` when the file cannot be read as a staff list at all.
    """
    return plan_for(parse(data, filename, today), full=full, actor_id=actor_id)


@bulk
def parse(data: bytes, filename: str, today: date) -> Parsed:
    """Read and check every row of a staff list, once (no database access).

    Raises :class:`ImportFileError` when the file cannot be read as a staff list at all.
    """
    table = read_table(data)
    rows, problems, rows_read, other_nips = parse_rows(table, today)
    return Parsed(
        filename=filename,
        rows=rows,
        problems=problems,
        rows_read=rows_read,
        other_nips=other_nips,
        warnings=list(table.warnings),
        headers=dict(table.headers),
        ignored=list(table.ignored),
        has_unit="unit" in table.columns or "unit_code" in table.columns,
    )


@bulk
def plan_for(parsed: Parsed, *, full: bool, actor_id: int | None) -> Plan:
    """Compare checked rows with the database as it is now; write nothing.

    The preview and its confirmation both call this on the same :class:`Parsed`: the file is
    read once, the comparison is made again against what changed meanwhile.
    """
    plan = Plan(filename=parsed.filename, full=full, warnings=list(parsed.warnings))
    plan.columns = dict(parsed.headers)
    plan.ignored_columns = list(parsed.ignored)
    plan.rows_read = parsed.rows_read
    plan.problems = list(parsed.problems)
    if not plan.rows_read:
        plan.problems.append(Problem(None, None, _("Berkas tidak memuat satu pun baris pegawai.")))
    if not parsed.has_unit:
        plan.warnings.append(
            _("Kolom Unit Kerja tidak ada: unit kerja pegawai yang sudah terdaftar tidak diubah.")
        )
    _compare(plan, parsed.rows, set(parsed.other_nips), actor_id, parsed.headers)
    plan.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return plan


def _compare(
    plan: Plan, rows: list[Row], file_nips: set[str], actor_id: int | None, heads: dict[str, str]
) -> None:
    """Match rows with people and units; fill ``plan``. ``file_nips`` grows to every NIP seen."""
    people = db.session.execute(
        select(
            User.id,
            User.nip,
            User.email,
            User.full_name,
            User.position,
            User.position_type,
            User.rank,
            User.employment,
            User.contract_start,
            User.unit_id,
            User.active,
            User.session_version,
        )
    ).all()
    by_nip = {p.nip: p for p in people if p.nip}
    email_owner = {p.email: p.id for p in people if p.email}
    units = _Units()
    resolved: dict[tuple, int | None] = {}  # a thousand places for 100,000 rows
    bad_rows: set[int] = {p.row for p in plan.problems if p.row}
    covered_roots: set[int] = set()
    structural = 0
    for row in rows:
        file_nips.add(row.nip)
        if row.number in bad_rows:
            continue  # a duplicate: already reported
        current = by_nip.get(row.nip)
        owner = email_owner.get(row.email) if row.email else None
        if owner is not None and (current is None or owner != current.id):
            plan.problems.append(
                Problem(row.number, heads.get("email"), _("Email ini sudah dipakai akun lain."))
            )
            continue
        if row.unit_code and row.unit_code not in units.by_code and not row.unit_path:
            plan.problems.append(
                Problem(
                    row.number,
                    heads.get("unit_code"),
                    _(
                        "Kode unit \u201c%(code)s\u201d belum dikenal dan nama unit kosong.",
                        code=row.unit_code,
                    ),
                )
            )
            continue
        place = (row.unit_path, row.unit_code)
        unit_id = (
            resolved[place]
            if place in resolved
            else resolved.setdefault(place, units.resolve(*place))
        )
        if unit_id is not None and unit_id > 0:
            covered_roots.add(units.root[unit_id])
        if row.position_type == STRUCTURAL:
            structural += 1
        if current is None:
            employment = row.employment or "PNS"
            plan.inserts.append(
                {
                    "nip": row.nip,
                    "full_name": row.full_name,
                    "email": row.email,
                    "position": row.position,
                    "position_type": row.position_type,
                    "rank": row.rank,
                    "employment": employment,
                    "contract_start": row.contract_start if employment == "PPPK" else None,
                    "unit_id": unit_id,
                }
            )
            continue
        employment = row.employment or current.employment
        position_type = row.position_type or current.position_type
        if position_type == STRUCTURAL and current.position_type in (
            "JPT",
            "Administrator",
            "Pengawas",
        ):
            position_type = current.position_type  # what HR refined stays
        wanted = {
            "full_name": row.full_name,
            "email": row.email or current.email,
            "position": row.position or current.position,
            "position_type": position_type,
            "rank": row.rank or current.rank,
            "employment": employment,
            "contract_start": (
                (row.contract_start or current.contract_start) if employment == "PPPK" else None
            ),
            "unit_id": current.unit_id if unit_id is None else unit_id,
        }
        changed = any(wanted[f] != getattr(current, f) for f in PERSON_FIELDS)
        if changed or not current.active:
            plan.updates.append({"id": current.id, **wanted})
            plan.reactivated += not current.active
        else:
            plan.unchanged += 1
    plan.new_units = units.new
    if structural:
        plan.warnings.append(
            _(
                "%(n)d baris berjenis jabatan \u201cStruktural\u201d tanpa kolom Eselon: disimpan "
                "sebagai Struktural. Rinci menjadi JPT, Administrator, atau Pengawas di halaman "
                "pegawai, atau sertakan kolom Eselon pada impor berikutnya.",
                n=structural,
            )
        )
    if not covered_roots:
        return
    protected = set(
        db.session.scalars(select(UserRole.user_id).where(UserRole.role == Role.ADMIN.value))
    )
    if actor_id is not None:
        protected.add(actor_id)
    for person in people:
        if (
            person.nip
            and person.active
            and person.nip not in file_nips
            and person.unit_id is not None
            and units.root.get(person.unit_id) in covered_roots
            and person.id not in protected
        ):
            plan.missing.append(
                {
                    "id": person.id,
                    "session_version": person.session_version,
                    "full_name": person.full_name,
                    "nip": person.nip,
                    "unit": units.names.get(person.unit_id, ""),
                }
            )
    plan.missing.sort(key=lambda m: (m["unit"], m["full_name"]))
