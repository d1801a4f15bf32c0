"""Anonymise a person in one transaction, preview what that removes, and apply retention.

Every personal-data provider (lms/privacy/registry.py) erases its own feature's rows; this module
only orders the work: capture the files, run every eraser, record one audit event, commit, then
delete the files. A person is erased once (``users.erased_at``); asking again changes nothing.
Aggregates survive: enrolments, completions, JP, scores and action items stay, tied to an
account that no longer says whose it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from lms.accounts.models import User
from lms.audit.services import record
from lms.extensions import db
from lms.privacy.registry import Subject, providers
from lms.privacy.services import COMMON_LABELS
from lms.reminders.scheduler import daily_job

REQUEST = "request"
RETENTION = "retention"


class ErasureError(ValueError):
    """An erasure that may not be carried out; the message says why, for people."""


@dataclass
class Part:
    """What one feature holds about the person: a label and a count per kind of record."""

    title: Any
    counts: list[tuple[Any, int]]


@dataclass
class Preview:
    parts: list[Part]
    files: list[str]

    @property
    def empty(self) -> bool:
        return not self.files and not any(n for part in self.parts for _label, n in part.counts)


@dataclass
class Result:
    counts: dict[str, dict[str, int]]
    files_deleted: int = 0
    files_missing: int = 0
    failed: list[str] = field(default_factory=list)


def preview(user: User) -> Preview:
    """What Sinau holds about ``user``, counted per feature: what erasure will replace or remove.

    Read from the same exports as "Data saya", so the preview cannot forget a feature the copy
    knows about.
    """
    parts: list[Part] = []
    files: list[str] = []
    for provider in providers():
        labels = COMMON_LABELS | provider.labels
        counts = []
        for key, value in provider.export(user).items():
            if isinstance(value, list):
                n = len(value)
            elif isinstance(value, dict):
                n = 1
            else:
                continue  # a number about others (invitations sent), not a record of theirs
            counts.append((labels.get(key, key), n))
        parts.append(Part(provider.title, counts))
        files.extend(name for name, _path in provider.list_files(user))
    return Preview(parts, files)


def erase(
    user: User,
    now: datetime,
    *,
    reason: str = REQUEST,
    actor: User | None = None,
    ip: str | None = None,
) -> Result | None:
    """Anonymise ``user`` and commit; None when they were erased before (nothing changes).

    All database changes, the audit event included, are one transaction: a failure leaves the
    person as they were. Evidence files are deleted only after the commit, so a rollback never
    leaves rows pointing at deleted files; a file that cannot be deleted is logged by name of its
    key (never the person) and counted.
    """
    if user.erased_at is not None:
        return None
    if actor is not None and actor.id == user.id:
        raise ErasureError("self")
    paths: list[Path] = [path for p in providers() for _name, path in p.list_files(user)]
    subject = Subject.of(user, now, reason, actor)
    try:
        counts = {p.name: p.erase(subject) for p in providers() if p.erase is not None}
        record(
            actor,
            "privacy.erase",
            f"user:{user.id}",
            now=now,
            ip=ip,
            reason=reason,
            files=len(paths),
            counts={name: c for name, c in counts.items() if c},
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    result = Result(counts)
    for path in paths:
        try:
            path.unlink()
            result.files_deleted += 1
        except FileNotFoundError:
            result.files_missing += 1
        except OSError:
            result.failed.append(path.name)
            current_app.logger.exception("erasure: could not delete evidence file %s", path.name)
    return result


# -- retention ----------------------------------------------------------------------------------


def retention_cutoff(now: datetime, years: int) -> datetime:
    """``now`` minus ``years`` calendar years (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def due_for_retention(now: datetime) -> Select:
    """Deactivated, not yet erased, deactivated at least LMS_RETENTION_YEARS ago: a select of
    users, oldest deactivation first."""
    cutoff = retention_cutoff(now, current_app.config["RETENTION_YEARS"])
    return (
        select(User)
        .where(
            User.active.is_(False),
            User.erased_at.is_(None),
            User.deactivated_at.is_not(None),
            User.deactivated_at <= cutoff,
        )
        .order_by(User.deactivated_at, User.id)
    )


def count_due(now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(due_for_retention(now).subquery()))


@daily_job("retention", "RETENTION_HOUR")
def run_retention(now: datetime) -> dict[str, int]:
    """The scheduler's job: anonymise up to LMS_RETENTION_BATCH accounts whose retention ended,
    each in its own transaction (one failure stops neither the others nor the next run)."""
    if current_app.config["RETENTION_YEARS"] <= 0:
        return {"disabled": 1}
    batch = current_app.config["RETENTION_BATCH"]
    ids = db.session.scalars(due_for_retention(now).with_only_columns(User.id).limit(batch)).all()
    done = files = failed = 0
    for user_id in ids:
        user = db.session.get(User, user_id)
        try:
            result = erase(user, now, reason=RETENTION)
        except Exception:
            current_app.logger.exception("retention: anonymising account %s failed", user_id)
            failed += 1
            continue
        if result is not None:
            done += 1
            files += result.files_deleted
    return {"anonymised": done, "files_deleted": files, "failed": failed, "due": len(ids)}
