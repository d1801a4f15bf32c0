"""Recording uses of AI: the refusal of "berjalan" without a DPIA, sign-off, links and counts."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event, select

from lms.aiuse import province, services
from lms.aiuse.models import AiUse
from lms.aiuse.services import RegisterError
from lms.audit.models import AuditEvent
from lms.courses import services as courses
from lms.courses.models import Course
from tests.factories import (
    AI_USE_ANSWERS,
    DPIA_ANSWERS,
    make_ai_use,
    make_item,
    make_unit,
    make_user,
    sync,
    write_course,
)

NOW = datetime(2026, 11, 30, 3, 0)


@pytest.fixture
def unit(db):
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi Informatika", parent=opd)
    head = make_user(unit=bidang, roles={"learner", "unit_head"}, full_name="Bambang Kepala")
    bidang.head = head
    db.session.commit()
    return bidang


def values(head, **changes) -> dict:
    return AI_USE_ANSWERS | {"name": "Pemilah aduan", "responsible_id": head.id} | changes


def test_a_high_risk_use_is_refused_berjalan_without_a_dpia(db, unit):
    head = unit.head
    with pytest.raises(RegisterError, match="DPIA"):
        services.save_entry(None, unit, head, NOW, values(head, status="berjalan"))
    db.session.rollback()
    assert db.session.scalar(select(AiUse)) is None


def test_a_dpia_answered_but_not_signed_off_is_not_enough(db, unit):
    head = unit.head
    entry = services.save_entry(None, unit, head, NOW, values(head, status="uji_coba"))
    services.save_dpia(entry, head, NOW, DPIA_ANSWERS)
    assert entry.dpia.answered and not entry.dpia.complete
    with pytest.raises(RegisterError, match="berjalan"):
        services.save_entry(entry, unit, head, NOW, values(head, status="berjalan"))


def test_a_signed_off_dpia_lets_it_go_live(db, unit):
    head = unit.head
    entry = make_ai_use(unit, head, dpia=True, now=NOW, status="berjalan")
    db.session.commit()
    assert entry.status == "berjalan" and entry.risk == "tinggi"
    assert entry.dpia.signed_off_by_id == head.id


def test_a_low_risk_use_goes_live_without_a_dpia(db, unit):
    head = unit.head
    entry = services.save_entry(
        None, unit, head, NOW,
        values(head, status="berjalan", data_category="tidak_ada", data_location="luar_negeri"),
    )  # fmt: skip
    assert entry.risk == "rendah" and entry.status == "berjalan" and entry.dpia is None


def test_raising_the_risk_of_a_live_use_without_a_dpia_is_refused(db, unit):
    head = unit.head
    low = values(head, status="berjalan", data_category="tidak_ada")
    entry = services.save_entry(None, unit, head, NOW, low)
    db.session.commit()
    with pytest.raises(RegisterError):
        services.save_entry(entry, unit, head, NOW, low | {"data_category": "spesifik"})


def test_sign_off_needs_every_part_answered(db, unit):
    head = unit.head
    entry = services.save_entry(None, unit, head, NOW, values(head))
    services.save_dpia(entry, head, NOW, DPIA_ANSWERS | {"safeguards": "  "})
    with pytest.raises(RegisterError, match="langkah pengamanannya"):
        services.sign_off(entry, head, NOW)


def test_changing_a_signed_off_dpia_needs_a_new_sign_off(db, unit):
    head = unit.head
    entry = make_ai_use(unit, head, dpia=True, now=NOW)
    services.save_dpia(entry, head, NOW, DPIA_ANSWERS | {"risks": "Risiko baru."})
    assert entry.dpia.signed_off_at is None
    same = entry.dpia.risks
    services.sign_off(entry, head, NOW)
    services.save_dpia(entry, head, NOW, DPIA_ANSWERS | {"risks": same})  # nothing changed
    assert entry.dpia.signed_off_at is not None


def test_a_live_high_risk_use_cannot_lose_its_sign_off(db, unit):
    head = unit.head
    entry = make_ai_use(unit, head, dpia=True, now=NOW, status="berjalan")
    with pytest.raises(RegisterError):
        services.save_dpia(entry, head, NOW, DPIA_ANSWERS | {"risks": "Lain."})


def test_changes_are_audited(db, unit):
    head = unit.head
    entry = make_ai_use(unit, head, dpia=True, now=NOW)
    services.set_published(entry, head, NOW, True)
    db.session.commit()
    actions = list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target == f"aiuse:{entry.id}")
            .order_by(AuditEvent.seq)
        )
    )
    assert actions == ["aiuse.create", "aiuse.dpia_update", "aiuse.dpia_sign_off", "aiuse.publish"]


def test_completion_counts_the_units_people_in_two_queries(app, db, unit, tmp_path):
    write_course(tmp_path, slug="etika", lessons=1, gift=None)
    write_course(tmp_path, slug="dasar", lessons=1, gift=None)
    sync(tmp_path)
    etika = db.session.scalar(select(Course).where(Course.slug == "etika"))
    seksi = make_unit("Seksi Layanan", parent=unit)
    people = [unit.head, make_user(unit=unit), make_user(unit=seksi), make_user(unit=unit)]
    outsider = make_user(unit=make_unit("Dinas Kesehatan"))
    for person in (people[1], people[2], outsider):
        enrollment = courses.enroll(person, etika, NOW)
        courses.complete_lesson(enrollment, courses.current_lessons(etika)[0], NOW)
    courses.enroll(people[3], etika, NOW)  # started, not finished
    entry = make_ai_use(unit, unit.head, now=NOW)
    services.set_links(entry, unit.head, NOW, [], ["etika", "dasar", "hilang"])
    db.session.commit()
    assert entry.unit.path  # loaded before counting: the page has them already
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = {
            c.slug: (c.completed, c.people, c.title) for c in services.course_completion(entry)
        }
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert found["etika"][:2] == (2, 4)
    assert found["dasar"][:2] == (0, 4)
    assert found["hilang"] == (0, 4, None)  # a slug with no course: shown, counted as none
    assert len(statements) == 2


def test_links_keep_only_the_chosen_items(db, unit):
    head = unit.head
    first, second = make_item(unit, head, title="Satu"), make_item(unit, head, title="Dua")
    entry = make_ai_use(unit, head, now=NOW)
    services.set_links(entry, head, NOW, [first.id, second.id], [])
    services.set_links(entry, head, NOW, [second.id], [])
    assert [i.title for i in services.linked_items(entry)] == ["Dua"]


def test_a_delegate_must_belong_to_the_unit(db, unit):
    outsider = make_user(unit=make_unit("Dinas Kesehatan"))
    with pytest.raises(RegisterError):
        services.add_delegate(unit, outsider, unit.head, NOW)
    member = make_user(unit=unit)
    services.add_delegate(unit, member, unit.head, NOW)
    services.add_delegate(unit, member, unit.head, NOW)  # twice: still one
    assert [p.id for p in services.delegates_of(unit)] == [member.id]


def test_the_public_list_holds_only_published_entries_in_use(db, unit):
    head = unit.head
    shown = make_ai_use(unit, head, now=NOW, name="Tampil")
    make_ai_use(unit, head, now=NOW, name="Tidak tampil")
    stopped = make_ai_use(unit, head, now=NOW, name="Dihentikan", status="dihentikan")
    services.set_published(shown, head, NOW, True)
    services.set_published(stopped, head, NOW, True)
    assert [e.name for e, _unit, _dpia in province.published()] == ["Tampil"]
