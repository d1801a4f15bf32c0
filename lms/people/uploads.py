"""Uploaded staff lists kept between preview and confirmation, in ``<instance>/imports/``.

Each upload is two files named by a random token: the file itself, and ``<token>.json`` with who
uploaded it, when, and the preview. Nothing personal goes into the token or the URLs. Uploads are
deleted after confirmation or cancellation, and any left older than a day are purged.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app

MAX_AGE = timedelta(days=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Upload:
    token: str
    meta: dict

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.meta["created_at"])

    def read(self) -> bytes:
        return (folder() / self.token).read_bytes()


def folder() -> Path:
    """The folder of pending uploads, created private to the app's user."""
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def save(data: bytes, meta: dict, now: datetime) -> Upload:
    """Keep ``data`` with ``meta`` under a new random token."""
    token = secrets.token_urlsafe(24)
    meta = {**meta, "created_at": now.isoformat()}
    base = folder()
    (base / token).write_bytes(data)
    (base / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Upload(token, meta)


def load(token: str, now: datetime) -> Upload | None:
    """The upload behind ``token``, or None if there is none (or it is more than a day old)."""
    if not _TOKEN.match(token or ""):
        return None
    base = folder()
    try:
        meta = json.loads((base / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    upload = Upload(token, meta)
    if not (base / token).exists() or now - upload.created_at > MAX_AGE:
        delete(token)
        return None
    return upload


def update_meta(upload: Upload) -> None:
    (folder() / f"{upload.token}.json").write_text(
        json.dumps(upload.meta, ensure_ascii=False), encoding="utf-8"
    )


def delete(token: str) -> None:
    """Remove an upload and its preview."""
    if not _TOKEN.match(token or ""):
        return
    base = folder()
    for path in (base / token, base / f"{token}.json"):
        path.unlink(missing_ok=True)


def purge_stale(now: datetime) -> int:
    """Delete uploads older than a day; return how many were removed."""
    removed = 0
    base = folder()
    for path in base.iterdir():
        token = path.name.removesuffix(".json")
        if not _TOKEN.match(token) or path.name.endswith(".json"):
            continue
        meta_path = base / f"{token}.json"
        try:
            created = datetime.fromisoformat(json.loads(meta_path.read_text())["created_at"])
        except (OSError, ValueError, KeyError):
            created = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
        if now - created > MAX_AGE:
            delete(token)
            removed += 1
    for meta_path in base.glob("*.json"):  # previews whose file is gone
        if not (base / meta_path.stem).exists():
            meta_path.unlink(missing_ok=True)
    return removed
