"""Action plan services: overdue in WIB dates, history, updates, review, roll-ups."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from lms.actions import alignment, queries, services
from lms.actions.models import ActionItem, Comment, ItemEvent, Status, Tag
from lms.i18n import wib_today
from tests.factories import make_item, make_program, make_unit, make_user

DUE = date(2025, 12, 31)
# 23.30 WIB on the due date, and 00.30 WIB the next day (WIB = UTC+7).
LATE_EVENING = datetime(2025, 12, 31, 16, 30)
JUST_AFTER_MIDNIGHT = datetime(2025, 12, 31, 17, 30)


@pytest.fixture
def team(db):
    unit = make_unit("Bidang Aplikasi Informatika")
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    unit.head = head
    owner = make_user(unit=unit)
    db.session.flush()
    return unit, head, owner


def _events(item, kind=None):
    query = select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id)
    if kind:
        query = query.where(ItemEvent.kind == kind)
    from lms.extensions import db

    return list(db.session.scalars(query))


def test_item_due_today_is_not_overdue_at_2330_wib(team):
    unit, _head, owner = team
    item = make_item(unit, owner, due_date=DUE, now=datetime(2025, 12, 1))
    assert wib_today(LATE_EVENING) == DUE
    assert not item.is_overdue(wib_today(LATE_EVENING))


def test_item_becomes_overdue_at_0030_wib_the_next_day(team):
    unit, _head, owner = team
    item = make_item(unit, owner, due_date=DUE, now=datetime(2025, 12, 1))
    assert wib_today(JUST_AFTER_MIDNIGHT) == date(2026, 1, 1)
    assert item.is_overdue(wib_today(JUST_AFTER_MIDNIGHT))


def test_sql_overdue_count_uses_the_wib_date(db, team):
    unit, _head, owner = team
    make_item(unit, owner, due_date=DUE, now=datetime(2025, 12, 1))
    before = queries.rollups(wib_today(LATE_EVENING), unit_ids=[unit.id])[0]
    after = queries.rollups(wib_today(JUST_AFTER_MIDNIGHT), unit_ids=[unit.id])[0]
    assert (before.overdue, after.overdue) == (0, 1)


def test_accepted_and_cancelled_items_are_never_overdue(db, team):
    unit, head, owner = team
    now = datetime(2025, 12, 1)
    accepted = make_item(unit, owner, due_date=DUE, now=now, status="done")
    services.accept(accepted, head, now)
    cancelled = make_item(unit, owner, due_date=DUE, now=now, status="cancelled")
    waiting = make_item(unit, owner, due_date=DUE, now=now, status="done")
    today = date(2026, 1, 5)
    assert not accepted.is_overdue(today)
    assert not cancelled.is_overdue(today)
    assert waiting.is_overdue(today)  # done but not accepted still counts as late
    assert queries.rollups(today, unit_ids=[unit.id])[0].overdue == 1


def test_creating_an_item_records_who_created_it(team):
    unit, head, owner = team
    item = make_item(unit, owner, actor=head)
    [created] = _events(item)
    assert (created.kind, created.actor_id) == ("created", head.id)


def test_owner_must_belong_to_the_unit_or_a_sub_unit(db, team):
    unit, _head, _owner = team
    sub = make_unit("Seksi Layanan", unit)
    in_sub = make_user(unit=sub)
    stranger = make_user(unit=make_unit("Dinas Kesehatan"))
    assert make_item(unit, in_sub).owner_id == in_sub.id
    with pytest.raises(services.ActionError, match="Penanggung jawab harus pegawai aktif"):
        make_item(unit, stranger)


def test_start_after_due_is_refused(team):
    unit, _head, owner = team
    with pytest.raises(services.ActionError, match="Tanggal mulai"):
        make_item(unit, owner, start_date=date(2026, 2, 1), due_date=date(2026, 1, 1))


def test_edit_records_each_changed_field_old_and_new(db, team):
    unit, head, owner = team
    item = make_item(unit, owner, title="Chatbot", due_date=date(2026, 3, 1))
    changed = services.edit_item(
        item, head, datetime(2026, 1, 2), title="Chatbot FAQ", due_date=date(2026, 4, 1)
    )
    assert set(changed) == {"title", "due_date"}
    events = {e.field: (e.old_value, e.new_value) for e in _events(item, "changed")}
    assert events == {"title": ("Chatbot", "Chatbot FAQ"), "due_date": ("2026-03-01", "2026-04-01")}


def test_edit_without_changes_records_nothing(db, team):
    unit, head, owner = team
    item = make_item(unit, owner, title="Chatbot")
    assert services.edit_item(item, head, datetime(2026, 1, 2), title="Chatbot") == []
    assert _events(item, "changed") == []


def test_update_carries_progress_and_status_to_the_item(db, team):
    unit, _head, owner = team
    item = make_item(unit, owner)
    now = datetime(2026, 1, 2, 3)
    update = services.post_update(item, owner, now, progress=40, status="in_progress", note="OK")
    assert (item.progress, item.status, item.last_update_at) == (40, "in_progress", now)
    assert update.author_id == owner.id
    fields = {e.field for e in _events(item, "changed")}
    assert fields == {"progress", "status"}


def test_done_update_sets_progress_to_100(team):
    unit, _head, owner = team
    item = make_item(unit, owner)
    services.post_update(item, owner, datetime(2026, 1, 2), progress=80, status="done", note="Ok")
    assert (item.status, item.progress, item.accepted_at) == ("done", 100, None)


def test_update_needs_a_note_and_a_valid_status(team):
    unit, _head, owner = team
    item = make_item(unit, owner)
    now = datetime(2026, 1, 2)
    with pytest.raises(services.ActionError, match="Catatan"):
        services.post_update(item, owner, now, progress=10, status="in_progress", note="  ")
    with pytest.raises(services.ActionError, match="Status laporan"):
        services.post_update(item, owner, now, progress=10, status="cancelled", note="x")


def test_no_updates_on_an_accepted_item(team):
    unit, head, owner = team
    item = make_item(unit, owner, status="done")
    services.accept(item, head, datetime(2026, 1, 2))
    with pytest.raises(services.ActionError, match="sudah diterima"):
        services.post_update(
            item, owner, datetime(2026, 1, 3), progress=100, status="done", note="lagi"
        )


def test_only_done_items_can_be_accepted(team):
    unit, head, owner = team
    item = make_item(unit, owner, status="in_progress")
    with pytest.raises(services.ActionError, match="Hanya butir berstatus Selesai"):
        services.accept(item, head, datetime(2026, 1, 2))


def test_accept_records_reviewer_and_time(team):
    unit, head, owner = team
    item = make_item(unit, owner, status="done")
    now = datetime(2026, 1, 2, 8)
    services.accept(item, head, now)
    assert (item.accepted_at, item.accepted_by_id, item.accepted) == (now, head.id, True)
    assert [e.kind for e in _events(item, "accepted")] == ["accepted"]


def test_send_back_needs_a_reason(team):
    unit, head, owner = team
    item = make_item(unit, owner, status="done")
    with pytest.raises(services.ActionError, match="alasan"):
        services.send_back(item, head, datetime(2026, 1, 2), " ")
    assert item.status == "done"


def test_send_back_reopens_the_item_with_a_comment(db, team):
    unit, head, owner = team
    item = make_item(unit, owner, status="done")
    services.send_back(item, head, datetime(2026, 1, 2), "Lampirkan berita acara uji coba.")
    assert item.status == Status.IN_PROGRESS
    comment = db.session.scalar(select(Comment).where(Comment.item_id == item.id))
    assert comment.body == "Lampirkan berita acara uji coba." and comment.author_id == head.id
    assert [e.kind for e in _events(item, "returned")] == ["returned"]


def test_reopening_an_accepted_item_clears_the_acceptance(team):
    unit, head, owner = team
    item = make_item(unit, owner, status="done")
    services.accept(item, head, datetime(2026, 1, 2))
    services.edit_item(item, head, datetime(2026, 1, 3), status="in_progress")
    assert item.accepted_at is None and not item.accepted


def test_course_slugs_are_checked(team):
    assert services.clean_course_slugs("dasar-ai-untuk-asn, etika-keamanan-data-pdp") == [
        "dasar-ai-untuk-asn",
        "etika-keamanan-data-pdp",
    ]
    with pytest.raises(services.ActionError):
        services.clean_course_slugs("../rahasia")


def test_rollup_includes_sub_units_and_counts_only_accepted_as_done(db, team):
    unit, head, owner = team
    sub = make_unit("Seksi Layanan", unit)
    sub_person = make_user(unit=sub)
    program = make_program()
    now = datetime(2026, 1, 1)
    far = date(2026, 6, 1)
    make_item(unit, owner, program, due_date=far, now=now, progress=20, status="in_progress")
    done = make_item(sub, sub_person, program, due_date=far, now=now, status="done")
    make_item(sub, sub_person, program, due_date=far, now=now, status="done")
    services.accept(done, head, now)
    rows = {r.unit_id: r for r in queries.rollups(date(2026, 1, 2), unit_ids=[unit.id, sub.id])}
    top, below = rows[unit.id], rows[sub.id]
    assert (top.total, top.in_progress, top.review, top.accepted) == (3, 1, 1, 1)
    assert (below.total, below.review, below.accepted) == (2, 1, 1)
    assert top.average_progress == pytest.approx((20 + 100 + 100) / 3)


def test_rollup_leaves_cancelled_items_out_of_the_average_and_filters_by_programme(db, team):
    unit, _head, owner = team
    retreat, other = make_program(), make_program()
    make_item(unit, owner, retreat, progress=50, status="in_progress")
    make_item(unit, owner, retreat, progress=10, status="cancelled")
    make_item(unit, owner, other, progress=0)
    [row] = queries.rollups(date(2026, 1, 2), unit_ids=[unit.id], program_id=retreat.id)
    assert (row.total, row.cancelled, row.average_progress) == (2, 1, 50)


def test_rollup_is_one_query_however_many_units(db, team):
    unit, _head, _owner = team
    for n in range(5):
        sub = make_unit(f"Seksi {n}", unit)
        make_item(sub, make_user(unit=sub))
    statements = []

    def count(*args, **kwargs):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = queries.rollups(date(2026, 1, 2))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows) == 6 and len(statements) == 1


def test_my_panel_counts_open_due_soon_and_overdue(db, team):
    unit, head, owner = team
    today = date(2026, 1, 10)
    now = datetime(2026, 1, 1)
    make_item(unit, owner, due_date=today - timedelta(days=1), now=now)
    make_item(unit, owner, due_date=today + timedelta(days=3), now=now)
    make_item(unit, owner, due_date=today + timedelta(days=60), now=now)
    co_owned = make_item(unit, head, due_date=today, now=now, co_owners=[owner])
    make_item(unit, owner, due_date=today - timedelta(days=9), now=now, status="cancelled")
    panel = queries.my_panel(owner, today)
    assert (panel.open, panel.overdue, panel.due_soon) == (4, 1, 2)
    assert co_owned in panel.items


def test_my_panel_is_empty_for_people_without_items(team):
    _unit, _head, owner = team
    assert queries.my_panel(owner, date(2026, 1, 1)) is None


def test_seed_tags_adds_only_what_is_missing(db):
    first = alignment.seed_tags()
    assert first == len(alignment.ASTA_CITA) + len(alignment.NAWA_BHAKTI_SATYA)
    assert alignment.seed_tags() == 0
    names = [t.name for t in alignment.tags_by_kind()["nawa_bhakti_satya"]]
    assert names == alignment.NAWA_BHAKTI_SATYA
    assert "Jatim Lestari" in names and "Jatim Berdaya" not in names


def test_alignment_lists_come_from_the_configuration_file():
    config = alignment.load_alignment()
    assert len(config["nawa_bhakti_satya"]["names"]) == 9
    assert set(config["nawa_bhakti_satya"]["names"]).isdisjoint(
        config["nawa_bhakti_satya"]["retired"]
    )
    assert alignment.TAG_KIND_LABELS["nawa_bhakti_satya"] == "Nawa Bhakti Satya"


def test_outdated_tags_are_no_longer_offered_but_items_keep_them(db, team):
    unit, _head, owner = team
    alignment.seed_tags({"nawa_bhakti_satya": ["Jatim Berdaya", "Jatim Kerja"]})
    old = db.session.scalar(select(Tag).where(Tag.name == "Jatim Berdaya"))
    item = make_item(unit, owner, tags=[old])
    alignment.seed_tags()
    assert alignment.retire_tags() == 1
    assert alignment.retire_tags() == 0
    offered = [t.name for t in alignment.tags_by_kind()["nawa_bhakti_satya"]]
    assert "Jatim Berdaya" not in offered and offered[:2] == ["Jatim Sejahtera", "Jatim Kerja"]
    db.session.refresh(item)
    assert [t.name for t in item.tags] == ["Jatim Berdaya"]


def test_items_of_a_unit_exclude_its_sub_units(db, team):
    unit, _head, owner = team
    sub = make_unit("Seksi", unit)
    own = make_item(unit, owner)
    make_item(sub, make_user(unit=sub))
    assert queries.unit_items(unit) == [own]
    assert db.session.scalar(select(ActionItem.id).where(ActionItem.unit_id == sub.id))


def test_action_tags_command_is_safe_to_run_again(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lms", "action-tags"])
    second = runner.invoke(args=["lms", "action-tags"])
    assert first.exit_code == 0 and "17 keselarasan" in first.output
    assert "0 keselarasan" in second.output
    assert "periode lama" not in second.output


def test_action_tags_command_retires_the_outdated_list(app, db):
    alignment.seed_tags({"nawa_bhakti_satya": ["Jatim Amanah"]})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lms", "action-tags"])
    assert result.exit_code == 0
    assert "1 keselarasan periode lama tidak ditawarkan lagi." in result.output
    assert "Jatim Amanah" not in [t.name for t in alignment.tags_by_kind()["nawa_bhakti_satya"]]
