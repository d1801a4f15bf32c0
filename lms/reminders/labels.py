"""What the admin's reminders page calls things: every job, rule, email status and count in plain
Indonesian, each with a line saying what it is. Rules carry theirs (:data:`rules.RULE_INFO`);
jobs another feature adds register theirs with :func:`describe_job`."""

from __future__ import annotations

from dataclasses import dataclass

from lms.i18n import lazy_gettext as _l
from lms.reminders.rules import RULE_INFO


@dataclass(frozen=True)
class Label:
    """A name a person understands, and one line on what it means."""

    name: object
    about: object


#: Scheduled jobs by their name in ``job_runs``.
JOBS: dict[str, Label] = {
    "reminders": Label(
        _l("Pengingat harian"),
        _l(
            "Setiap pagi (07.00 WIB): mendaftarkan pegawai ke kursus yang ditugaskan, lalu "
            "membuat pengingat yang jatuh tempo hari itu."
        ),
    ),
    "digests": Label(
        _l("Ringkasan mingguan dan bulanan"),
        _l("Senin 07.05 WIB dan awal bulan: ringkasan untuk kepala unit dan BKD."),
    ),
    "outbox": Label(
        _l("Pengiriman email"),
        _l("Setiap menit: mengirim email yang menunggu di kotak keluar."),
    ),
    "retention": Label(
        _l("Penghapusan data lewat masa simpan"),
        _l(
            "Setiap malam: menganonimkan akun yang sudah nonaktif melewati masa simpan "
            "(pengaturan LMS_RETENTION_YEARS)."
        ),
    ),
}

#: Outbox statuses, in the order a message goes through them.
STATUSES: dict[str, Label] = {
    "queued": Label(_l("Menunggu dikirim"), _l("Akan dikirim pada giliran berikutnya.")),
    "sending": Label(_l("Sedang dikirim"), _l("Sedang diserahkan ke server email.")),
    "sent": Label(_l("Terkirim"), _l("Diterima server email untuk disampaikan.")),
    "failed": Label(
        _l("Gagal"),
        _l(
            "Tidak terkirim setelah beberapa kali dicoba; periksa pesan galatnya, lalu kirim ulang."
        ),
    ),
    "skipped": Label(
        _l("Tidak dikirim"),
        _l("Tidak perlu lagi: akunnya nonaktif, atau tautannya sudah diganti yang baru."),
    ),
}

#: What a job's counts mean, per job, besides the rules (reminders made per rule).
COUNTS: dict[str, dict[str, object]] = {
    "reminders": {"assignments_enrolled": _l("pegawai didaftarkan ke kursus yang ditugaskan")},
    "outbox": {
        "sent": _l("email terkirim"),
        "retry": _l("email dicoba lagi nanti"),
        "failed": _l("email gagal"),
        "skipped": _l("email tidak dikirim"),
    },
    "retention": {
        "due": _l("akun lewat masa simpan"),
        "anonymised": _l("akun dianonimkan"),
        "files_deleted": _l("berkas dihapus"),
        "failed": _l("akun gagal dianonimkan (dicoba lagi besok)"),
        "disabled": _l("tidak berjalan: masa simpan tidak diatur"),
    },
}


#: Emails that are not reminders of a rule (their features send them directly).
EMAIL_KINDS: dict[str, object] = {
    "activation": _l("Undangan aktivasi akun"),
    "password_reset": _l("Tautan membuat kata sandi baru"),
}


def describe_job(
    name: str, label: object, about: object, counts: dict[str, object] | None = None
) -> None:
    """Give a job another feature schedules its name, its line and the names of its counts."""
    JOBS[name] = Label(label, about)
    COUNTS[name] = counts or {}


def job(name: str) -> Label:
    """The job's label; an unknown one keeps its own name (and says it is not described)."""
    return JOBS.get(name) or Label(name, _l("Tugas tanpa keterangan."))


def status(name: str) -> Label:
    return STATUSES.get(name) or Label(name, "")


def rule(name: str) -> object:
    """What kind of email a notification of rule ``name`` is."""
    if name in RULE_INFO:
        return RULE_INFO[name].label
    return EMAIL_KINDS.get(name, name)


def count(job_name: str, key: str) -> object:
    """What one count of a run of ``job_name`` means: a rule's reminders, or :data:`COUNTS`."""
    if key in RULE_INFO:
        return RULE_INFO[key].label
    return COUNTS.get(job_name, {}).get(key, key)
