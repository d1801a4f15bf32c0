"""Which feature holds which personal data: one provider per feature, in that feature's folder.

A feature that stores rows about a person registers, in ``lms/<feature>/privacy.py``::

    @personal_data("courses", _l("Kursus dan sertifikat"), tables=[Enrollment, Certificate])
    def export_courses(user: User) -> dict:
        ...

``export`` returns a JSON-ready dict of everything the feature holds about ``user``, read with a
few queries (never one per row). ``tables`` are the tables the provider answers for:
``tests/privacy`` fails when a table referring to ``users.id`` is covered by no provider (as
Moodle's privacy provider tests do). Optional hooks on the returned :class:`Provider`:
``@export_courses.files`` lists files to add to the ZIP, and ``@export_courses.eraser``
(for erasure, not built here) anonymises the person's rows.

Every ``lms/<feature>/privacy.py`` is imported by :func:`discover` when the app is created, so
a provider cannot be forgotten by a forgotten import.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

#: ``export(user) -> dict``: JSON-ready (datetimes and dates are written as ISO 8601).
ExportFn = Callable[[Any], dict[str, Any]]
#: ``attachments(user) -> [(name inside the ZIP's bukti/ folder, path on disk)]``.
AttachmentsFn = Callable[[Any], Iterable[tuple[str, Path]]]
#: ``erase(user, now) -> dict of counts``: anonymise or remove the person's rows; flushes.
EraseFn = Callable[[Any, datetime], dict[str, int]]


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
        """Decorator: register the function that erases the person's rows (erasure feature)."""
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
