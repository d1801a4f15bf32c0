"""Who may do what with action plans: every rule of the policy, one behaviour per test."""

from __future__ import annotations

import pytest

from lms.policy import can
from tests.factories import make_item, make_unit, make_user


@pytest.fixture
def org(db):
    """An OPD with a bidang, each with a head and a member; a sibling OPD; HR and an admin."""
    opd = make_unit("Dinas Komunikasi dan Informatika")
    bidang = make_unit("Bidang Aplikasi Informatika", opd)
    seksi = make_unit("Seksi Pengembangan", bidang)
    other = make_unit("Dinas Kesehatan")
    p = {
        "opd_head": make_user(unit=opd, roles={"learner", "unit_head"}),
        "opd_member": make_user(unit=opd),
        "bidang_head": make_user(unit=bidang, roles={"learner", "unit_head"}),
        "owner": make_user(unit=bidang),
        "co_owner": make_user(unit=bidang),
        "colleague": make_user(unit=bidang),
        "seksi_member": make_user(unit=seksi),
        "other_head": make_user(unit=other, roles={"learner", "unit_head"}),
        "outsider": make_user(unit=other),
        "hr": make_user(unit=make_unit("BKD"), roles={"learner", "hr"}),
        "admin": make_user(roles={"admin"}),
    }
    opd.head, bidang.head, other.head = p["opd_head"], p["bidang_head"], p["other_head"]
    item = make_item(bidang, p["owner"], co_owners=[p["co_owner"]])
    db.session.flush()
    return {"opd": opd, "bidang": bidang, "seksi": seksi, "other": other, "item": item, **p}


def test_unit_head_manages_items_of_their_unit(org):
    for action in ("actions.edit", "actions.review"):
        assert can(org["bidang_head"], action, org["item"])
    assert can(org["bidang_head"], "actions.create", org["bidang"])


def test_head_of_the_opd_manages_items_of_its_sub_units(org):
    assert can(org["opd_head"], "actions.edit", org["item"])
    assert can(org["opd_head"], "actions.review", org["item"])
    assert can(org["opd_head"], "actions.create", org["seksi"])


def test_head_of_a_sub_unit_does_not_manage_the_parent(org):
    assert not can(org["bidang_head"], "actions.create", org["opd"])
    assert not can(org["bidang_head"], "actions.view_unit", org["opd"])


def test_head_of_another_unit_neither_reads_nor_manages(org):
    for action in ("actions.view_item", "actions.edit", "actions.review", "actions.comment"):
        assert not can(org["other_head"], action, org["item"])
    assert not can(org["other_head"], "actions.view_unit", org["bidang"])
    assert not can(org["other_head"], "actions.create", org["bidang"])


def test_owner_and_co_owner_post_updates(org):
    assert can(org["owner"], "actions.post_update", org["item"])
    assert can(org["co_owner"], "actions.post_update", org["item"])


def test_colleague_and_head_do_not_post_updates(org):
    assert not can(org["colleague"], "actions.post_update", org["item"])
    assert not can(org["bidang_head"], "actions.post_update", org["item"])
    assert not can(org["hr"], "actions.post_update", org["item"])


def test_owner_does_not_edit_or_review_their_own_item(org):
    assert not can(org["owner"], "actions.edit", org["item"])
    assert not can(org["owner"], "actions.review", org["item"])


def test_members_read_their_own_units_plan_and_items(org):
    assert can(org["colleague"], "actions.view_unit", org["bidang"])
    assert can(org["colleague"], "actions.view_item", org["item"])
    assert can(org["colleague"], "actions.comment", org["item"])


def test_members_of_the_parent_unit_do_not_read_a_sub_units_plan(org):
    assert not can(org["opd_member"], "actions.view_unit", org["bidang"])
    assert not can(org["opd_member"], "actions.view_item", org["item"])


def test_members_of_a_sub_unit_do_not_read_the_parents_plan(org):
    assert not can(org["seksi_member"], "actions.view_unit", org["bidang"])
    assert not can(org["seksi_member"], "actions.view_item", org["item"])


def test_an_owner_from_a_sub_unit_reads_their_item(db, org):
    item = make_item(org["bidang"], org["seksi_member"])
    assert can(org["seksi_member"], "actions.view_item", item)
    assert not can(org["seksi_member"], "actions.view_unit", org["bidang"])


def test_outsiders_read_nothing_of_another_unit(org):
    outsider = org["outsider"]
    update = type("Update", (), {"item": org["item"]})()
    assert not can(outsider, "actions.view_unit", org["bidang"])
    assert not can(outsider, "actions.view_item", org["item"])
    assert not can(outsider, "actions.comment", org["item"])
    assert not can(outsider, "actions.download_evidence", update)


def test_hr_and_admin_read_everything(org):
    update = type("Update", (), {"item": org["item"]})()
    for role in ("hr", "admin"):
        assert can(org[role], "actions.view_unit", org["bidang"])
        assert can(org[role], "actions.view_item", org["item"])
        assert can(org[role], "actions.download_evidence", update)
        assert can(org[role], "actions.overview")
        assert can(org[role], "actions.programs")


def test_hr_and_admin_do_not_edit_or_review(org):
    for role in ("hr", "admin"):
        assert not can(org[role], "actions.edit", org["item"])
        assert not can(org[role], "actions.review", org["item"])
        assert not can(org[role], "actions.create", org["bidang"])


def test_overview_and_programmes_are_for_hr_and_admin_only(org):
    for person in ("opd_head", "bidang_head", "owner", "outsider"):
        assert not can(org[person], "actions.overview")
        assert not can(org[person], "actions.programs")


def test_hr_imports_for_any_unit(org):
    assert can(org["hr"], "actions.import")
    assert can(org["hr"], "actions.import", org["other"])


def test_unit_head_imports_only_for_their_units(org):
    assert can(org["bidang_head"], "actions.import")
    assert can(org["bidang_head"], "actions.import", org["seksi"])
    assert not can(org["bidang_head"], "actions.import", org["other"])


def test_members_and_admins_do_not_import(org):
    assert not can(org["colleague"], "actions.import")
    assert not can(org["admin"], "actions.import")


def test_inactive_head_may_do_nothing(db, org):
    org["bidang_head"].active = False
    assert not can(org["bidang_head"], "actions.edit", org["item"])
    assert not can(org["bidang_head"], "actions.view_item", org["item"])
