"""Which feature holds which personal data: one provider per feature, in that feature's folder.

A feature that stores rows about a person registers, in ``lms/<feature>/privacy.py``::

    @personal_data("courses", _l("Kursus dan sertifikat"), tables=[Enrollment, Certificate])
    def export_courses(user: User) -> dict:
        ...

``export`` returns a JSON-ready dict of everything the feature holds about ``user``, read with a
few queries (never one per row). ``tables`` are the tables the provider answers for:
``tests/privacy`` fails when a table referring to ``users.id`` is covered by no provider (as
Moodle's privacy provider tests do). Optional hooks on the returned :class:`Provider`:
``@export_courses.files`` lists files to add to the ZIP (and to delete at erasure), and
``@export_courses.eraser`` anonymises the person's rows (``lms/erasure``): it receives the
:class:`Subject` and returns counts of what it changed. Every provider has an eraser, even one
that keeps its rows on purpose (and says why): ``tests/privacy`` checks it.

Every ``lms/<feature>/privacy.py`` is imported by :func:`discover` when the app is created, so
a provider cannot be forgotten by a forgotten import.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_

#: ``export(user) -> dict``: JSON-ready (datetimes and dates are written as ISO 8601).
ExportFn = Callable[[Any], dict[str, Any]]
#: ``attachments(user) -> [(name inside the ZIP's bukti/ folder, path on disk)]``.
AttachmentsFn = Callable[[Any], Iterable[tuple[str, Path]]]
#: ``erase(subject) -> dict of counts``: anonymise or remove the person's rows; flushes.
EraseFn = Callable[["Subject"], dict[str, int]]

#: What replaces free text a person wrote, or a mention of them, once they are erased.
REDACTED = "[dihapus]"
#: The name an erased person is shown under (stored as data, like any name).
ERASED_NAME = "Pengguna terhapus"


@dataclass
class Subject:
    """The person being erased, as they were before erasure began.

    Erasers run in one transaction, one feature after another; the first may already have
    replaced the name on the account, so every eraser reads the person's identifiers here.
    """

    user: Any
    now: datetime
    #: "request" (the person asked, UU 27/2022 Pasal 8) or "retention" (the period ended).
    reason: str
    #: The administrator carrying out a request; None for the scheduler.
    actor: Any = None
    #: Name, NIP and email as they were: wherever they appear in text, they are replaced.
    identifiers: tuple[str, ...] = ()

    @classmethod
    def of(cls, user: Any, now: datetime, reason: str, actor: Any = None) -> Subject:
        found = (user.full_name, user.nip, user.email)
        names = tuple(sorted({v.strip() for v in found if v and len(v.strip()) >= 3}, key=len))
        return cls(user, now, reason, actor, names[::-1])  # longest first: "Ani" inside "Ani S."

    def scrub(self, text: str | None) -> str | None:
        """``text`` with every identifier of the person replaced by :data:`REDACTED`."""
        if not text:
            return text
        for value in self.identifiers:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", REDACTED, text, flags=re.I)
        return text

    def mentioned_in(self, *columns: Any) -> Any:
        """SQL condition: one of ``columns`` contains an identifier (a coarse filter; ``scrub``
        then decides word by word)."""
        if not self.identifiers:
            return False
        like = [
            func.lower(column).contains(value.lower(), autoescape=True)
            for column in columns
            for value in self.identifiers
        ]
        return or_(*like)

    def scrub_rows(self, rows: Iterable[Any], *attributes: str) -> int:
        """Scrub ``attributes`` of each row; the number of rows that changed."""
        changed = 0
        for row in rows:
            before = [getattr(row, a) for a in attributes]
            after = [self.scrub(v) for v in before]
            if after != before:
                for attribute, value in zip(attributes, after, strict=True):
                    setattr(row, attribute, value)
                changed += 1
        return changed


@dataclass
class Provider:
    """One feature's answer to "what do you hold about this person?"."""

    name: str
    #: The heading of the feature's part in the readable summary (Indonesian, translatable).
    title: Any
    #: Names of the tables this provider covers.
    tables: frozenset[str]
    export: ExportFn
    erase: EraseFn | None = None
    #: Labels for the summary, by JSON key (falls back to the key itself).
    labels: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._attachments: AttachmentsFn | None = None

    def files(self, fn: AttachmentsFn) -> AttachmentsFn:
        """Decorator: register the function that lists the person's files."""
        self._attachments = fn
        return fn

    def eraser(self, fn: EraseFn) -> EraseFn:
        """Decorator: register the function that erases the person's rows (``lms/erasure``)."""
        self.erase = fn
        return fn

    def list_files(self, user: Any) -> list[tuple[str, Path]]:
        return list(self._attachments(user)) if self._attachments else []


PROVIDERS: dict[str, Provider] = {}


def personal_data(
    name: str, title: Any, *, tables: Iterable[Any], labels: dict[str, Any] | None = None
) -> Callable[[ExportFn], Provider]:
    """Register the decorated ``export(user)`` as feature ``name``'s provider."""

    def register(fn: ExportFn) -> Provider:
        known = PROVIDERS.get(name)
        if known and (known.export.__module__, known.export.__qualname__) != (
            fn.__module__,
            fn.__qualname__,
        ):
            raise RuntimeError(f"personal data provider {name!r} registered twice")
        provider = Provider(
            name=name,
            title=title,
            tables=frozenset(_table_name(t) for t in tables),
            export=fn,
            labels=labels or {},
        )
        PROVIDERS[name] = provider
        return provider

    return register


def _table_name(table: Any) -> str:
    return getattr(table, "__tablename__", None) or table.name


def providers() -> Iterator[Provider]:
    """Every registered provider, in name order."""
    for name in sorted(PROVIDERS):
        yield PROVIDERS[name]


def covered_tables() -> set[str]:
    """The tables some provider answers for."""
    return {t for p in PROVIDERS.values() for t in p.tables}


def discover(package: str = "lms") -> None:
    """Import ``<package>.<feature>.privacy`` for every feature that has one."""
    root = importlib.import_module(package)
    for info in pkgutil.iter_modules(root.__path__):
        if not info.ispkg:
            continue
        module = f"{package}.{info.name}.privacy"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def fields(obj: Any, *names: str) -> dict[str, Any]:
    """``{name: obj.name}`` for the given attribute names (a row as the export shows it)."""
    return {name: getattr(obj, name) for name in names}
