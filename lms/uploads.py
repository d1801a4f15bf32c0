"""Uploaded files parked between a preview and its confirmation, under the instance folder.

An import parks the uploaded bytes with a little JSON (who uploaded them, what the preview
showed) under a random token, shows the preview, and on confirmation unparks the file by that
token to check it again. Nothing personal goes into the token or the URLs. Each feature has its
own :class:`Parking` (a subfolder of the instance folder, private to the app's user) and checks
itself who may use a token. Files are discarded after confirmation or cancellation; those older
than a day are refused and purged.
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
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Parked:
    """A parked upload: its token, what was said about it, and where its bytes are."""

    token: str
    meta: dict
    path: Path

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.meta["created_at"])

    def read(self) -> bytes:
        return self.path.read_bytes()


class Parking:
    """Uploads of one feature, in ``<instance>/<subfolder>/``: ``<token>`` and ``<token>.json``."""

    def __init__(self, subfolder: str) -> None:
        self.subfolder = subfolder

    def folder(self) -> Path:
        """The folder, created private to the app's user."""
        path = Path(current_app.instance_path) / self.subfolder
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def park(self, data: bytes, meta: dict, now: datetime) -> Parked:
        """Keep ``data`` with ``meta`` under a new random token."""
        token = secrets.token_urlsafe(24)
        meta = {**meta, "created_at": now.isoformat()}
        base = self.folder()
        (base / token).write_bytes(data)
        (base / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return Parked(token, meta, base / token)

    def unpark(self, token: str, now: datetime) -> Parked | None:
        """The upload behind ``token``, or None if there is none (or it is more than a day old)."""
        if not TOKEN.match(token or ""):
            return None
        base = self.folder()
        try:
            meta = json.loads((base / f"{token}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        parked = Parked(token, meta, base / token)
        if not parked.path.exists() or now - parked.created_at > MAX_AGE:
            self.discard(token)
            return None
        return parked

    def update(self, parked: Parked) -> None:
        """Save a changed ``parked.meta``."""
        (self.folder() / f"{parked.token}.json").write_text(
            json.dumps(parked.meta, ensure_ascii=False), encoding="utf-8"
        )

    def discard(self, token: str) -> None:
        """Remove an upload and what was said about it."""
        if not TOKEN.match(token or ""):
            return
        base = self.folder()
        for path in (base / token, base / f"{token}.json"):
            path.unlink(missing_ok=True)

    def purge(self, now: datetime) -> int:
        """Delete uploads older than a day; return how many were removed."""
        removed = 0
        base = self.folder()
        for path in base.iterdir():
            token = path.name
            if not TOKEN.match(token):
                continue
            try:
                meta = json.loads((base / f"{token}.json").read_text(encoding="utf-8"))
                created = datetime.fromisoformat(meta["created_at"])
            except (OSError, ValueError, KeyError):
                created = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
            if now - created > MAX_AGE:
                self.discard(token)
                removed += 1
        for meta_path in base.glob("*.json"):  # descriptions whose file is gone
            if not (base / meta_path.stem).exists():
                meta_path.unlink(missing_ok=True)
        return removed
