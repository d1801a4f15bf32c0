"""What the cells of an uploaded table say, whatever its format: headers matched to column
names, a cell as people read it, a cell as a day.

:mod:`lms.tabular` reads the file (CSV or XLSX) and finds its header with :func:`map_columns`;
each import reads its cells with :func:`cell_text` and :func:`parse_day`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from lms.i18n import gettext as _

__all__ = ["Aliases", "cell_text", "map_columns", "normalize_header", "parse_day"]

#: Canonical column name -> accepted headers after :func:`normalize_header`, the preferred first.
Aliases = Mapping[str, Sequence[str]]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENTHESES = re.compile(r"\([^)]*\)")


def normalize_header(value: Any) -> str:
    """'NIP BARU' -> 'nip baru', 'E-mail' -> 'e mail', 'golongan/ruang' -> 'golongan ruang'."""
    text = str(value or "").replace("\ufeff", "").lower()
    return _NON_ALNUM.sub(" ", text).strip()


def map_columns(
    header: list[Any], aliases: Aliases
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Match a header row to column names: (name -> index, name -> header, ignored headers).

    A header also answers without what it says in parentheses ('Tenggat (dd/mm/yyyy)' is
    'tenggat'), unless another header is exactly that. One column serves one name; for each name
    the first of its aliases present wins.
    """
    names = [normalize_header(h) for h in header]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    for i, h in enumerate(header):
        if "(" in str(h or ""):
            index.setdefault(normalize_header(_PARENTHESES.sub(" ", str(h))), i)
    columns: dict[str, int] = {}
    used: set[int] = set()
    for name, accepted in aliases.items():
        for alias in accepted:
            i = index.get(alias)
            if i is not None and i not in used:
                columns[name] = i
                used.add(i)
                break
    headers = {name: str(header[i]).strip() for name, i in columns.items()}
    ignored = [str(h).strip() for i, h in enumerate(header) if i not in used and names[i]]
    return columns, headers, ignored


def cell_text(value: Any) -> str:
    """A cell as people read it: dates as 2025-12-31, whole numbers without '.0', stripped."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DMY_DAY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")


def parse_day(value: Any) -> date:
    """2025-12-31, 31/12/2025, 31-12-2025, an Excel date cell, or an Excel day number;
    ValueError (in Indonesian) for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = cell_text(value).lstrip("'\u2019").strip()
    try:
        if m := _ISO_DAY.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY_DAY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise ValueError(
        _("Tanggal %(value)s tidak dikenali; tulis 2025-12-31 atau 31/12/2025.", value=text)
    )
