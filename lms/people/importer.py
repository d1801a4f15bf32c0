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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, text, update

from lms.accounts.models import STRUCTURAL, Role, User, UserRole
from lms.accounts.nip import NipError, nip_from_cell
from lms.extensions import db
from lms.forms import EMAIL_RE
from lms.i18n import gettext as _
from lms.org.models import Unit
from lms.org.services import create_unit
from lms.people.cells import (
    clean_text,
    is_blank,
    norm_name,
    parse_cpns,
    parse_employment,
    parse_position_type,
    parse_rank,
    unit_path,
)
from lms.people.parsed import Parsed, Problem, Row
from lms.people.reading import ImportFileError, Table, read_table
from lms.signals import people_placed
from lms.tabular import parse_day

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


# -- rows ----------------------------------------------------------------------------------------


def parse_rows(table: Table, today: date) -> tuple[list[Row], list[Problem], int, set[str]]:
    """Check every row of ``table``.

    Returns the good rows, every problem, the number of rows read, and the valid NIPs of rows
    with problems (those people are in the file: a full import must not count them missing).
    """
    cols, heads = table.columns, table.headers
    rows: list[Row] = []
    problems: list[Problem] = []

    def cell(values: list[Any], fld: str) -> Any:
        i = cols.get(fld)
        return values[i] if i is not None and i < len(values) else None

    count = 0
    nips_with_problems: set[str] = set()
    for number, values in table.rows:
        count += 1
        row_problems: list[Problem] = []

        def problem(fld: str, message: str, number: int = number, out=row_problems) -> None:
            out.append(Problem(number, heads.get(fld), message))

        def optional(fld: str, limit: int, values=values, problem=problem) -> str | None:
            text = clean_text(cell(values, fld))
            if len(text) > limit:
                problem(fld, _("Paling banyak %(max)d karakter.", max=limit))
            return text or None

        employment = None
        status = clean_text(cell(values, "employment"))
        cpns = clean_text(cell(values, "cpns"))
        if status:
            try:
                employment = parse_employment(status)
            except ValueError as exc:
                problem("employment", str(exc))
        elif cpns:
            try:
                employment = parse_cpns(cpns)
            except ValueError as exc:
                problem("cpns", str(exc))
            status = cpns
        contract_start = None
        if not is_blank(cell(values, "contract_start")):
            try:
                contract_start = parse_day(cell(values, "contract_start"))
            except ValueError as exc:
                problem("contract_start", str(exc))
        nip = ""
        try:
            # An unknown status is reported once; its NIP is checked the lenient (PPPK) way.
            lenient = (employment or "PPPK") if status else "PNS"
            nip = nip_from_cell(cell(values, "nip"), lenient, today)
        except NipError as exc:
            problem("nip", str(exc))
        name = clean_text(cell(values, "name"))
        if not name:
            problem("name", _("Nama wajib diisi."))
        front, back = (
            clean_text(cell(values, "title_front")),
            clean_text(cell(values, "title_back")),
        )
        full_name = f"{front} {name}".strip() + (f", {back}" if back else "")
        if len(full_name) > 200:
            problem("name", _("Nama paling banyak 200 karakter."))
        email = clean_text(cell(values, "email")).lower() or None
        if email and (len(email) > 254 or not EMAIL_RE.match(email)):
            problem("email", _("Alamat email \u201c%(value)s\u201d tidak valid.", value=email))
        position = optional("position", 200)
        position_type = None
        kind = clean_text(cell(values, "position_type"))
        if kind:
            try:
                position_type = parse_position_type(kind, clean_text(cell(values, "echelon")))
            except ValueError as exc:
                problem("position_type", str(exc))
        rank = None
        rank_text = clean_text(cell(values, "rank"))
        if rank_text:
            try:
                rank = parse_rank(rank_text)
            except ValueError as exc:
                problem("rank", str(exc))
        path = unit_path(
            clean_text(cell(values, "parent_unit")),
            clean_text(cell(values, "unit")),
            clean_text(cell(values, "sub_unit")),
        )
        if any(len(part) > 200 for part in path):
            problem("unit", _("Nama unit kerja paling banyak 200 karakter."))
        code = clean_text(cell(values, "unit_code")).lstrip("'\u2019") or None
        if code and len(code) > 50:
            problem("unit_code", _("Kode unit paling banyak 50 karakter."))
        if row_problems:
            if nip:
                nips_with_problems.add(nip)
            problems.extend(row_problems)
            continue
        rows.append(
            Row(
                number,
                nip,
                full_name,
                email,
                position,
                position_type,
                rank,
                employment,
                contract_start,
                path or None,
                code,
            )
        )
    problems.extend(_duplicates(rows, "nip", heads, _("NIP ini tercantum lebih dari sekali")))
    problems.extend(
        _duplicates(rows, "email", heads, _("Email ini dipakai lebih dari satu pegawai"))
    )
    return rows, problems, count, nips_with_problems


def _duplicates(rows: list[Row], attr: str, heads: dict, message: str) -> list[Problem]:
    seen: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        value = getattr(row, attr)
        if value:
            seen[value].append(row.number)
    out = []
    for numbers in seen.values():
        if len(numbers) > 1:
            text = _(
                "%(message)s dalam berkas (baris %(rows)s).",
                message=message,
                rows=", ".join(map(str, numbers)),
            )
            out.extend(Problem(n, heads.get(attr), text) for n in numbers)
    return out


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
        unit_id = units.resolve(row.unit_path, row.unit_code)
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


# -- writing -------------------------------------------------------------------------------------


def apply(plan: Plan, *, now: datetime) -> dict[str, int]:
    """Write ``plan`` (which must have no problems) and flush; the caller commits once."""
    if plan.problems:
        raise ValueError("a plan with problems cannot be applied")
    unit_ids: dict[int, int] = {}
    for new in plan.new_units:
        parent = None
        if new.parent is not None:
            parent_id = unit_ids[new.parent] if new.parent < 0 else new.parent
            parent = db.session.get(Unit, parent_id)
        unit_ids[new.key] = create_unit(new.name, parent, code=new.code, created_at=now).id

    def unit(value: int | None) -> int | None:
        return unit_ids[value] if value is not None and value < 0 else value

    placed: list[int] = []
    if plan.inserts:
        rows = [
            {
                **row,
                "unit_id": unit(row["unit_id"]),
                "active": True,
                "created_at": now,
                "updated_at": now,
                "session_version": 1,
                "must_change_password": False,
            }
            for row in plan.inserts
        ]
        if db.session.get_bind().dialect.name == "postgresql":
            placed.extend(_insert_people_postgresql(rows))
        else:
            ids = db.session.scalars(
                insert(User).returning(User.id, sort_by_parameter_order=True), rows
            ).all()
            roles = [{"user_id": i, "role": Role.LEARNER.value} for i in ids]
            db.session.execute(insert(UserRole), roles)
            placed.extend(ids)
    if plan.updates:
        rows = [
            {
                **row,
                "unit_id": unit(row["unit_id"]),
                "active": True,
                "deactivated_at": None,
                "updated_at": now,
            }
            for row in plan.updates
        ]
        db.session.execute(update(User), rows)
        placed.extend(row["id"] for row in plan.updates)
    if plan.deactivations:
        db.session.execute(
            update(User),
            [
                {
                    "id": m["id"],
                    "active": False,
                    "deactivated_at": now,
                    "session_version": m["session_version"] + 1,
                    "updated_at": now,
                }
                for m in plan.deactivations
            ],
        )
    db.session.flush()
    # People who are new or moved take on the assignments of their units (assignments listen),
    # in the same transaction: the import and its enrolments are saved together or not at all.
    replies = people_placed.send(None, user_ids=placed, now=now)
    enrolled = sum(made for _receiver, made in replies if isinstance(made, int))
    db.session.expire_all()
    return {**plan.counts(), "assigned_enrolments": enrolled}


def _insert_people_postgresql(rows: list[dict]) -> list[int]:
    """Insert people and their learner role with one statement each, from column arrays.

    psycopg parses the placeholders of a statement in Python and caches only small statements,
    so a multi-row VALUES insert of 100,000 people spends most of its time there; ``unnest``
    takes one array per column instead.
    """
    table = User.__table__
    columns = list(rows[0])
    arrays = ", ".join(
        f"CAST(:{name} AS {table.c[name].type.compile(dialect=db.engine.dialect)}[])"
        for name in columns
    )
    # Column names and types come from the model, never from the file.
    statement = text(
        f"INSERT INTO users ({', '.join(columns)}) SELECT * FROM unnest({arrays}) RETURNING id"  # noqa: S608
    )
    ids = list(
        db.session.scalars(statement, {name: [row[name] for row in rows] for name in columns})
    )
    db.session.execute(
        text(
            "INSERT INTO user_roles (user_id, role) SELECT unnest(CAST(:ids AS INTEGER[])), :role"
        ),
        {"ids": ids, "role": Role.LEARNER.value},
    )
    return ids
