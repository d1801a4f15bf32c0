"""Report exports: any report as CSV (streamed) or XLSX, and one person's courses; audited like
the pages. Each exportable report is an entry in :data:`REPORTS`: its title, whether it names
people, its columns and its rows. The routes register on the reports blueprint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask import abort, request
from flask_login import current_user, login_required

from lms.accounts.models import User
from lms.actions.exports import rollup_columns, rollup_values
from lms.audit.services import record
from lms.courses import jp as jp_rule
from lms.extensions import db
from lms.i18n import gettext as _
from lms.i18n import lazy_gettext as _l
from lms.i18n import wib_today
from lms.org.models import Unit
from lms.policy import authorize
from lms.reports import jp as jp_report
from lms.reports import roster, services
from lms.reports.exports import Column, person_columns, respond
from lms.reports.person import person_courses, status_of
from lms.reports.scope import STATUS_LABELS, action_rows, audit_view, bp, parse_filters, scope_of
from lms.reports.services import Filters


@dataclass(frozen=True)
class Report:
    """An exportable report: its title, whether it names people, its columns and rows."""

    title: object
    personal: bool
    columns: Callable[[], list[Column]]
    rows: Callable[[Unit | None, Filters, date], Iterable[Iterable]]


def _figure_columns(first: str) -> list[Column]:
    return [
        Column(first, 40),
        Column(_("Pegawai"), 10),
        Column(_("Kursus diikuti/ditugaskan"), 12),
        Column(_("Ditugaskan"), 12),
        Column(_("Belum mulai"), 12),
        Column(_("Sedang berjalan"), 12),
        Column(_("Selesai"), 10),
        Column(_("Lewat tenggat"), 12),
        Column(_("Penyelesaian (%)"), 14),
        Column(_("Rata-rata nilai terbaik"), 14),
        Column(_("JP periode"), 10),
        Column(_("Menunggu penilaian"), 12),  # last: the earlier columns keep their places
    ]


def _figure_values(r: services.Figures) -> list:
    return [
        r.name,
        r.people,
        r.pairs,
        r.assigned,
        r.not_started,
        r.in_progress,
        r.completed,
        r.overdue,
        r.completion_pct,
        r.avg_score,
        r.jp,
        r.awaiting_grade,
    ]


def _unit_rows(unit, filters, today):
    rows, total = services.unit_report(unit, filters, today, _("Langsung di unit ini"))
    for r in services.sort_rows(rows, "name", False):
        yield _figure_values(r)
    total.name = _("Jumlah")
    yield _figure_values(total)


def _course_columns() -> list[Column]:
    return [
        *_figure_columns(_("Kursus")),
        Column(_("Tingkat kelulusan kuis (%)"), 14),
        Column(_("Rata-rata percobaan"), 12),
    ]


def _course_rows(unit, filters, today):
    rows, _total = services.course_report(unit, filters, today)
    for r in services.sort_rows(rows, "name", False):
        yield [*_figure_values(r), r.pass_rate, r.avg_attempts]


def _people_columns() -> list[Column]:
    return [
        *person_columns(),
        Column(_("Kursus diikuti/ditugaskan"), 12),
        Column(_("Ditugaskan"), 11),
        Column(_("Belum mulai"), 11),
        Column(_("Sedang berjalan"), 11),
        Column(_("Selesai"), 9),
        Column(_("Lewat tenggat"), 11),
        Column(_("Penyelesaian (%)"), 13),
        Column(_("JP periode"), 10),
    ]


def _people_rows(unit, filters, today):
    query = roster.people_query(unit, filters, today, "unit", False)
    for r in services.stream(query):
        yield [
            r.nip, r.full_name, r.position, r.position_type, r.rank, r.unit, r.pairs,
            r.assigned, r.not_started, r.in_progress, r.completed, r.overdue,
            None if r.completion_pct is None else round(r.completion_pct, 1), r.jp,
        ]  # fmt: skip


def _jp_columns() -> list[Column]:
    return [
        *person_columns(),
        Column(_("Status kepegawaian"), 10),
        Column(_("JP periode"), 10),
        Column(_("Kekurangan JP"), 12),
    ]


def _jp_rows(unit, filters, today):
    query = jp_report.below_target_query(unit, filters, "unit", False)
    for r in services.stream(query):
        yield [
            r.nip, r.full_name, r.position, r.position_type, r.rank, r.unit, r.employment, r.jp,
            r.short,
        ]  # fmt: skip


def _jp_all_columns() -> list[Column]:
    return [
        *person_columns(),
        Column(_("Status kepegawaian"), 10),
        Column(_("Awal kontrak PPPK"), 14),
        Column(_("Periode dari"), 12),
        Column(_("Periode sampai"), 12),
        Column(_("JP periode"), 10),
        Column(_("Aturan"), 24),
        Column(_("Kekurangan JP (PNS)"), 12),
    ]


def _jp_all_rows(unit, filters, today):
    target = _("Target paling sedikit %(n)d JP", n=jp_rule.PNS_TARGET)
    ceiling = _("Batas paling banyak %(n)d JP", n=jp_rule.PPPK_CEILING)
    for r in services.stream(jp_report.everyone_query(unit, filters)):
        start, last = jp_report.period_of(r, filters)
        pppk = r.employment == jp_rule.PPPK
        short = None if pppk else max(jp_rule.PNS_TARGET - r.jp, 0)
        yield [
            r.nip, r.full_name, r.position, r.position_type, r.rank, r.unit, r.employment,
            r.contract_start, start, last, r.jp, ceiling if pppk else target, short,
        ]  # fmt: skip


def _enrolment_columns() -> list[Column]:
    return [
        Column(_("NIP"), 20),
        Column(_("Nama"), 32),
        Column(_("Jenis jabatan"), 14),
        Column(_("Golongan"), 9),
        Column(_("Unit kerja"), 36),
        Column(_("Kursus"), 36),
        Column(_("Status"), 16),
        Column(_("Tenggat"), 12),
        Column(_("Tanggal selesai"), 14),
        Column(_("Nilai terbaik"), 10),
        Column(_("Percobaan"), 10),
        Column(_("JP periode"), 10),
    ]


def _enrolment_rows(unit, filters, today):
    labels = {k: str(v) for k, v in STATUS_LABELS.items()}
    for r in services.stream(roster.enrolment_rows(unit, filters, today)):
        status = status_of(r._mapping, today)
        yield [
            r.nip, r.full_name, r.position_type, r.rank, r.unit, r.course, labels[status],
            r.deadline, r.completed_on, r.best, r.attempts, r.jp,
        ]  # fmt: skip


def _action_export_rows(unit, filters, today):
    for r in action_rows(unit, today, request.args.get("program", type=int)):
        yield rollup_values(r)


#: Every exportable report by name.
REPORTS: dict[str, Report] = {
    "units": Report(
        _l("Laporan per unit"), False, lambda: _figure_columns(_("Unit kerja")), _unit_rows
    ),
    "courses": Report(_l("Laporan per kursus"), False, _course_columns, _course_rows),
    "people": Report(_l("Laporan per pegawai"), True, _people_columns, _people_rows),
    "jp": Report(_l("PNS di bawah 20 JP"), True, _jp_columns, _jp_rows),
    "jp_all": Report(_l("JP pegawai menurut status"), True, _jp_all_columns, _jp_all_rows),
    "enrolments": Report(_l("Pegawai x kursus"), True, _enrolment_columns, _enrolment_rows),
    "actions": Report(_l("Rencana aksi per unit"), False, rollup_columns, _action_export_rows),
}


@bp.route("/export/<report>.<any(csv, xlsx):fmt>", defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>/export/<report>.<any(csv, xlsx):fmt>")
@login_required
def export(report: str, fmt: str, unit_id: int | None):
    """Any report as CSV (streamed) or XLSX; audited, like the pages."""
    unit = scope_of(unit_id)
    spec = REPORTS.get(report) or abort(404)
    today = wib_today()
    filters = parse_filters(today)
    audit_view(f"reports.{report}.export", unit, filters, format=fmt, personal=spec.personal)
    name = f"sinau-{report}-{unit.id if unit else 'provinsi'}-{today.isoformat()}"
    return respond(fmt, name, spec.columns(), spec.rows(unit, filters, today), str(spec.title))


@bp.route("/person/<int:user_id>.<any(csv, xlsx):fmt>")
@login_required
def person_export(user_id: int, fmt: str):
    """One person's courses as CSV or XLSX (audited)."""
    user = db.session.get(User, user_id) or abort(404)
    authorize("reports.person", user)
    today = wib_today()
    record(
        current_user,
        "reports.person.export",
        target=f"user:{user.id}",
        ip=request.remote_addr,
        format=fmt,
    )
    db.session.commit()
    columns = [
        Column(_("NIP"), 20),
        Column(_("Nama"), 32),
        Column(_("Kursus"), 36),
        Column(_("Status"), 16),
        Column(_("Progres (%)"), 10),
        Column(_("Tenggat"), 12),
        Column(_("Tanggal selesai"), 14),
        Column(_("Nilai terbaik"), 10),
        Column(_("Percobaan"), 10),
        Column(_("JP"), 8),
        Column(_("Kode sertifikat"), 22),
    ]
    rows = (
        [
            user.nip,
            user.full_name,
            r["title"],
            str(STATUS_LABELS[r["status"]]),
            r["progress"],
            r["deadline"],
            r["completed_on"],
            r["best"],
            r["attempts"],
            r["jp_earned"] or 0,
            r["code"] if r["code"] and not r["revoked_at"] else "",
        ]
        for r in person_courses(user, today)
    )
    return respond(fmt, f"sinau-pegawai-{user.id}-{today.isoformat()}", columns, rows, "Pegawai")
