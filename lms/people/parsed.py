"""A staff list as read and checked once, kept between the preview and its confirmation.

Reading a 100,000-row XLSX is most of an import's time; the preview reads it once and parks
this (as JSON, never pickle: the parking folder is data, not code) in place of the file, and
the confirmation compares it with the database as it is then, without reading the file again.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def bulk(step: Callable[P, T]) -> Callable[P, T]:
    """Run an import step over every row with Python's cycle collector paused.

    A step allocates millions of small objects and keeps most of them, none in a cycle; each
    collection on the way walks all of them again: a third of the time of parking the plan and
    reading it back, a fifth of writing it (100,000 rows). Reference counting still frees what
    the step drops; the collector runs again after it.
    """

    @wraps(step)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with _collector_paused():
            return step(*args, **kwargs)

    return paused


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one row (or the whole file, when ``row`` is None) cannot be imported."""

    row: int | None
    column: str | None
    message: str


@dataclass(slots=True)
class Row:
    """One person as the file describes them, cleaned; None means "not given"."""

    number: int
    nip: str
    full_name: str
    email: str | None
    position: str | None
    position_type: str | None
    rank: str | None
    employment: str | None
    contract_start: date | None
    unit_path: tuple[str, ...] | None
    unit_code: str | None


#: Bumped when the stored shape changes; an older parked plan is then refused (upload again).
VERSION = 1


@dataclass
class Parsed:
    """Every checked row of a file, its problems, and what was said about its columns."""

    filename: str
    rows: list[Row]
    problems: list[Problem]
    rows_read: int
    #: Valid NIPs of rows with problems (in the file, so never "missing" in a full import).
    other_nips: set[str]
    warnings: list[str] = field(default_factory=list)
    #: Field -> header as written in the file.
    headers: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    has_unit: bool = True

    @bulk
    def dumps(self) -> bytes:
        """JSON bytes for the parking folder."""
        rows = [
            [r.number, r.nip, r.full_name, r.email, r.position, r.position_type, r.rank,
             r.employment, r.contract_start.isoformat() if r.contract_start else None,
             list(r.unit_path) if r.unit_path is not None else None, r.unit_code]
            for r in self.rows
        ]  # fmt: skip
        return json.dumps(
            {
                "version": VERSION,
                "filename": self.filename,
                "rows": rows,
                "problems": [[p.row, p.column, p.message] for p in self.problems],
                "rows_read": self.rows_read,
                "other_nips": sorted(self.other_nips),
                "warnings": self.warnings,
                "headers": self.headers,
                "ignored": self.ignored,
                "has_unit": self.has_unit,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    @classmethod
    @bulk
    def loads(cls, data: bytes) -> Parsed:
        """The plan :meth:`dumps` wrote; ``ValueError`` if it is not one (or an older shape)."""
        try:
            raw = json.loads(data)
            if raw.get("version") != VERSION:
                raise ValueError("parked plan of another version")
            rows = [
                Row(number, nip, name, email, position, kind, rank, employment,
                    date.fromisoformat(start) if start else None,
                    tuple(path) if path is not None else None, code)
                for number, nip, name, email, position, kind, rank, employment, start, path, code
                in raw["rows"]
            ]  # fmt: skip
            return cls(
                filename=raw["filename"],
                rows=rows,
                problems=[Problem(*p) for p in raw["problems"]],
                rows_read=raw["rows_read"],
                other_nips=set(raw["other_nips"]),
                warnings=list(raw["warnings"]),
                headers=dict(raw["headers"]),
                ignored=list(raw["ignored"]),
                has_unit=bool(raw["has_unit"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError("not a parked plan") from exc
