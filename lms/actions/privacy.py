"""A person's action items, progress updates, comments, history entries and evidence files,
for "Data saya"."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import or_, select

from lms.actions.evidence import path_for
from lms.actions.models import (
    ActionItem,
    Comment,
    ItemEvent,
    ProgressUpdate,
    action_item_co_owners,
)
from lms.extensions import db
from lms.i18n import lazy_gettext as _l
from lms.org.models import Unit
from lms.privacy.registry import REDACTED, Subject, fields, personal_data


def evidence_file_name(update: ProgressUpdate) -> str:
    """The name of an update's evidence inside the ZIP's bukti/ folder: unique and harmless."""
    safe = re.sub(r"[^\w.\- ]+", "_", update.evidence_name or "bukti").strip(" .") or "bukti"
    return f"{update.id}-{safe[-120:]}"


def _co_owned(user_id: int):
    return select(action_item_co_owners.c.item_id).where(action_item_co_owners.c.user_id == user_id)


def _own_updates(user_id: int):
    return select(ProgressUpdate).where(ProgressUpdate.author_id == user_id)


@personal_data(
    "actions",
    _l("Aksi nyata, laporan kemajuan, komentar dan bukti"),
    tables=[ActionItem, action_item_co_owners, ProgressUpdate, Comment, ItemEvent],
    labels={
        "items": _l("Aksi nyata yang Anda miliki"),
        "updates": _l("Laporan kemajuan"),
        "comments": _l("Komentar Anda"),
        "history": _l("Perubahan yang Anda buat"),
        "items_reviewed_or_created": _l("Aksi nyata yang Anda buat atau terima"),
        "title": _l("Judul"),
        "description": _l("Uraian"),
        "role": _l("Peran Anda"),
        "due_date": _l("Tenggat"),
        "status": _l("Status"),
        "progress": _l("Kemajuan (%)"),
        "note": _l("Catatan"),
        "body": _l("Isi"),
        "evidence_file": _l("Berkas bukti"),
        "by_you": _l("Oleh Anda"),
    },
)
def export_actions(user) -> dict:
    """Items owned or co-owned, the updates on them and by the person, the person's comments
    and history entries: five queries."""
    co_owned = _co_owned(user.id)
    items = db.session.execute(
        select(ActionItem, Unit.name)
        .join(Unit, Unit.id == ActionItem.unit_id)
        .where(or_(ActionItem.owner_id == user.id, ActionItem.id.in_(co_owned)))
        .order_by(ActionItem.id)
    ).all()
    item_ids = [item.id for item, _unit in items]
    updates = db.session.scalars(
        select(ProgressUpdate)
        .where(or_(ProgressUpdate.item_id.in_(item_ids), ProgressUpdate.author_id == user.id))
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.created_at, Comment.id)
    )
    history = db.session.scalars(
        select(ItemEvent)
        .where(ItemEvent.actor_id == user.id)
        .order_by(ItemEvent.created_at, ItemEvent.id)
    )
    others = db.session.scalars(
        select(ActionItem)
        .where(or_(ActionItem.accepted_by_id == user.id, ActionItem.created_by_id == user.id))
        .order_by(ActionItem.id)
    )
    return {
        "items": [
            fields(
                item,
                "id",
                "title",
                "description",
                "expected_output",
                "target_indicator",
                "target_value",
                "start_date",
                "due_date",
                "priority",
                "status",
                "progress",
                "accepted_at",
                "created_at",
                "updated_at",
            )
            | {"unit": unit, "role": "owner" if item.owner_id == user.id else "co_owner"}
            for item, unit in items
        ],
        "updates": [_update(u, user.id) for u in updates],
        "comments": [fields(c, "item_id", "created_at", "body") for c in comments],
        "history": [
            fields(e, "item_id", "created_at", "kind", "field", "old_value", "new_value")
            for e in history
        ],
        "items_reviewed_or_created": [
            {
                "id": item.id,
                "title": item.title,
                "created_by_you": item.created_by_id == user.id,
                "accepted_by_you": item.accepted_by_id == user.id,
            }
            for item in others
        ],
    }


def _update(update: ProgressUpdate, user_id: int) -> dict:
    row = fields(update, "item_id", "created_at", "progress", "status", "note", "link_url")
    row["by_you"] = update.author_id == user_id
    if update.evidence_key:
        row |= fields(update, "evidence_name", "evidence_type", "evidence_size", "evidence_sha256")
        if update.author_id == user_id:
            row["evidence_file"] = f"bukti/{evidence_file_name(update)}"
    return row


@export_actions.files
def evidence_files(user) -> list[tuple[str, Path]]:
    """The evidence files the person uploaded (one query)."""
    updates = db.session.scalars(
        _own_updates(user.id).where(ProgressUpdate.evidence_key.is_not(None))
    )
    return [(evidence_file_name(u), path_for(u.evidence_key)) for u in updates]


@export_actions.eraser
def erase_actions(subject: Subject) -> dict:
    """Progress notes and comments the person wrote are replaced and their evidence is cut loose
    (the files themselves are deleted after the transaction commits). Items stay with their
    unit, owned by the anonymised account: they are the unit's plan, and its figures. Any
    mention of the person in the unit's texts and history (co-owner lists) is replaced."""
    user_id = subject.user.id
    updates = db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.author_id == user_id)
    ).all()
    for update in updates:
        update.note = REDACTED
        update.link_url = None
        update.evidence_key = None
        update.evidence_name = None
        update.evidence_type = None
        update.evidence_size = None
        update.evidence_sha256 = None
    comments = db.session.scalars(select(Comment).where(Comment.author_id == user_id)).all()
    for comment in comments:
        comment.body = REDACTED
    mentions = subject.scrub_rows(
        db.session.scalars(
            select(ActionItem).where(
                subject.mentioned_in(
                    ActionItem.title,
                    ActionItem.description,
                    ActionItem.expected_output,
                    ActionItem.target_indicator,
                )
            )
        ),
        "title",
        "description",
        "expected_output",
        "target_indicator",
    )
    mentions += subject.scrub_rows(
        db.session.scalars(
            select(ItemEvent).where(subject.mentioned_in(ItemEvent.old_value, ItemEvent.new_value))
        ),
        "old_value",
        "new_value",
    )
    mentions += subject.scrub_rows(
        db.session.scalars(
            select(ProgressUpdate).where(
                ProgressUpdate.author_id != user_id, subject.mentioned_in(ProgressUpdate.note)
            )
        ),
        "note",
    )
    mentions += subject.scrub_rows(
        db.session.scalars(
            select(Comment).where(Comment.author_id != user_id, subject.mentioned_in(Comment.body))
        ),
        "body",
    )
    return {"updates": len(updates), "comments": len(comments), "mentions": mentions}
