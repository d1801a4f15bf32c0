"""Verbs on action plans: create and change items, post progress, review, comment.

The queries behind the plan pages are :mod:`lms.actions.queries`; the alignment lists items are
tagged with, :mod:`lms.actions.alignment`.

Every change writes :class:`ItemEvent` rows, so an item's page can show who changed what, when.
Services flush; the view or command commits.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select

from lms.accounts.models import User
from lms.actions.models import (
    ActionItem,
    Comment,
    ItemCourse,
    ItemEvent,
    Priority,
    Program,
    ProgressUpdate,
    Status,
    Tag,
)
from lms.extensions import db
from lms.i18n import gettext as _
from lms.org.models import Unit

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
#: Statuses an owner may report in a progress update.
UPDATE_STATUSES = (Status.IN_PROGRESS, Status.DONE, Status.BLOCKED)
#: Fields whose changes the history records, in the order a form shows them.
TRACKED = (
    "title",
    "description",
    "expected_output",
    "target_indicator",
    "target_value",
    "owner_id",
    "program_id",
    "start_date",
    "due_date",
    "priority",
    "status",
    "progress",
)


class ActionError(ValueError):
    """A change that cannot be made; the message is for the person."""


# -- history --------------------------------------------------------------------------------------


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def record(item: ActionItem, actor: User | None, now: datetime, kind: str, **detail) -> None:
    """Append one history entry for ``item``."""
    db.session.add(
        ItemEvent(
            item_id=item.id,
            actor_id=actor.id if actor else None,
            created_at=now,
            kind=kind,
            field=detail.get("field"),
            old_value=_text(detail.get("old")),
            new_value=_text(detail.get("new")),
        )
    )


# -- items ----------------------------------------------------------------------------------------


def clean_course_slugs(raw: str | list[str] | None) -> list[str]:
    """Course slugs from a comma/space separated text; raise on one that cannot be a slug."""
    if raw is None:
        return []
    parts = raw if isinstance(raw, list) else re.split(r"[\s,;]+", raw)
    slugs: list[str] = []
    for part in parts:
        slug = part.strip().lower()
        if not slug:
            continue
        if not SLUG_RE.match(slug):
            raise ActionError(
                _("Kode kursus %(slug)s tidak valid (huruf kecil, angka, dan tanda -).", slug=slug)
            )
        if slug not in slugs:
            slugs.append(slug)
    return slugs


def _check(fields: dict, unit: Unit) -> None:
    title = (fields.get("title") or "").strip()
    if not title:
        raise ActionError(_("Judul wajib diisi."))
    if fields.get("due_date") is None:
        raise ActionError(_("Tenggat wajib diisi."))
    start = fields.get("start_date")
    if start is not None and start > fields["due_date"]:
        raise ActionError(_("Tanggal mulai tidak boleh sesudah tenggat."))
    progress = fields.get("progress", 0)
    if progress is not None and not 0 <= progress <= 100:
        raise ActionError(_("Progres harus antara 0 dan 100."))
    owner: User | None = fields.get("owner")
    if owner is None:
        raise ActionError(_("Penanggung jawab wajib dipilih."))
    if not owner_fits(owner, unit):
        raise ActionError(
            _("Penanggung jawab harus pegawai aktif %(unit)s atau sub-unitnya.", unit=unit.name)
        )
    for co in fields.get("co_owners") or []:
        if not owner_fits(co, unit):
            raise ActionError(
                _(
                    "Penanggung jawab pendamping harus pegawai aktif %(unit)s atau sub-unitnya.",
                    unit=unit.name,
                )
            )
    if fields.get("status", Status.DRAFT) not in set(Status):
        raise ActionError(_("Status tidak dikenal."))
    if fields.get("priority", Priority.MEDIUM) not in set(Priority):
        raise ActionError(_("Prioritas tidak dikenal."))


def owner_fits(person: User, unit: Unit) -> bool:
    """An owner is an active person of the unit or of one of its sub-units."""
    return bool(person.active and person.unit is not None and person.unit.is_within(unit))


def possible_owners(unit: Unit) -> list[User]:
    """Active people of ``unit`` and its sub-units, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Unit, User.unit_id == Unit.id)
            .where(Unit.path.startswith(unit.path, autoescape=True), User.active.is_(True))
            .order_by(User.full_name, User.id)
        )
    )


def create_item(
    unit: Unit,
    program: Program,
    actor: User | None,
    now: datetime,
    *,
    owner: User,
    title: str,
    due_date: date,
    co_owners: list[User] | None = None,
    tags: list[Tag] | None = None,
    course_slugs: list[str] | None = None,
    kind: str = "created",
    **fields,
) -> ActionItem:
    """Add an action item to ``unit``'s plan for ``program``."""
    fields.setdefault("status", Status.DRAFT.value)
    fields.setdefault("priority", Priority.MEDIUM.value)
    fields.setdefault("progress", 0)
    _check(
        {**fields, "title": title, "due_date": due_date, "owner": owner, "co_owners": co_owners},
        unit,
    )
    if fields["status"] == Status.DONE:
        fields["progress"] = 100
    item = ActionItem(
        unit=unit,
        program=program,
        owner=owner,
        title=title.strip(),
        due_date=due_date,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
        **fields,
    )
    item.co_owners = [u for u in (co_owners or []) if u.id != owner.id]
    item.tags = list(tags or [])
    item.courses = [ItemCourse(course_slug=s) for s in course_slugs or []]
    db.session.add(item)
    db.session.flush()
    record(item, actor, now, kind)
    db.session.flush()
    return item


def edit_item(
    item: ActionItem,
    actor: User,
    now: datetime,
    *,
    co_owners: list[User] | None = None,
    tags: list[Tag] | None = None,
    course_slugs: list[str] | None = None,
    owner: User | None = None,
    **fields,
) -> list[str]:
    """Change an item's plan fields; record each change. Return the names of changed fields."""
    owner = owner or item.owner
    merged = {f: getattr(item, f) for f in TRACKED if f not in ("owner_id",)}
    merged.update(fields)
    _check({**merged, "owner": owner, "co_owners": co_owners}, item.unit)
    fields["owner_id"] = owner.id
    if fields.get("status") == Status.DONE and item.status != Status.DONE:
        fields["progress"] = 100
    changed: list[str] = []
    for name in TRACKED:
        if name not in fields:
            continue
        old, new = getattr(item, name), fields[name]
        if isinstance(new, str):
            new = new.strip() if name == "title" else (new.strip() or None)
        if old != new:
            record(item, actor, now, "changed", field=name, old=old, new=new)
            setattr(item, name, new)
            changed.append(name)
    if co_owners is not None:
        wanted = [u for u in co_owners if u.id != owner.id]
        old_names = ", ".join(sorted(u.full_name for u in item.co_owners))
        new_names = ", ".join(sorted(u.full_name for u in wanted))
        if old_names != new_names:
            record(item, actor, now, "changed", field="co_owners", old=old_names, new=new_names)
            item.co_owners = wanted
            changed.append("co_owners")
    if tags is not None:
        old_names = ", ".join(sorted(t.name for t in item.tags))
        new_names = ", ".join(sorted(t.name for t in tags))
        if old_names != new_names:
            record(item, actor, now, "changed", field="tags", old=old_names, new=new_names)
            item.tags = list(tags)
            changed.append("tags")
    if course_slugs is not None:
        old_slugs = ", ".join(c.course_slug for c in item.courses)
        if old_slugs != ", ".join(sorted(course_slugs)):
            record(
                item, actor, now, "changed", field="courses",
                old=old_slugs, new=", ".join(sorted(course_slugs)),
            )  # fmt: skip
            item.courses = [ItemCourse(course_slug=s) for s in sorted(course_slugs)]
            changed.append("courses")
    if "status" in changed and item.accepted_at is not None:
        _clear_acceptance(item, actor, now)
    if changed:
        item.updated_at = now
    db.session.flush()
    return changed


def _clear_acceptance(item: ActionItem, actor: User | None, now: datetime) -> None:
    record(item, actor, now, "changed", field="accepted_at", old=item.accepted_at, new=None)
    item.accepted_at = None
    item.accepted_by_id = None


def post_update(
    item: ActionItem,
    author: User,
    now: datetime,
    *,
    progress: int,
    status: str,
    note: str,
    link_url: str | None = None,
    evidence_key: str | None = None,
    evidence=None,
) -> ProgressUpdate:
    """Record a progress update and carry its progress and status over to the item."""
    if item.status == Status.CANCELLED:
        raise ActionError(_("Butir ini sudah dibatalkan; progres tidak dapat dilaporkan lagi."))
    if item.accepted:
        raise ActionError(
            _("Butir ini sudah diterima kepala unit; progres tidak dapat dilaporkan lagi.")
        )
    if status not in UPDATE_STATUSES:
        raise ActionError(_("Status laporan harus Berjalan, Selesai, atau Terhambat."))
    if not 0 <= progress <= 100:
        raise ActionError(_("Progres harus antara 0 dan 100."))
    note = (note or "").strip()
    if not note:
        raise ActionError(_("Catatan progres wajib diisi."))
    if status == Status.DONE:
        progress = 100
    update = ProgressUpdate(
        item_id=item.id,
        author_id=author.id,
        created_at=now,
        progress=progress,
        status=status,
        note=note,
        link_url=(link_url or "").strip() or None,
        evidence_key=evidence_key,
    )
    if evidence is not None:
        update.evidence_name = evidence.name
        update.evidence_type = evidence.content_type
        update.evidence_size = evidence.size
        update.evidence_sha256 = evidence.sha256
    db.session.add(update)
    db.session.flush()
    record(item, author, now, "update", new=update.id)
    for name, value in (("progress", progress), ("status", status)):
        if getattr(item, name) != value:
            record(item, author, now, "changed", field=name, old=getattr(item, name), new=value)
            setattr(item, name, value)
    item.last_update_at = now
    item.updated_at = now
    db.session.flush()
    return update


def accept(item: ActionItem, reviewer: User, now: datetime) -> None:
    """The unit head accepts a ``done`` item: from now on it counts as done in reports."""
    if item.status != Status.DONE:
        raise ActionError(_("Hanya butir berstatus Selesai yang dapat diterima."))
    if item.accepted_at is not None:
        raise ActionError(_("Butir ini sudah diterima."))
    item.accepted_at = now
    item.accepted_by_id = reviewer.id
    item.updated_at = now
    record(item, reviewer, now, "accepted")
    db.session.flush()


def send_back(item: ActionItem, reviewer: User, now: datetime, comment: str) -> Comment:
    """The unit head returns a ``done`` item to work, saying why."""
    if item.status != Status.DONE or item.accepted_at is not None:
        raise ActionError(
            _("Hanya butir berstatus Selesai yang belum diterima yang dapat dikembalikan.")
        )
    comment = (comment or "").strip()
    if not comment:
        raise ActionError(
            _("Tuliskan alasan pengembalian agar penanggung jawab tahu yang perlu diperbaiki.")
        )
    note = add_comment(item, reviewer, now, comment, kind=None)
    record(item, reviewer, now, "returned", field="status", old=item.status, new="in_progress")
    item.status = Status.IN_PROGRESS.value
    item.updated_at = now
    db.session.flush()
    return note


def add_comment(
    item: ActionItem, author: User, now: datetime, body: str, kind: str | None = "comment"
) -> Comment:
    """Add a comment to ``item``."""
    body = (body or "").strip()
    if not body:
        raise ActionError(_("Komentar tidak boleh kosong."))
    if len(body) > 2000:
        raise ActionError(_("Komentar paling banyak 2.000 karakter."))
    comment = Comment(item_id=item.id, author_id=author.id, created_at=now, body=body)
    db.session.add(comment)
    if kind:
        record(item, author, now, kind)
    db.session.flush()
    return comment


# -- programmes -----------------------------------------------------------------------------------


def programs(active_only: bool = False) -> list[Program]:
    query = select(Program).order_by(Program.starts_on.desc(), Program.name)
    if active_only:
        query = query.where(Program.active.is_(True))
    return list(db.session.scalars(query))


def program_name_taken(name: str, program_id: int | None) -> bool:
    """Whether another programme than ``program_id`` is already called ``name``."""
    query = select(Program.id).where(Program.name == name, Program.id != (program_id or 0))
    return db.session.scalar(query) is not None
