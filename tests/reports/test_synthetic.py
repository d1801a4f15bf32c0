"""The synthetic province generator: realistic shape, and it never touches real data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.accounts.nip import validate_nip
from lms.courses.models import Enrollment
from lms.i18n import utcnow
from lms.org.models import Unit
from lms.reports.synthetic import SyntheticError, seed
from tests.factories import make_unit, make_user


def test_seed_makes_a_three_level_province_with_valid_nips(db):
    counts = seed(300, 40, utcnow(), courses=3)
    db.session.commit()
    assert counts["people"] == 300 and counts["units"] == db.session.scalar(
        select(func.count(Unit.id))
    )
    depths = {u.depth for u in db.session.scalars(select(Unit))}
    assert depths == {0, 1, 2}
    nips = db.session.scalars(select(User.nip).limit(50)).all()
    for nip in nips:
        validate_nip(nip, "PNS", utcnow().date())
    assert db.session.scalar(select(func.count(Enrollment.id))) > 300
    assert db.session.scalar(select(func.count(Enrollment.completed_at))) > 0


def test_seed_refuses_a_database_with_real_people_unless_forced(db):
    make_user(unit=make_unit())
    db.session.commit()
    with pytest.raises(SyntheticError):
        seed(10, 5, utcnow(), courses=1)
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 1
    seed(10, 5, utcnow(), courses=1, force=True)
    assert db.session.scalar(select(func.count(User.id))) == 11
