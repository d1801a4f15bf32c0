"""Time the JP report by status (PNS per calendar year, PPPK per contract year) on a synthetic
province, against the calendar-year-only SQL it replaced.

Seeds (or reuses) the same province as ``bench_reports.py`` (100,000 people, 1,000 units,
10 courses; SQLite in ``LMS_BENCH_DIR``, PostgreSQL with ``LMS_BENCH_DATABASE_URL``), makes one
person in ten a PPPK with a contract start spread over the past two years, then through the Flask
test client with an HR session times the JP page (province and largest OPD: unit table, two
histograms, the first page of PNS below 20) and its three statements run bare; and, as
the reference, the same three statements counting everyone per calendar year (what the report
ran before). Prints medians of 5 after one warm-up.

    python bench/bench_jp.py [--people 100000] [--units 1000] [--reseed]
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_reports import build_app, ensure_seeded, hr_client, largest_opd, time_it  # noqa: E402


def make_pppk(app) -> int:
    """One person in ten a PPPK, contract starts spread over 730 days (idempotent)."""
    from sqlalchemy import func, select, update

    from lms.accounts.models import User
    from lms.extensions import db

    with app.app_context():
        ids = list(db.session.scalars(select(User.id).where(User.id % 10 == 3)))
        start = date.today() - timedelta(days=730)
        db.session.execute(
            update(User),
            [
                {"id": i, "employment": "PPPK", "contract_start": start + timedelta(days=i % 730)}
                for i in ids
            ],
        )
        db.session.commit()
        return db.session.scalar(select(func.count()).where(User.employment == "PPPK"))


def statements(app, unit_id, by_status: bool):
    """The JP page's three statements (unit table with the histograms, the count of PNS below
    20 and their first page),
    compiled with their values; ``by_status`` False counts everyone per calendar year."""
    from sqlalchemy import func, select

    from lms.courses.jp import Period
    from lms.extensions import db
    from lms.i18n import wib_today
    from lms.org.models import Unit
    from lms.reports import jp as jp_report
    from lms.reports.services import Filters

    with app.app_context():
        unit = db.session.get(Unit, unit_id) if unit_id else None
        today = wib_today()
        filters = Filters(year=today.year, today=today)
        if not by_status:  # a date range applies the calendar year to everyone
            period = Period(date(today.year, 1, 1), date(today.year + 1, 1, 1))
            filters = Filters(
                year=today.year, date_from=period.start, date_to=date(today.year, 12, 31)
            )
        j = jp_report.jp_per_person(unit, filters).subquery("j")
        buckets = [column for *_key, column in jp_report._buckets(j)]
        table = select(j.c.unit_id, *jp_report._counts(j), *buckets).group_by(j.c.unit_id)
        listing = jp_report.below_target_query(unit, filters, "jp", False)
        below = select(func.count()).select_from(listing.order_by(None).subquery())
        first_page = listing.limit(50)
        dialect = db.engine.dialect
        sql = [
            str(q.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            for q in (table, below, first_page)
        ]

    def run():
        with app.app_context(), db.engine.connect() as conn:
            for statement in sql:
                conn.exec_driver_sql(statement).fetchall()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    folder = Path(os.environ.get("LMS_BENCH_DIR", "/tmp/sinau-bench"))  # noqa: S108
    folder.mkdir(exist_ok=True)
    if not url:
        url = f"sqlite:///{folder / f'bench-{args.people}.sqlite'}"
    print(f"database: {url.split('@')[-1]}")
    app = build_app(url, str(folder / "instance"))
    ensure_seeded(app, url, args.people, args.units, args.reseed)
    print(f"PPPK: {make_pppk(app)}")
    client = hr_client(app)
    opd, opd_people = largest_opd(app)
    for label, unit_id, path in (
        ("province", None, "/reports/jp/"),
        (f"largest OPD ({opd_people} people)", opd, f"/reports/units/{opd}/jp"),
    ):

        def page(path=path):
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        by_status = time_it(statements(app, unit_id, True))
        calendar = time_it(statements(app, unit_id, False))
        print(
            f"{label}: page {time_it(page) * 1000:.0f} ms; its SQL by status "
            f"{by_status * 1000:.0f} ms; the same SQL per calendar year only "
            f"{calendar * 1000:.0f} ms (ratio {by_status / calendar:.2f})"
        )


if __name__ == "__main__":
    main()
