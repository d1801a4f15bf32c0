"""The audit log's hash chain and ``flask lms audit verify``."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select, text

from lms.audit.models import GENESIS, AuditEvent
from lms.audit.services import record, verify
from lms.extensions import db as _db
from tests.factories import make_user

T0 = datetime(2026, 6, 1, 3, 0)


def _five_events(db) -> list[AuditEvent]:
    actor = make_user(roles={"admin"})
    events = [
        record(actor, "accounts.users.view", "users", now=T0 + timedelta(minutes=n), ip="10.0.0.1",
               page=n, rows=3)
        for n in range(5)
    ]  # fmt: skip
    db.session.commit()
    return events


def _verify_cli(app):
    return app.test_cli_runner().invoke(args=["lms", "audit", "verify"])


def _sql(statement: str, **params) -> None:
    with _db.engine.begin() as conn:
        conn.execute(text(statement), params)
    _db.session.expire_all()


def test_events_form_one_chain(db):
    events = _five_events(db)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(events))
    assert len({e.hash for e in events}) == 5


def test_untouched_log_passes(app, db):
    _five_events(db)
    assert verify().ok and verify().checked == 5
    result = _verify_cli(app)
    assert result.exit_code == 0, result.output
    assert "5 event" in result.output


def test_empty_log_passes(app, db):
    result = _verify_cli(app)
    assert result.exit_code == 0 and "0 event" in result.output


def test_an_edited_detail_is_named(app, db):
    events = _five_events(db)
    _sql("UPDATE audit_events SET details = :d WHERE id = :id", d='{"page": 2, "rows": 300}',
         id=events[2].id)  # fmt: skip
    verdict = verify()
    assert not verdict.ok and verdict.event_id == events[2].id and verdict.checked == 2
    result = _verify_cli(app)
    assert result.exit_code == 1
    assert f"event #{events[2].id} " in result.output and "diubah" in result.output


def test_an_edited_actor_or_time_is_named(app, db):
    events = _five_events(db)
    _sql("UPDATE audit_events SET actor_id = NULL WHERE id = :id", id=events[1].id)
    assert verify().event_id == events[1].id
    _sql("UPDATE audit_events SET actor_id = :a WHERE id = :id", a=events[0].actor_id,
         id=events[1].id)  # fmt: skip
    assert verify().ok
    _sql("UPDATE audit_events SET at = :at WHERE id = :id", at=T0, id=events[4].id)
    assert verify().event_id == events[4].id


def test_a_rehashed_edit_still_breaks_the_next_link(app, db):
    events = _five_events(db)
    # Whoever edits a row and recomputes its hash must also rewrite every later row.
    _sql("UPDATE audit_events SET action = 'x', hash = :h WHERE id = :id", h="f" * 64,
         id=events[1].id)  # fmt: skip
    assert verify().event_id == events[1].id


def test_a_deleted_middle_event_is_a_named_gap(app, db):
    events = _five_events(db)
    _sql("DELETE FROM audit_events WHERE id = :id", id=events[2].id)
    verdict = verify()
    assert not verdict.ok and verdict.event_id == events[3].id
    result = _verify_cli(app)
    assert result.exit_code == 1
    assert "hilang" in result.output and f"setelah event #{events[1].id}" in result.output
    assert "nomor urut 3 sampai 3" in result.output


def test_a_deleted_last_event_is_caught_by_the_head(app, db):
    events = _five_events(db)
    _sql("DELETE FROM audit_events WHERE id = :id", id=events[4].id)
    verdict = verify()
    assert not verdict.ok and "hilang" in verdict.problem
    assert _verify_cli(app).exit_code == 1


def test_a_forged_appended_event_is_named(app, db):
    events = _five_events(db)
    _sql(
        "INSERT INTO audit_events (seq, at, actor_id, action, target, details, ip, prev_hash, hash)"
        " VALUES (6, :at, NULL, 'people.import', NULL, '{}', NULL, :prev, :h)",
        at=T0 + timedelta(hours=1), prev=events[4].hash, h="0" * 64,
    )  # fmt: skip
    forged = db.session.scalar(select(AuditEvent.id).where(AuditEvent.seq == 6))
    verdict = verify()
    assert verdict.event_id == forged and verdict.checked == 5
    result = _verify_cli(app)
    assert result.exit_code == 1 and f"event #{forged} " in result.output


def test_the_chain_goes_on_after_a_rollback(db):
    _five_events(db)
    record(None, "people.import", rows=1)
    db.session.rollback()
    event = record(None, "people.import", rows=2)
    db.session.commit()
    assert event.seq == 6 and verify().ok


def test_details_are_kept_as_the_database_returns_them(db):
    record(None, "x", values=(1, 2), share=0.1, nested={"b": 1, "a": None})
    db.session.commit()
    db.session.expire_all()
    assert verify().ok


def test_the_migration_chains_the_events_already_written(make_app, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/chain.sqlite")
    with app.app_context():
        upgrade(revision="4acdd5171bf1")  # the log before the chain
        with _db.engine.begin() as conn:
            for n in range(3):
                conn.execute(
                    text(
                        "insert into audit_events (at, action, target, details, ip) values"
                        " (:at, 'reports.unit.view', 'unit:1', :d, '10.0.0.1')"
                    ),
                    {"at": T0 + timedelta(seconds=n), "d": f'{{"page": {n}, "a": [1, 0.5]}}'},
                )
        upgrade()
        assert verify().ok and verify().checked == 3
        event = record(None, "people.import", rows=1)
        _db.session.commit()
        assert event.seq == 4 and verify().checked == 4
        downgrade(revision="4acdd5171bf1")
        upgrade()  # back to the head, whose tables the fixture empties afterwards
        assert verify().checked == 4


@pytest.mark.parametrize("head_exists", [True, False])
def test_concurrent_writers_form_one_straight_chain(app, db, head_exists):
    import threading

    if head_exists:  # as after the migration; else the writers race to create it
        record(None, "people.import", rows=0)
        db.session.commit()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                for k in range(5):
                    record(None, "people.import", f"file:{n}", rows=k)
                    _db.session.commit()
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    total = 40 + head_exists
    assert seqs == list(range(1, total + 1))
    assert verify().ok and verify().checked == total
