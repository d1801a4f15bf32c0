"""The readable summary of "Data saya": every part as headings, tables and lists.

Written in Python rather than as a recursive Jinja macro: a heavy user's copy has thousands of
rows, and a macro call per value made the summary most of the download's time. Every value is
escaped (markupsafe), so nothing a person typed can run in the page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape

from lms import i18n
from lms.i18n import gettext as _


class Formatter:
    """Turns exported values into escaped HTML; remembers each day it wrote out."""

    def __init__(self, labels: dict[str, Any]) -> None:
        self.labels = labels
        self._days: dict[date, str] = {}
        self.yes, self.no, self.none = _("Ya"), _("Tidak"), _("Tidak ada")

    def label(self, key: str) -> str:
        return str(self.labels.get(key, key))

    def day(self, value: date) -> str:
        if value not in self._days:
            self._days[value] = i18n.format_day(value)
        return self._days[value]

    def scalar(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if value is True:
            return self.yes
        if value is False:
            return self.no
        if isinstance(value, datetime):
            local = i18n.to_wib(value)
            return f"{self.day(local.date())}, {local:%H.%M} WIB"
        if isinstance(value, date):
            return self.day(value)
        return str(value)

    def html(self, value: Any, out: list[str]) -> None:
        """Append ``value`` as HTML to ``out``."""
        if isinstance(value, dict):
            if not value:
                out.append("—")
                return
            out.append("<dl>")
            for key, item in value.items():
                out.append(f"<dt>{escape(self.label(key))}</dt><dd>")
                self.html(item, out)
                out.append("</dd>")
            out.append("</dl>")
        elif isinstance(value, list | tuple):
            if not value:
                out.append(f'<span class="muted">{escape(self.none)}</span>')
            elif isinstance(value[0], dict):
                self.table(value, out)
            else:
                out.append(", ".join(str(escape(self.scalar(v))) for v in value))
        else:
            out.append(str(escape(self.scalar(value))))

    def table(self, rows: list[dict], out: list[str]) -> None:
        keys = list(rows[0])
        out.append('<div class="wrap"><table><thead><tr>')
        out.extend(f'<th scope="col">{escape(self.label(k))}</th>' for k in keys)
        out.append("</tr></thead><tbody>")
        for row in rows:
            out.append("<tr>")
            for key in keys:
                out.append("<td>")
                self.html(row.get(key), out)
                out.append("</td>")
            out.append("</tr>")
        out.append("</tbody></table></div>")


def part_html(part: dict[str, Any], labels: dict[str, Any]) -> list[tuple[str, Markup]]:
    """One provider's part as (heading, HTML) pairs, one per top-level key."""
    formatter = Formatter(labels)
    sections = []
    for key, value in part.items():
        out: list[str] = []
        formatter.html(value, out)
        sections.append((formatter.label(key), Markup("".join(out))))  # noqa: S704 - escaped
    return sections
