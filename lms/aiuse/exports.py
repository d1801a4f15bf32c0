"""The columns of the AI register's export (the writer is lms/reports/exports.py)."""

from __future__ import annotations

from lms.aiuse.models import (
    DATA_LABELS,
    DECISION_LABELS,
    LOCATION_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    DataCategory,
    Decisions,
    Location,
    Risk,
    Status,
)
from lms.aiuse.risk import needs_dpia
from lms.i18n import gettext as _
from lms.reports.exports import Column


def columns() -> list[Column]:
    return [
        Column(_("Perangkat Daerah"), 32),
        Column(_("Unit kerja"), 32),
        Column(_("Pemanfaatan AI"), 36),
        Column(_("Layanan publik"), 28),
        Column(_("Status"), 12),
        Column(_("Risiko"), 10),
        Column(_("DPIA"), 14),
        Column(_("Alat atau penyedia"), 24),
        Column(_("Model"), 16),
        Column(_("Lokasi data"), 16),
        Column(_("Data pribadi"), 20),
        Column(_("Keputusan tentang warga"), 24),
        Column(_("Penanggung jawab"), 28),
        Column(_("Tinjauan berikutnya"), 14),
        Column(_("Dipublikasikan"), 14),
    ]


def dpia_state(risk: str, signed_off_at) -> str:
    if signed_off_at is not None:
        return _("Disetujui")
    return _("Belum ada") if needs_dpia(risk) else _("Tidak wajib")


def values(row) -> list:
    entry, unit, opd, responsible, signed = row
    return [
        opd,
        unit,
        entry.name,
        entry.public_service,
        str(STATUS_LABELS[Status(entry.status)]),
        str(RISK_LABELS[Risk(entry.risk)]),
        dpia_state(entry.risk, signed),
        entry.tool,
        entry.model,
        str(LOCATION_LABELS[Location(entry.data_location)]),
        str(DATA_LABELS[DataCategory(entry.data_category)]),
        str(DECISION_LABELS[Decisions(entry.decisions)]),
        responsible,
        entry.next_review_on,
        entry.published_at,
    ]
