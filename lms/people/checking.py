"""Checking every row of a staff list, before anything is compared with the database.

A row's problems are reported with its number and column, in Indonesian. Most columns hold a few
hundred different values in 100,000 rows (statuses, ranks, unit paths): each different value is
read once (:class:`_Cells`); NIP, name and email are read per row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from lms.accounts.nip import NipError, nip_from_cell
from lms.cells import parse_day
from lms.forms import EMAIL_RE
from lms.i18n import gettext as _
from lms.people.cells import (
    clean_text,
    is_blank,
    parse_cpns,
    parse_employment,
    parse_position_type,
    parse_rank,
    unit_path,
)
from lms.people.parsed import Problem, Row
from lms.people.reading import Table


def parse_rows(table: Table, today: date) -> tuple[list[Row], list[Problem], int, set[str]]:
    """Check every row of ``table``.

    Returns the good rows, every problem, the number of rows read, and the valid NIPs of rows
    with problems (those people are in the file: a full import must not count them missing).

    Most columns hold a few hundred different values in 100,000 rows (statuses, ranks, unit
    paths): each different value is read once (:class:`_Cells`), only NIP, name and email per row.
    """
    heads = table.headers
    rows: list[Row] = []
    problems: list[Problem] = []
    cells = _Cells(table.columns, today)
    width = cells.width
    count = 0
    nips_with_problems: set[str] = set()
    for number, values in table.rows:
        count += 1
        # Cut to the columns read, then padded: a field the file lacks reads index ``width``.
        values = values[:width]
        values += [None] * (width + 1 - len(values))
        row_problems: list[tuple[str, str]] = []
        employment, status, said = cells.employment(values)
        row_problems += said
        contract_start, said = cells.contract_start(values)
        row_problems += said
        nip = ""
        try:
            # An unknown status is reported once; its NIP is checked the lenient (PPPK) way.
            lenient = (employment or "PPPK") if status else "PNS"
            nip = nip_from_cell(values[cells.at_nip], lenient, today)
        except NipError as exc:
            row_problems.append(("nip", str(exc)))
        name = clean_text(values[cells.at_name])
        if not name:
            row_problems.append(("name", _("Nama wajib diisi.")))
        front, back = cells.titles(values)
        full_name = f"{front} {name}".strip() if front else name
        if back:
            full_name = f"{full_name}, {back}"
        if len(full_name) > 200:
            row_problems.append(("name", _("Nama paling banyak 200 karakter.")))
        email = clean_text(values[cells.at_email]).lower() or None
        if email and (len(email) > 254 or not EMAIL_RE.match(email)):
            row_problems.append(
                ("email", _("Alamat email \u201c%(value)s\u201d tidak valid.", value=email))
            )
        position, said = cells.position(values)
        row_problems += said
        position_type, said = cells.position_type(values)
        row_problems += said
        rank, said = cells.rank(values)
        row_problems += said
        path, code, said = cells.unit(values)
        row_problems += said
        if row_problems:
            if nip:
                nips_with_problems.add(nip)
            problems.extend(
                Problem(number, heads.get(fld), message) for fld, message in row_problems
            )
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


Said = list[tuple[str, str]]


class _Cells:
    """Reading the cells of a row whose columns repeat few values, each value once.

    Each method takes a row padded past the last column (a field the file lacks reads the
    padding, None) and returns the field's value(s) and what is wrong, as (field, message).
    """

    def __init__(self, columns: dict[str, int], today: date) -> None:
        self.width = max(columns.values(), default=0) + 1
        for fld in ("nip", "name", "title_front", "title_back", "position", "position_type",
                    "echelon", "rank", "employment", "cpns", "contract_start", "email", "unit",
                    "parent_unit", "sub_unit", "unit_code"):  # fmt: skip
            setattr(self, f"at_{fld}", columns.get(fld, self.width))
        self.today = today
        self.memo: dict[str, dict] = defaultdict(dict)

    def _once(self, kind: str, key: Any, read) -> Any:
        known = self.memo[kind]
        try:
            return known[key]
        except KeyError:
            known[key] = found = read(*key)
            return found
        except TypeError:  # an unhashable cell (never from the readers here)
            return read(*key)

    def employment(self, values: list) -> tuple[str | None, str, Said]:
        """(PNS/PPPK or None, the status as written, problems)."""
        return self._once(
            "employment", (values[self.at_employment], values[self.at_cpns]), _read_employment
        )

    def contract_start(self, values: list) -> tuple[date | None, Said]:
        return self._once("contract_start", (values[self.at_contract_start],), _read_day)

    def titles(self, values: list) -> tuple[str, str]:
        return self._once(
            "titles",
            (values[self.at_title_front], values[self.at_title_back]),
            lambda front, back: (clean_text(front), clean_text(back)),
        )

    def position(self, values: list) -> tuple[str | None, Said]:
        return self._once("position", (values[self.at_position],), _read_position)

    def position_type(self, values: list) -> tuple[str | None, Said]:
        return self._once(
            "position_type",
            (values[self.at_position_type], values[self.at_echelon]),
            _read_position_type,
        )

    def rank(self, values: list) -> tuple[str | None, Said]:
        return self._once("rank", (values[self.at_rank],), _read_rank)

    def unit(self, values: list) -> tuple[tuple[str, ...], str | None, Said]:
        """(unit path, unit code, problems)."""
        key = (values[self.at_parent_unit], values[self.at_unit], values[self.at_sub_unit],
               values[self.at_unit_code])  # fmt: skip
        return self._once("unit", key, _read_unit)


def _read_employment(status_cell: Any, cpns_cell: Any) -> tuple[str | None, str, Said]:
    status, cpns = clean_text(status_cell), clean_text(cpns_cell)
    try:
        if status:
            return parse_employment(status), status, []
        if cpns:
            return parse_cpns(cpns), cpns, []
    except ValueError as exc:
        return None, status or cpns, [("employment" if status else "cpns", str(exc))]
    return None, "", []


def _read_day(cell: Any) -> tuple[date | None, Said]:
    if is_blank(cell):
        return None, []
    try:
        return parse_day(cell), []
    except ValueError as exc:
        return None, [("contract_start", str(exc))]


def _read_position(cell: Any) -> tuple[str | None, Said]:
    text = clean_text(cell)
    said = [("position", _("Paling banyak %(max)d karakter.", max=200))] if len(text) > 200 else []
    return text or None, said


def _read_position_type(cell: Any, echelon: Any) -> tuple[str | None, Said]:
    kind = clean_text(cell)
    if not kind:
        return None, []
    try:
        return parse_position_type(kind, clean_text(echelon)), []
    except ValueError as exc:
        return None, [("position_type", str(exc))]


def _read_rank(cell: Any) -> tuple[str | None, Said]:
    text = clean_text(cell)
    if not text:
        return None, []
    try:
        return parse_rank(text), []
    except ValueError as exc:
        return None, [("rank", str(exc))]


def _read_unit(parent: Any, unit: Any, sub: Any, code_cell: Any) -> tuple:
    said: Said = []
    path = unit_path(clean_text(parent), clean_text(unit), clean_text(sub))
    if any(len(part) > 200 for part in path):
        said.append(("unit", _("Nama unit kerja paling banyak 200 karakter.")))
    code = clean_text(code_cell).lstrip("'\u2019") or None
    if code and len(code) > 50:
        said.append(("unit_code", _("Kode unit paling banyak 50 karakter.")))
    return path, code, said


def _duplicates(rows: list[Row], attr: str, heads: dict, message: str) -> list[Problem]:
    first: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for row in rows:
        value = getattr(row, attr)
        if value:
            seen = first.setdefault(value, row.number)
            if seen != row.number:
                repeated.setdefault(value, [seen]).append(row.number)
    out = []
    for numbers in repeated.values():
        text = _(
            "%(message)s dalam berkas (baris %(rows)s).",
            message=message,
            rows=", ".join(map(str, numbers)),
        )
        out.extend(Problem(n, heads.get(attr), text) for n in numbers)
    return out
