"""The reminder engine's pieces that must not depend on how large the province is: the chain of
heads goes to SQL in a fixed number of parameters (SQLite refuses a statement with more than
32,766), and a rule's batches are created by one statement that skips existing keys itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.reminders.models import Notification, OutboxMessage
from lms.reminders.rules import Batch
from lms.reminders.services import record_batches
from lms.sql import concat, int_table
from tests.factories import make_user

NOW = datetime(2026, 12, 7, 0, 30)


def test_a_table_of_40000_rows_goes_to_sql_in_a_few_parameters(app, db):
    rows = [(n, n * 7, n % 13, 0, n) for n in range(1, 40_001)]  # 200,000 values
    chain = int_table("chain", ["unit_id", "head_id", "seat_id", "up_head_id", "up_seat_id"], rows)
    count, heads, seats, ups = db.session.execute(
        select(
            func.count(),
            func.sum(chain.c.head_id),
            func.sum(chain.c.seat_id),
            func.sum(chain.c.up_head_id),
        )
    ).one()
    assert count == 40_000
    assert heads == sum(r[1] for r in rows) and seats == sum(r[2] for r in rows)
    assert ups == 0


def test_a_rules_batches_go_in_one_statement_that_skips_existing_keys(app, db):
    people = [make_user(email=f"pegawai{n}@jatimprov.go.id") for n in range(3)]
    db.session.commit()

    def batch(course: int, title: str) -> Batch:
        key = concat("uji:u", User.id, f":c{course}")
        chosen = select(User.id, key).where(User.id.in_([p.id for p in people]))
        return Batch(chosen, "course", "uji", title, "Isi.", f"/courses/{course}")

    assert record_batches([batch(1, "Satu"), batch(2, "Dua")], NOW) == 6
    db.session.commit()
    assert record_batches([batch(1, "Satu"), batch(2, "Dua"), batch(3, "Tiga")], NOW) == 3
    db.session.commit()
    titles = db.session.execute(
        select(Notification.key, Notification.title).where(Notification.user_id == people[0].id)
    ).all()
    assert sorted(titles) == [
        (f"uji:u{people[0].id}:c1", "Satu"),
        (f"uji:u{people[0].id}:c2", "Dua"),
        (f"uji:u{people[0].id}:c3", "Tiga"),
    ]
    queued = db.session.scalars(
        select(OutboxMessage.to_address).join(Notification).where(Notification.rule == "uji")
    ).all()
    assert sorted(queued) == sorted(p.email for p in people for _ in range(3))
