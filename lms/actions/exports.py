"""The columns of every export of action-plan roll-ups (one per unit, sub-units rolled up).

The province-wide overview (``/actions/overview.csv``) and the reports' "Rencana aksi per unit"
export the same :class:`~lms.actions.queries.Rollup` rows: both take their headers and values
from here and write them with the reports' shared writer (:func:`lms.reports.exports.respond`),
so the two cannot drift apart again (they once did: headers, caching, quotes in XLSX cells).
"""

from __future__ import annotations

from lms.actions.queries import Rollup
from lms.i18n import gettext as _
from lms.reports.exports import Column


def rollup_columns() -> list[Column]:
    """Headers (the words of the overview page) and XLSX widths."""
    return [
        Column(_("Unit kerja"), 40),
        Column(_("Butir"), 8),
        Column(_("Rancangan"), 10),
        Column(_("Berjalan"), 10),
        Column(_("Menunggu tinjauan"), 12),
        Column(_("Selesai diterima"), 10),
        Column(_("Terhambat"), 10),
        Column(_("Dibatalkan"), 10),
        Column(_("Melewati tenggat"), 12),
        Column(_("Rata-rata progres (%)"), 12),
        Column(_("Pembaruan terakhir (WIB)"), 20),
    ]


def rollup_values(r: Rollup) -> list:
    """One row's cells, in the order of :func:`rollup_columns` (times become WIB on writing)."""
    average = None if r.average_progress is None else round(r.average_progress, 1)
    return [
        r.name, r.total, r.draft, r.in_progress, r.review, r.accepted, r.blocked, r.cancelled,
        r.overdue, average, r.last_update_at,
    ]  # fmt: skip
