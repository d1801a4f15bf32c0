"""Writing to the audit log, and checking that nobody edited it afterwards.

Every event stores ``hash`` = SHA-256 over the previous event's hash and a canonical form of its
own content (``seq``, time, actor, action, target, details, address). Changing, removing or
inserting one row breaks the chain from there on; ``verify`` finds the first break. Writers take
the lock on the one ``audit_chain_head`` row (an ``UPDATE`` first: a row lock on PostgreSQL, the
write lock on SQLite), so concurrent requests on several servers still form one straight chain.
The event is written in the same transaction as the change it records, as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Update, bindparam, func, select, update

from lms.audit.models import GENESIS, AuditChainHead, AuditEvent
from lms.extensions import db
from lms.i18n import utcnow
from lms.sql import insert_or_ignore

HEAD_ID = 1


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def canonical(
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    target: str | None,
    details: dict[str, Any],
    ip: str | None,
) -> str:
    """The event's content as one stable string: JSON, sorted keys, no spaces, ASCII only."""
    content = {
        "seq": seq,
        "at": _naive_utc(at).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "action": action,
        "target": target,
        "details": details,
        "ip": ip,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def event_hash(prev_hash: str, content: str) -> str:
    """SHA-256 (hex) over the previous hash and the canonical content."""
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


@functools.cache
def _head_statements() -> tuple[Update, Update]:
    """Lock the head and read it (one ``UPDATE ... RETURNING``), move it on (bound: new_seq,
    new_hash): built once per process, as every audited action (each sign-in among them) runs
    both."""
    head = AuditChainHead.__table__
    return (
        update(head)
        .where(head.c.id == HEAD_ID)
        .values(seq=head.c.seq)
        .returning(head.c.seq, head.c.hash),
        update(head)
        .where(head.c.id == HEAD_ID)
        .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")),
    )


def _lock_head() -> tuple[int, str]:
    """Lock the chain head and return its (seq, hash); create it when missing.

    Locking and reading are one statement (a round trip fewer on every audited action than an
    ``UPDATE`` followed by a ``SELECT``): the row comes back locked, as it stands."""
    head = AuditChainHead.__table__
    lock, _move = _head_statements()
    row = db.session.execute(lock).first()
    if row is None:
        # A database built without the migration (or emptied): continue after the last event.
        # Writers racing here all try the insert; one wins, the others wait for it, then lock.
        last = db.session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS)
        db.session.execute(insert_or_ignore(head).values(id=HEAD_ID, seq=seq, hash=last_hash))
        row = db.session.execute(lock).one()
    return row.seq, row.hash


def record(
    actor: Any,
    action: str,
    target: str | None = None,
    *,
    now: datetime | None = None,
    ip: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event for ``actor`` (a user, or None for the command line); flushes.

    ``details`` must be JSON-serialisable and carry no more personal data than the action needs.
    """
    # What the database will give back, so the hash computed now is the one verified later.
    details = json.loads(json.dumps(details))
    at = _naive_utc(now or utcnow())
    target = (target or None) and target[:255]
    actor_id = getattr(actor, "id", None)
    seq, prev_hash = _lock_head()
    seq += 1
    digest = event_hash(prev_hash, canonical(seq, at, actor_id, action, target, details, ip))
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        target=target,
        details=details,
        ip=ip,
        prev_hash=prev_hash,
        hash=digest,
    )
    db.session.add(event)
    db.session.execute(_head_statements()[1], {"new_seq": seq, "new_hash": digest})
    db.session.flush()
    return event


@dataclass(frozen=True)
class Verdict:
    """The outcome of ``verify``: how many events were checked, and the first problem if any."""

    checked: int
    problem: str | None = None
    event_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _events(batch: int = 1000) -> Iterator[Any]:
    columns = (
        AuditEvent.id,
        AuditEvent.seq,
        AuditEvent.at,
        AuditEvent.actor_id,
        AuditEvent.action,
        AuditEvent.target,
        AuditEvent.details,
        AuditEvent.ip,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    )
    after = None
    while True:
        query = select(*columns).order_by(AuditEvent.seq).limit(batch)
        if after is not None:
            query = query.where(AuditEvent.seq > after)
        rows = db.session.execute(query).all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].seq


def verify() -> Verdict:
    """Walk the chain in order; the first altered, missing or forged event, or all is well."""
    expected_seq, expected_prev, last_id, checked = 1, GENESIS, None, 0
    for row in _events():
        if row.seq != expected_seq:
            where = f"setelah event #{last_id}" if last_id else "di awal log"
            return Verdict(
                checked,
                f"event hilang {where}: nomor urut {expected_seq} sampai {row.seq - 1} "
                f"tidak ada (berikutnya event #{row.id})",
                row.id,
            )
        content = canonical(
            row.seq, row.at, row.actor_id, row.action, row.target, row.details, row.ip
        )
        if row.prev_hash != expected_prev or row.hash != event_hash(row.prev_hash, content):
            return Verdict(checked, f"event #{row.id} (nomor urut {row.seq}) telah diubah", row.id)
        expected_seq, expected_prev, last_id = row.seq + 1, row.hash, row.id
        checked += 1
    head = db.session.execute(
        select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == HEAD_ID)
    ).first()
    last_seq = expected_seq - 1
    if head is None:
        if checked:
            return Verdict(checked, "kepala rantai (audit_chain_head) hilang", last_id)
        return Verdict(0)
    if (head.seq, head.hash) != (last_seq, expected_prev):
        if head.seq > last_seq:
            where = f"setelah event #{last_id}" if last_id else "di awal log"
            return Verdict(
                checked,
                f"event hilang {where}: nomor urut {last_seq + 1} sampai {head.seq} tidak ada",
                last_id,
            )
        return Verdict(checked, "kepala rantai tidak cocok dengan event terakhir", last_id)
    return Verdict(checked)


def count_events() -> int:
    """How many events the log holds."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def event_query(
    *,
    actor_id: int | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
):
    """Events, newest first: by an actor, with an action starting with ``action``, about exactly
    ``target``, at or after ``since`` and before ``until`` (UTC)."""
    query = select(AuditEvent)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if target:
        query = query.where(AuditEvent.target == target)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return query.order_by(AuditEvent.seq.desc())
