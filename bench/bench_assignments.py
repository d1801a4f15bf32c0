"""Time what an account edit and a unit move cost in assignments on a 100,000-person province.

Seeds (or reuses) the synthetic province of ``bench_reports.py`` (``lms.reports.synthetic.seed``:
SQLite in ``/tmp/sinau-bench/`` by default, PostgreSQL when ``LMS_BENCH_DATABASE_URL`` is set),
then, through the Flask test client with a logged-in HR/admin session:

1. HR's account edit (``POST /admin/users/<id>``) moving one person between two units of
   different OPDs, so each edit enrols or clears a deadline: the whole request, committed.
2. The recompute the edit's signal asks for (``apply_assignments`` scoped to one person),
   against the full pass every edit used to run (and the daily job still runs).
3. Moving a small unit (``POST /admin/units/<id>``) under another OPD and back.

Target (issue 16, point 5): an account edit under 100 ms at 100,000 people.

    python bench/bench_assignments.py [--people 100000] [--units 1000] [--reseed]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_reports import build_app, ensure_seeded, signed_in_client  # noqa: E402 - same province


def median_ms(fn, repeat: int) -> tuple[float, float]:
    """Median and maximum of ``repeat`` runs (after one warm-up), in milliseconds."""
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), max(runs)


def pick(app):
    """A learner, two units in different OPDs (one covered by the unit assignment), a leaf unit."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.assignments.models import Assignment
    from lms.extensions import db
    from lms.org.models import Unit

    with app.app_context():
        covered_top = db.session.scalar(
            select(Assignment.unit_id).where(Assignment.scope == "unit").limit(1)
        )
        assigned_tops = select(Assignment.unit_id).where(Assignment.scope == "unit")
        other_top = db.session.scalar(
            select(Unit.id).where(Unit.parent_id.is_(None), Unit.id.not_in(assigned_tops)).limit(1)
        )
        person = db.session.scalar(
            select(User).where(User.nip.is_not(None), User.unit_id.is_not(None)).limit(1)
        )
        leaf = db.session.scalar(
            select(Unit.id)
            .where(Unit.parent_id.is_not(None), ~Unit.children.any())
            .order_by(Unit.id.desc())
            .limit(1)
        )
        leaf_unit = db.session.get(Unit, leaf)
        people_in_leaf = db.session.scalar(select(func.count()).where(User.unit_id == leaf))
        form = {
            "full_name": person.full_name,
            "employment": person.employment or "PNS",
            "nip": person.nip,
            "email": person.email or "",
            "position": person.position or "",
            "position_type": person.position_type or "",
            "rank": person.rank or "",
            "roles": sorted(person.roles),
        }
        return {
            "person": person.id,
            "form": form,
            "units": (covered_top, other_top),
            "leaf": leaf,
            "leaf_form": {"name": leaf_unit.name, "parent_id": leaf_unit.parent_id, "head_id": 0},
            "leaf_people": people_in_leaf,
            "parents": (leaf_unit.parent_id, other_top),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    folder = Path(os.environ.get("LMS_BENCH_DIR", "/tmp/sinau-bench"))  # noqa: S108
    folder.mkdir(exist_ok=True)
    if not url:
        url = f"sqlite:///{folder / f'bench-{args.people}.sqlite'}"
    print(f"database: {url.split('@')[-1]}   load average: {os.getloadavg()[0]:.1f}")
    app = build_app(url, str(folder / "instance"))
    ensure_seeded(app, url, args.people, args.units, args.reseed)
    client = signed_in_client(app, "admin")
    chosen = pick(app)
    turn = {"n": 0}

    def edit():
        turn["n"] += 1
        unit_id = chosen["units"][turn["n"] % 2]
        data = {**chosen["form"], "unit_id": unit_id}
        response = client.post(f"/admin/users/{chosen['person']}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert response.location.endswith(f"/admin/users/{chosen['person']}"), response.location

    mid, top = median_ms(edit, args.repeat)
    print(
        f"\n1. account edit moving one person between OPDs   median {mid:7.1f} ms  max {top:7.1f}"
    )

    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.assignments.coverage import apply_assignments
    from lms.extensions import db
    from lms.i18n import utcnow

    with app.app_context():
        one = select(User.id).where(User.id == chosen["person"])
        mid, top = median_ms(lambda: (apply_assignments(utcnow(), people=one),
                                      db.session.rollback()), args.repeat)  # fmt: skip
        print(
            f"2. recompute for that one person                 median {mid:7.1f} ms  max {top:7.1f}"
        )
        mid, top = median_ms(lambda: (apply_assignments(utcnow()), db.session.rollback()), 3)
        print(
            f"   full pass (every edit ran it before; daily)   median {mid:7.1f} ms  max {top:7.1f}"
        )

    def move():
        turn["n"] += 1
        parent = chosen["parents"][turn["n"] % 2]
        data = {**chosen["leaf_form"], "parent_id": parent}
        response = client.post(f"/admin/units/{chosen['leaf']}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert response.location.endswith("/admin/units/"), response.location

    mid, top = median_ms(move, args.repeat)
    print(f"3. moving a leaf unit ({chosen['leaf_people']} people) between OPDs    "
          f"median {mid:7.1f} ms  max {top:7.1f}")  # fmt: skip
    print(f"load average now: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
