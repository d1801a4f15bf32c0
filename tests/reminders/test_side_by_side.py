"""A run's rules side by side on PostgreSQL (``REMIND_CONNECTIONS``), one after another on
SQLite: the same reminders either way, two rules really at once, a failure reported."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from lms.assignments.services import create_assignment
from lms.courses.models import Course, Enrollment
from lms.reminders import rules, services
from lms.reminders.models import JobRun, Notification, OutboxMessage
from lms.reminders.rules import BEFORE_RUN
from tests.factories import make_item, make_program, make_user, sync, write_course
from tests.reminders.conftest import DEADLINE, at

#: A run with a course coming due, overdue action items and their escalation, the digests.
MOMENT = at(DEADLINE - timedelta(days=7))


def _made(db) -> list[tuple]:
    rows = db.session.execute(
        select(
            Notification.user_id,
            Notification.key,
            Notification.title,
            Notification.body,
            Notification.url,
            OutboxMessage.to_address,
        ).outerjoin(OutboxMessage, OutboxMessage.notification_id == Notification.id)
    )
    return sorted(tuple(row) for row in rows)


@pytest.fixture
def busy_world(world, db):
    """``world`` plus a few more late learners and overdue action items (several rules fire)."""
    unit = world["late"].unit
    for n in range(4):
        make_user(unit=unit, email=f"pegawai{n}@jatimprov.go.id")
    program = make_program("Retret 2025")
    for n in range(3):
        make_item(
            unit,
            world["late"],
            program,
            world["head"],
            now=MOMENT - timedelta(days=60),
            due_date=(MOMENT - timedelta(days=10 + n)).date(),
        )
    db.session.commit()
    return world


def test_same_reminders_one_after_another_and_side_by_side(app, db, busy_world):
    app.config["REMIND_CONNECTIONS"] = 2
    counts = services.run_rules(MOMENT)
    side_by_side = _made(db)
    assert counts["course_due"] == 7 and counts["action_overdue"] == 3
    db.session.execute(delete(OutboxMessage))
    db.session.execute(delete(Notification))
    db.session.commit()
    app.config["REMIND_CONNECTIONS"] = 1
    assert services.run_rules(MOMENT) == counts | {"assignments_enrolled": 0}
    assert _made(db) == side_by_side
    # ...and a third run, side by side again, finds everything there.
    app.config["REMIND_CONNECTIONS"] = 2
    assert sum(services.run_rules(MOMENT).values()) == 0


def test_two_rules_run_at_once_on_postgresql_and_one_after_another_on_sqlite(app, db, monkeypatch):
    """On PostgreSQL two rules each wait (up to 10 s) for the other to be running too: they
    only both finish when they run at once, on two threads and connections. SQLite lets one
    writer in at a time: there both run in this thread, one after another."""
    app.config["REMIND_CONNECTIONS"] = 2
    side_by_side = db.engine.dialect.name == "postgresql"
    met = threading.Barrier(2, timeout=10)
    seen: dict[str, tuple[int, object]] = {}

    def noting(name):
        def fn(now):
            seen[name] = (threading.get_ident(), services.db.session.connection().connection)
            if side_by_side:
                met.wait()
            return iter(())

        return fn

    monkeypatch.setattr(rules, "RULES", {"a": noting("a"), "b": noting("b")})
    assert services.run_rules(MOMENT, names=["a", "b"]) == {"a": 0, "b": 0}
    (thread_a, conn_a), (thread_b, conn_b) = seen["a"], seen["b"]
    if side_by_side:
        assert thread_a != thread_b and conn_a is not conn_b
    else:
        assert thread_a == thread_b == threading.get_ident()


def test_a_failing_rule_fails_the_run_and_is_recorded(app, db, busy_world, monkeypatch):
    app.config["REMIND_CONNECTIONS"] = 2

    def broken(now):
        raise RuntimeError("aturan rusak")
        yield  # a generator, as rules are

    monkeypatch.setitem(rules.RULES, "broken", broken)
    run = services.run_job("reminders", services.run_rules, MOMENT)
    assert run.error == "RuntimeError: aturan rusak"
    assert db.session.get(JobRun, run.id).error == "RuntimeError: aturan rusak"
    # Rules that ran before it kept their reminders; the next run adds what is missing.
    monkeypatch.delitem(rules.RULES, "broken")
    services.run_rules(MOMENT)
    assert db.session.scalar(select(func.count(Notification.id))) > 0


def _enrolments(db) -> list[tuple]:
    rows = db.session.execute(
        select(Enrollment.user_id, Enrollment.course_id, Enrollment.source, Enrollment.deadline)
    )
    return sorted(tuple(row) for row in rows)


def test_the_daily_pass_course_by_course_enrols_as_the_whole_pass(app, db, world, tmp_path):
    """Two courses (one mandatory for everyone, one assigned to a unit), enrolments missing and
    a deadline gone stale: the pass in two parts side by side makes what the whole pass makes."""
    write_course(tmp_path, slug="data-pribadi", gift=None, title="Pelindungan Data Pribadi")
    sync(tmp_path)
    second = db.session.scalar(select(Course).where(Course.slug == "data-pribadi"))
    create_assignment(
        second,
        scope="unit",
        unit=world["late"].unit,
        deadline=DEADLINE + timedelta(days=30),
        by=world["hr"],
        now=MOMENT - timedelta(days=20),
    )
    db.session.commit()
    first = db.session.scalar(select(Course).where(Course.slug == "etika-ai"))
    stale = db.session.scalar(
        select(Enrollment).where(
            Enrollment.course_id == second.id, Enrollment.user_id == world["late"].id
        )
    )
    stale.deadline = DEADLINE  # as if the assignment's deadline had moved since
    db.session.execute(
        delete(Enrollment).where(
            Enrollment.course_id == second.id, Enrollment.user_id != world["late"].id
        )
    )
    db.session.commit()
    before = _enrolments(db)
    step = BEFORE_RUN["assignments_enrolled"]
    assert [sorted(p) for p in step.parts(2)] == [[first.id], [second.id]]

    # A part leaves the other courses' enrolments alone (not "no longer owed").
    step.fn(MOMENT, [first.id])
    db.session.expire_all()
    assert db.session.get(Enrollment, stale.id).deadline == DEADLINE
    assert [row for row in _enrolments(db) if row[1] == second.id] == [
        row for row in before if row[1] == second.id
    ]
    db.session.rollback()

    app.config["REMIND_CONNECTIONS"] = 2
    if db.engine.dialect.name == "postgresql":
        made = services.run_rules(MOMENT)["assignments_enrolled"]
    else:  # one connection: the parts one after another, as a pass limited to some courses
        made = sum(step.fn(MOMENT, part) for part in step.parts(2))
        db.session.commit()
    in_parts = _enrolments(db)
    assert made > 0 and in_parts != before
    assert (world["late"].id, second.id, "assigned", DEADLINE + timedelta(days=30)) in in_parts

    # Back to where the pass started (the finished learner's enrolment keeps its progress).
    db.session.execute(delete(Notification))
    kept = (Enrollment.user_id == world["done"].id) & (Enrollment.course_id == first.id)
    db.session.execute(delete(Enrollment).where(~kept))
    for user_id, course_id, source, deadline in before:
        if (user_id, course_id) == (world["done"].id, first.id):
            db.session.scalar(select(Enrollment).where(kept)).deadline = deadline
        else:
            db.session.add(
                Enrollment(user_id=user_id, course_id=course_id, source=source, deadline=deadline)
            )
    db.session.commit()
    assert _enrolments(db) == before
    app.config["REMIND_CONNECTIONS"] = 1
    assert services.run_rules(MOMENT)["assignments_enrolled"] == made
    assert _enrolments(db) == in_parts
