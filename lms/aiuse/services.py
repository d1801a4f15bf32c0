"""The AI register's verbs: record and change entries, their DPIA, links, publication and the
people who keep a unit's register. Services flush; the view commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from lms.accounts.models import User
from lms.actions.models import ActionItem
from lms.aiuse.models import AiUse, Delegate, Dpia, EntryCourse, EntryItem, Status
from lms.aiuse.risk import assess, needs_dpia
from lms.audit.services import record
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.i18n import gettext as _
from lms.org.models import Unit

#: The entry's answers a unit fills in (and the audit log names when they change).
FIELDS = (
    "name",
    "purpose",
    "public_service",
    "status",
    "tool",
    "model",
    "data_location",
    "data_category",
    "decisions",
    "human_oversight",
    "responsible_id",
    "next_review_on",
)
DPIA_FIELDS = ("purpose_necessity", "minimisation", "risks", "safeguards")


class RegisterError(Exception):
    """A change the register refuses; the message says why, in the reader's language."""


def _check_live(entry: AiUse) -> None:
    """High risk goes live only with a completed DPIA (UU 27/2022 Pasal 34)."""
    if entry.status != Status.LIVE or not needs_dpia(entry.risk):
        return
    if entry.dpia is None or not entry.dpia.complete:
        raise RegisterError(
            _(
                "Status belum dapat diubah menjadi berjalan: pemanfaatan AI ini berisiko tinggi, "
                "sehingga penilaian dampak pelindungan data pribadi (DPIA) harus diisi lengkap "
                "dan disetujui kepala unit lebih dahulu (UU 27/2022 Pasal 34). Simpan dengan "
                "status uji coba atau rencana, lalu lengkapi DPIA."
            )
        )


def save_entry(
    entry: AiUse | None,
    unit: Unit,
    actor: User,
    now: datetime,
    values: dict[str, Any],
    ip: str | None = None,
) -> AiUse:
    """Create (``entry`` None) or change an entry from ``values``; its risk follows the answers.

    Refuses "berjalan" for a high-risk entry without a completed DPIA; nothing is kept then.
    """
    created = entry is None
    if entry is None:
        entry = AiUse(unit=unit, created_by_id=actor.id, created_at=now)
    changed = [name for name in FIELDS if getattr(entry, name, None) != values.get(name)]
    for name in FIELDS:
        setattr(entry, name, values.get(name))
    entry.risk = assess(entry.data_category, entry.decisions, entry.data_location).level.value
    entry.updated_at = now
    _check_live(entry)
    if created:
        db.session.add(entry)
    db.session.flush()
    action = "aiuse.create" if created else "aiuse.update"
    record(actor, action, f"aiuse:{entry.id}", now=now, ip=ip, fields=changed, risk=entry.risk)
    return entry


def save_dpia(
    entry: AiUse, actor: User, now: datetime, values: dict[str, str], ip: str | None = None
) -> Dpia:
    """Fill in or change the DPIA; a change to a signed-off DPIA needs a new sign-off, and an
    entry already live with high risk cannot lose its DPIA that way."""
    dpia = entry.dpia or Dpia(entry=entry)
    changed = [n for n in DPIA_FIELDS if (getattr(dpia, n) or "") != (values.get(n) or "")]
    for name in DPIA_FIELDS:
        setattr(dpia, name, (values.get(name) or "").strip() or None)
    if changed:
        dpia.updated_by_id = actor.id
        dpia.updated_at = now
        if dpia.signed_off_at is not None:
            dpia.signed_off_at = None
            dpia.signed_off_by_id = None
    if entry.status == Status.LIVE and needs_dpia(entry.risk) and not dpia.complete:
        raise RegisterError(
            _(
                "Pemanfaatan AI ini sedang berjalan dan berisiko tinggi: perubahan DPIA perlu "
                "disetujui ulang kepala unit. Ubah dulu statusnya menjadi uji coba, atau minta "
                "kepala unit mengubah dan langsung menyetujuinya."
            )
        )
    db.session.add(dpia)
    db.session.flush()
    record(actor, "aiuse.dpia_update", f"aiuse:{entry.id}", now=now, ip=ip, fields=changed)
    return dpia


def sign_off(entry: AiUse, head: User, now: datetime, ip: str | None = None) -> Dpia:
    """The unit head signs the DPIA off; every part must be answered first."""
    dpia = entry.dpia
    if dpia is None or not dpia.answered:
        raise RegisterError(
            _(
                "DPIA belum dapat disetujui: isi lebih dahulu tujuan dan kebutuhan, minimisasi "
                "data, risiko bagi orang yang datanya diproses, dan langkah pengamanannya."
            )
        )
    dpia.signed_off_at = now
    dpia.signed_off_by_id = head.id
    db.session.flush()
    record(head, "aiuse.dpia_sign_off", f"aiuse:{entry.id}", now=now, ip=ip)
    return dpia


def set_published(
    entry: AiUse, actor: User, now: datetime, publish: bool, ip: str | None = None
) -> None:
    """Show the entry on the public page, or take it off."""
    if publish == (entry.published_at is not None):
        return
    entry.published_at = now if publish else None
    db.session.flush()
    action = "aiuse.publish" if publish else "aiuse.unpublish"
    record(actor, action, f"aiuse:{entry.id}", now=now, ip=ip)


def set_links(
    entry: AiUse,
    actor: User,
    now: datetime,
    item_ids: list[int],
    course_slugs: list[str],
    ip: str | None = None,
) -> None:
    """The action items that carry the entry out and the courses its unit should finish."""
    db.session.execute(EntryItem.__table__.delete().where(EntryItem.entry_id == entry.id))
    db.session.execute(EntryCourse.__table__.delete().where(EntryCourse.entry_id == entry.id))
    db.session.add_all(EntryItem(entry_id=entry.id, item_id=i) for i in sorted(set(item_ids)))
    db.session.add_all(
        EntryCourse(entry_id=entry.id, course_slug=s) for s in sorted(set(course_slugs))
    )
    db.session.flush()
    record(
        actor,
        "aiuse.links",
        f"aiuse:{entry.id}",
        now=now,
        ip=ip,
        items=sorted(set(item_ids)),
        courses=sorted(set(course_slugs)),
    )


# -- reading ---------------------------------------------------------------------------------


def subtree(unit: Unit):
    """A select of the ids of ``unit`` and its sub-units."""
    return select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))


def entries_of(unit: Unit) -> list[tuple[AiUse, str, bool]]:
    """The entries of ``unit`` and its sub-units: (entry, unit name, DPIA complete), one query."""
    rows = db.session.execute(
        select(AiUse, Unit.name, Dpia.signed_off_at)
        .join(Unit, Unit.id == AiUse.unit_id)
        .outerjoin(Dpia, Dpia.entry_id == AiUse.id)
        .where(AiUse.unit_id.in_(subtree(unit)))
        .order_by(Unit.path, AiUse.name, AiUse.id)
    ).all()
    return [(entry, name, signed is not None) for entry, name, signed in rows]


def linked_items(entry: AiUse) -> list[ActionItem]:
    return list(
        db.session.scalars(
            select(ActionItem)
            .join(EntryItem, EntryItem.item_id == ActionItem.id)
            .where(EntryItem.entry_id == entry.id)
            .order_by(ActionItem.due_date, ActionItem.id)
        )
    )


def linkable_items(unit: Unit) -> list[ActionItem]:
    """Action items of the entry's unit and its sub-units, which an entry may link to."""
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.unit_id.in_(subtree(unit)))
            .order_by(ActionItem.title, ActionItem.id)
        )
    )


def linked_slugs(entry: AiUse) -> list[str]:
    return list(
        db.session.scalars(
            select(EntryCourse.course_slug)
            .where(EntryCourse.entry_id == entry.id)
            .order_by(EntryCourse.course_slug)
        )
    )


def live_courses() -> list[tuple[str, str]]:
    return list(
        db.session.execute(
            select(Course.slug, Course.title)
            .where(Course.retired_at.is_(None))
            .order_by(Course.title)
        ).all()
    )


@dataclass(frozen=True)
class CourseCompletion:
    slug: str
    title: str | None
    completed: int
    people: int

    @property
    def percent(self) -> float:
        return 100 * self.completed / self.people if self.people else 0.0


def course_completion(entry: AiUse) -> list[CourseCompletion]:
    """For each linked course, how many active people of the entry's unit (sub-units included)
    have completed it: two aggregate queries, whatever the number of people."""
    unit = entry.unit
    people = (
        select(User.id)
        .join(Unit, Unit.id == User.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True), User.active.is_(True))
    )
    total = db.session.scalar(select(func.count()).select_from(people.subquery())) or 0
    rows = db.session.execute(
        select(
            EntryCourse.course_slug,
            Course.title,
            func.count(func.distinct(Enrollment.user_id)),
        )
        .select_from(EntryCourse)
        .outerjoin(Course, Course.slug == EntryCourse.course_slug)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.course_id == Course.id,
                Enrollment.completed_at.is_not(None),
                Enrollment.user_id.in_(people),
            ),
        )
        .where(EntryCourse.entry_id == entry.id)
        .group_by(EntryCourse.course_slug, Course.title)
        .order_by(EntryCourse.course_slug)
    ).all()
    return [CourseCompletion(slug, title, done, total) for slug, title, done in rows]


def delegates_of(unit: Unit) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Delegate, Delegate.user_id == User.id)
            .where(Delegate.unit_id == unit.id)
            .order_by(User.full_name)
        )
    )


def add_delegate(unit: Unit, person: User, actor: User, now: datetime, ip: str | None = None):
    """Let ``person`` (of the unit or a sub-unit) keep the unit's register."""
    if person.unit is None or not person.unit.is_within(unit):
        raise RegisterError(_("Pengelola registri harus pegawai unit ini atau sub-unitnya."))
    if db.session.get(Delegate, (unit.id, person.id)) is None:
        db.session.add(Delegate(unit_id=unit.id, user_id=person.id, created_at=now))
        db.session.flush()
        record(actor, "aiuse.delegate_add", f"user:{person.id}", now=now, ip=ip, unit=unit.id)


def remove_delegate(unit: Unit, person_id: int, actor: User, now: datetime, ip=None) -> None:
    row = db.session.get(Delegate, (unit.id, person_id))
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        record(actor, "aiuse.delegate_remove", f"user:{person_id}", now=now, ip=ip, unit=unit.id)


def unit_people(unit: Unit) -> list[tuple[int, str]]:
    """Active people of ``unit`` and its sub-units, for choosing a responsible or delegate."""
    return list(
        db.session.execute(
            select(User.id, User.full_name)
            .where(User.unit_id.in_(subtree(unit)), User.active.is_(True))
            .order_by(User.full_name)
        ).all()
    )
