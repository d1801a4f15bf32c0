"""Building a person's copy of their data ("Data saya"): one ZIP with JSON, a readable summary
and their files."""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from flask import render_template

from lms.i18n import lazy_gettext as _l
from lms.privacy.registry import Provider, providers
from lms.privacy.summary import part_html

#: Labels of keys many parts share; a provider's own labels win.
COMMON_LABELS = {
    "id": _l("Nomor"),
    "item_id": _l("Nomor aksi nyata"),
    "notification_id": _l("Nomor notifikasi"),
    "created_at": _l("Dibuat"),
    "updated_at": _l("Terakhir diubah"),
    "status": _l("Status"),
    "title": _l("Judul"),
    "kind": _l("Jenis"),
    "field": _l("Data"),
    "old_value": _l("Semula"),
    "new_value": _l("Menjadi"),
    "source": _l("Asal"),
    "deadline": _l("Tenggat"),
    "attempts": _l("Jumlah percobaan"),
    "quiz_passed": _l("Kuis lulus"),
    "last_activity_at": _l("Aktivitas terakhir"),
    "completed_on": _l("Tanggal selesai"),
    "lesson": _l("Materi"),
    "jp": _l("JP"),
    "issued_at": _l("Terbit"),
    "priority": _l("Prioritas"),
    "start_date": _l("Mulai"),
    "expected_output": _l("Keluaran yang diharapkan"),
    "target_indicator": _l("Indikator"),
    "target_value": _l("Target"),
    "accepted_at": _l("Diterima"),
    "link_url": _l("Tautan"),
    "evidence_name": _l("Nama berkas bukti"),
    "evidence_type": _l("Jenis berkas"),
    "evidence_size": _l("Ukuran (bita)"),
    "evidence_sha256": _l("Sidik SHA-256"),
    "created_by_you": _l("Dibuat oleh Anda"),
    "accepted_by_you": _l("Diterima oleh Anda"),
    "remember": _l("Tetap masuk"),
    "category": _l("Kategori"),
    "rule": _l("Aturan"),
    "url": _l("Alamat halaman"),
    "subject": _l("Subjek"),
    "last_error": _l("Galat terakhir"),
    "email": _l("Email"),
    "sent_by_staff": _l("Dikirim petugas"),
    "scope": _l("Cakupan"),
    "position_type": _l("Jenis jabatan"),
    "cancelled_at": _l("Dibatalkan"),
    "short_name": _l("Nama singkat"),
    "code": _l("Kode"),
    "key": _l("Kunci soal"),
    "type": _l("Jenis soal"),
    "position": _l("Urutan"),
    "answer_key": _l("Jawaban (ringkas)"),
    "saved_at": _l("Disimpan"),
    "deadline_at": _l("Batas waktu"),
    "expired": _l("Habis waktu"),
    "has_password": _l("Punya kata sandi"),
    "must_change_password": _l("Harus ganti kata sandi"),
    "last_login_at": _l("Terakhir masuk"),
}

#: Bumped when the layout of data.json changes in a way a reader must know.
FORMAT = "sinau-data-saya/1"


@dataclass
class Export:
    """A finished ZIP in a temporary file, with what went into it (for the audit event)."""

    file: IO[bytes]
    size: int
    parts: int
    files: int
    missing_files: int


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.isoformat() + "Z"  # Sinau stores UTC without a zone: say so
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def collect(user: Any) -> dict[str, dict]:
    """Every provider's part for ``user``, by provider name."""
    return {provider.name: provider.export(user) for provider in providers()}


def build_export(user: Any, now: datetime) -> Export:
    """Write ``user``'s ZIP to a temporary file (rewound; the caller sends and closes it).

    ``data.json`` holds every part; ``ringkasan.html`` the same in readable form; ``bukti/`` the
    person's files. A file listed in the database but missing on disk is named in data.json
    (``missing_files``) instead of failing the whole copy.
    """
    registered: list[Provider] = list(providers())
    parts = collect(user)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    written, missing = 0, []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for provider in registered:
            for name, path in provider.list_files(user):
                try:
                    # Uploads are mostly compressed already (PDF, JPEG): stored as they are.
                    archive.write(path, f"bukti/{name}", compress_type=zipfile.ZIP_STORED)
                    written += 1
                except FileNotFoundError:
                    missing.append(f"bukti/{name}")
        document = {
            "format": FORMAT,
            "generated_at": now,
            "person_id": user.id,
            "parts": parts,
            "missing_files": missing,
        }
        archive.writestr(
            "data.json",
            json.dumps(document, default=_json_default, ensure_ascii=False),
        )
        archive.writestr("ringkasan.html", summary_html(registered, parts, user, now, missing))
    size = out.tell()
    out.seek(0)
    return Export(out, size, len(parts), written, len(missing))


def summary_html(
    registered: list[Provider], parts: dict[str, dict], user: Any, now: datetime, missing: list
) -> str:
    """The readable summary: every part as headed tables, escaped, with its own CSS."""
    sections = [
        (provider.title, part_html(parts[provider.name], COMMON_LABELS | provider.labels))
        for provider in registered
    ]
    return render_template(
        "privacy/summary.html", sections=sections, user=user, now=now, missing=missing
    )
