"""The alignment lists an action item is tagged with (Asta Cita, Nawa Bhakti Satya).

The lists and their sources are configuration (``alignment.toml``); ``flask lms action-tags``
loads them into :class:`Tag` rows and stops offering the entries of an outdated list.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select

from lms.actions.models import Tag
from lms.extensions import db


def tags_by_kind() -> dict[str, list[Tag]]:
    """The entries offered on the item form, per list (kind), in the list's order."""
    query = select(Tag).where(Tag.active.is_(True)).order_by(Tag.kind, Tag.position, Tag.name)
    out: dict[str, list[Tag]] = {}
    for tag in db.session.scalars(query):
        out.setdefault(tag.kind, []).append(tag)
    return out


#: The alignment lists and their sources: configuration, not code (see the file's comments).
ALIGNMENT_FILE = Path(__file__).with_name("alignment.toml")


def load_alignment(path: Path = ALIGNMENT_FILE) -> dict[str, dict]:
    """Read the alignment lists: per kind its label, source, names in order and retired names."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


ALIGNMENT = load_alignment()
ASTA_CITA: list[str] = ALIGNMENT["asta_cita"]["names"]
NAWA_BHAKTI_SATYA: list[str] = ALIGNMENT["nawa_bhakti_satya"]["names"]
DEFAULT_TAGS = {kind: spec["names"] for kind, spec in ALIGNMENT.items()}
RETIRED_TAGS = {kind: spec.get("retired", []) for kind, spec in ALIGNMENT.items()}
TAG_KIND_LABELS = {kind: spec["label"] for kind, spec in ALIGNMENT.items()}


def seed_tags(lists: dict[str, list[str]] | None = None) -> int:
    """Add the missing entries of the alignment lists; return how many were added.

    Entries already there take their place in the list and are offered again.
    """
    existing = {(t.kind, t.name): t for t in db.session.scalars(select(Tag))}
    added = 0
    for kind, names in (lists or DEFAULT_TAGS).items():
        for position, name in enumerate(names, start=1):
            tag = existing.get((kind, name))
            if tag is None:
                db.session.add(Tag(kind=kind, name=name, position=position))
                added += 1
            else:
                tag.position, tag.active = position, True
    db.session.flush()
    return added


def retire_tags(retired: dict[str, list[str]] | None = None) -> int:
    """Stop offering the entries of an outdated list (items keep them); return how many."""
    count = 0
    for kind, names in (retired or RETIRED_TAGS).items():
        for tag in db.session.scalars(
            select(Tag).where(Tag.kind == kind, Tag.name.in_(names), Tag.active.is_(True))
        ):
            tag.active = False
            count += 1
    db.session.flush()
    return count
