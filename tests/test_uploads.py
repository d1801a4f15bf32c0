"""Parking uploads between a preview and its confirmation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.i18n import utcnow
from lms.uploads import Parking

PEOPLE, ACTIONS = Parking("imports"), Parking("action-imports")


def test_a_parked_file_comes_back_with_what_was_said_about_it(app):
    now = utcnow()
    token = PEOPLE.park(b"NIP;Nama\n", {"actor_id": 7}, now).token
    parked = PEOPLE.unpark(token, now + timedelta(hours=23))
    assert parked.read() == b"NIP;Nama\n"
    assert parked.meta["actor_id"] == 7 and parked.created_at == now


def test_each_feature_sees_only_its_own_tokens(app):
    now = utcnow()
    token = PEOPLE.park(b"x", {}, now).token
    assert ACTIONS.unpark(token, now) is None
    assert PEOPLE.unpark(token, now) is not None


@pytest.mark.parametrize("token", ["", "../../secret_key", "a" * 31, "a" * 32 + "/", "a.json"])
def test_tokens_that_could_not_have_been_made_are_refused(app, token):
    assert PEOPLE.unpark(token, utcnow()) is None
    PEOPLE.discard(token)  # and nothing outside the folder is touched


def test_a_file_parked_more_than_a_day_ago_is_refused_and_removed(app):
    now = utcnow()
    token = ACTIONS.park(b"x", {}, now - timedelta(days=1, seconds=1)).token
    assert ACTIONS.unpark(token, now) is None
    assert list(ACTIONS.folder().iterdir()) == []


def test_discard_removes_the_file_and_its_description(app):
    token = ACTIONS.park(b"x", {}, utcnow()).token
    ACTIONS.discard(token)
    assert list(ACTIONS.folder().iterdir()) == []


def test_the_folder_is_private_to_the_app(app):
    ACTIONS.park(b"x", {}, utcnow())
    assert ACTIONS.folder().stat().st_mode & 0o777 == 0o700


def test_purge_also_removes_descriptions_whose_file_is_gone(app):
    now = utcnow()
    parked = PEOPLE.park(b"x", {}, now)
    parked.path.unlink()
    assert PEOPLE.purge(now) == 0
    assert list(PEOPLE.folder().iterdir()) == []
