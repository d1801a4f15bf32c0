"""Evidence files (bukti dukung): checked by content, stored under a random name outside
``static/``, and read back only through a view that asks the policy first."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from lms.i18n import gettext as _

#: Extension -> (kind detected from the content, content type served).
ALLOWED = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
KEY_RE = re.compile(r"^\d{4}/[0-9a-f]{32}$")


class EvidenceError(ValueError):
    """An upload that cannot be kept; the message tells the person what to do."""


@dataclass
class Evidence:
    """A checked upload, held in memory until :func:`store` writes it."""

    data: bytes
    name: str
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    """The kind of file ``data`` really is, judged by its first bytes (and, for Office files,
    by the parts inside the ZIP), or None when it is none of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def max_bytes() -> int:
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def check_upload(upload: FileStorage) -> Evidence:
    """Read and check an uploaded file; raise :class:`EvidenceError` with a clear message."""
    raw_name = upload.filename or ""
    if "/" in raw_name or "\\" in raw_name or ".." in raw_name or "\x00" in raw_name:
        raise EvidenceError(
            _(
                "Nama berkas tidak boleh memuat garis miring atau dua titik berurutan (..). "
                "Ganti nama berkas, lalu unggah lagi."
            )
        )
    extension = raw_name.rsplit(".", 1)[-1].lower() if "." in raw_name else ""
    if extension not in ALLOWED:
        raise EvidenceError(
            _(
                "Jenis berkas tidak diterima. Unggah PDF, gambar (PNG, JPG, GIF, WEBP), "
                "DOCX, atau XLSX."
            )
        )
    limit = max_bytes()
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError(
            _(
                "Berkas terlalu besar. Ukuran maksimum bukti dukung %(mb)d MB.",
                mb=current_app.config["MAX_UPLOAD_MB"],
            )
        )
    if not data:
        raise EvidenceError(_("Berkas yang diunggah kosong."))
    kind, content_type = ALLOWED[extension]
    if sniff(data) != kind:
        raise EvidenceError(
            _(
                "Isi berkas tidak sesuai dengan jenisnya (.%(ext)s). Pastikan berkas tidak rusak "
                "dan tidak sekadar diganti namanya.",
                ext=extension,
            )
        )
    name = secure_filename(raw_name)
    if not name or "." not in name:
        name = f"bukti-dukung.{extension}"
    return Evidence(
        data=data,
        name=name[-200:],
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def evidence_root() -> Path:
    return Path(current_app.config["UPLOAD_PATH"]) / "evidence"


def path_for(key: str) -> Path:
    """Where the file with ``key`` lies; refuses anything that is not a key we made."""
    if not KEY_RE.match(key or ""):
        raise EvidenceError("bad evidence key")
    return evidence_root() / key


def store(evidence: Evidence, now: datetime) -> str:
    """Write ``evidence`` under a random name in the year's folder; return its key."""
    key = f"{now.year:04d}/{secrets.token_hex(16)}"
    target = path_for(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    with open(temporary, "xb") as out:
        out.write(evidence.data)
    os.chmod(temporary, 0o640)
    os.replace(temporary, target)
    return key


def remove(key: str) -> None:
    """Delete a stored file (after a failed commit), quietly if it is already gone."""
    with contextlib.suppress(FileNotFoundError, EvidenceError):
        path_for(key).unlink()
