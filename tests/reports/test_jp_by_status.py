"""JP counted by the rule of each person's status: PNS per calendar year against the target of
20, PPPK per contract year against the ceiling of 24 and never "below 20"."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from lms.courses import jp as jp_rule
from lms.courses import services as courses
from lms.courses.models import Course
from lms.reports import jp as jp_report
from lms.reports import roster
from lms.reports.services import Filters
from tests.factories import make_unit, make_user, page_statements, sync, write_course

TODAY = date(2026, 11, 30)


def _earn(db, user, course: Course, on: date, jp: int) -> None:
    """``user`` completed ``course`` on ``on`` (WIB) and earned ``jp``."""
    enrollment = courses.enroll(user, course, datetime(on.year, 1, 1))
    enrollment.completed_at = datetime(on.year, on.month, on.day, 3, 0)
    enrollment.completed_on = on
    enrollment.last_activity_at = enrollment.completed_at
    enrollment.jp_earned = jp
    db.session.flush()


@pytest.fixture
def world(db, tmp_path):
    """A unit with one PNS (19 JP this year), one PPPK (10 JP this contract year), and a PPPK
    whose JP fall in two contract years (contract from 1 April 2024)."""
    for n in range(4):
        write_course(tmp_path, slug=f"k{n}", gift=None, lessons=1, title=f"Kursus {n}", jp=1)
    sync(tmp_path)
    course = {c.slug: c for c in db.session.scalars(select(Course))}
    unit = make_unit("Dinas Kominfo")
    pns = make_user(unit=unit, full_name="Sri PNS", employment="PNS")
    pppk = make_user(
        unit=unit, full_name="Rina PPPK", employment="PPPK", contract_start=date(2025, 2, 1)
    )
    split = make_user(
        unit=unit, full_name="Tono PPPK", employment="PPPK", contract_start=date(2024, 4, 1)
    )
    _earn(db, pns, course["k0"], date(2026, 3, 2), 12)
    _earn(db, pns, course["k1"], date(2026, 9, 9), 7)
    _earn(db, pppk, course["k0"], date(2026, 5, 5), 10)
    # Tono: 14 JP before 1 April 2026 (contract year 2025/26), 6 JP after (2026/27).
    _earn(db, split, course["k0"], date(2026, 1, 15), 14)
    _earn(db, split, course["k1"], date(2026, 4, 1), 6)
    db.session.commit()
    return {"unit": unit, "pns": pns, "pppk": pppk, "split": split}


def _below(db, world, filters) -> dict[str, int]:
    rows = db.session.execute(jp_report.below_target_query(world["unit"], filters, "jp", False))
    return {r.full_name: r.jp for r in rows}


def test_a_pppk_with_10_jp_is_not_below_20(db, world):
    below = _below(db, world, Filters(year=2026, today=TODAY))
    assert "Rina PPPK" not in below and "Tono PPPK" not in below


def test_a_pns_with_19_jp_is_below_20(db, world):
    assert _below(db, world, Filters(year=2026, today=TODAY)) == {"Sri PNS": 19}


def test_pppk_jp_count_per_contract_year(db, world):
    rows = db.session.execute(jp_report.jp_per_person(world["unit"], Filters(2026, today=TODAY)))
    jp = {r.user_id: r.jp for r in rows}
    # On 30 November 2026 Tono's contract year runs from 1 April 2026: only the 6 JP after it.
    assert jp[world["split"].id] == 6
    assert jp[world["pns"].id] == 19 and jp[world["pppk"].id] == 10
    # Read on 31 March 2026, the contract year 2025/26 holds the 14 JP of January.
    march = Filters(2026, today=date(2026, 3, 31))
    rows = db.session.execute(jp_report.jp_per_person(world["unit"], march))
    assert {r.user_id: r.jp for r in rows}[world["split"].id] == 14


def test_the_anniversary_itself_starts_the_new_contract_year(db, world):
    rows = db.session.execute(
        jp_report.jp_per_person(world["unit"], Filters(2026, today=date(2026, 4, 1)))
    )
    assert {r.user_id: r.jp for r in rows}[world["split"].id] == 6


def test_unit_table_and_histograms_by_status(db, world):
    rows, total = jp_report.jp_by_unit(None, Filters(2026, today=TODAY), "Langsung")
    assert [(r.name, r.pns, r.below, r.pppk) for r in rows] == [("Dinas Kominfo", 1, 1, 2)]
    assert (total.pns, total.below, total.pns_jp) == (1, 1, 19)
    assert (total.pppk, total.at_ceiling, total.pppk_jp) == (2, 0, 16)
    buckets = jp_report.jp_histogram(None, Filters(2026, today=TODAY))
    assert buckets["PNS"] == [("0", 0), ("1–9", 0), ("10–19", 1), ("20+", 0)]
    assert buckets["PPPK"] == [("0", 0), ("1–11", 2), ("12–23", 0), ("24+", 0)]


def test_people_report_jp_follows_the_status(db, world):
    query = roster.people_query(world["unit"], Filters(2026, today=TODAY), TODAY, "name", False)
    assert {r.full_name: r.jp for r in db.session.execute(query)} == {
        "Rina PPPK": 10, "Sri PNS": 19, "Tono PPPK": 6,
    }  # fmt: skip


def test_a_date_range_counts_everyone_in_it_and_lists_only_pns(db, world):
    ranged = Filters(2026, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), today=TODAY)
    rows = db.session.execute(jp_report.jp_per_person(world["unit"], ranged))
    assert {r.user_id: r.jp for r in rows}[world["split"].id] == 20
    assert _below(db, world, ranged) == {"Sri PNS": 19}


def test_a_pppk_without_a_contract_start_counts_per_calendar_year(db, world):
    world["split"].contract_start = None
    db.session.commit()
    rows = db.session.execute(jp_report.jp_per_person(world["unit"], Filters(2026, today=TODAY)))
    assert {r.user_id: r.jp for r in rows}[world["split"].id] == 20


def test_learner_standing_by_status(db, world):
    pns = jp_rule.standing(world["pns"], TODAY)
    assert (pns["jp"], pns["limit"], pns["below"], pns["ceiling"]) == (19, 20, True, False)
    tono = jp_rule.standing(world["split"], TODAY)
    assert (tono["jp"], tono["limit"], tono["below"], tono["ceiling"]) == (6, 24, False, True)
    assert (tono["start"], tono["last"]) == (date(2026, 4, 1), date(2027, 3, 31))


def test_person_periods_per_contract_year(db, world):
    done = jp_rule.completions(world["split"].id)
    periods = jp_rule.periods(world["split"], TODAY, done)
    assert [(p["start"], p["jp"], p["limit"]) for p in periods] == [
        (date(2026, 4, 1), 6, 24), (date(2025, 4, 1), 14, 24), (date(2024, 4, 1), 0, 24),
    ]  # fmt: skip
    assert not any(p["below"] for p in periods)


@pytest.mark.parametrize(
    ("start", "day", "expected"),
    [(date(2024, 2, 29), date(2025, 2, 28), date(2024, 2, 29)),
     (date(2024, 2, 29), date(2025, 3, 1), date(2025, 3, 1)),
     (date(2025, 6, 1), date(2025, 1, 1), date(2025, 6, 1))],
)  # fmt: skip
def test_contract_year_edges(start, day, expected):
    assert jp_rule.contract_year(start, day)[0] == expected


def test_a_29_february_contract_counts_the_same_in_sql(db, world):
    world["split"].contract_start = date(2024, 2, 29)
    db.session.commit()
    # 28 February 2026 is still in the year that began on 1 March 2025.
    filters = Filters(2026, today=date(2026, 2, 28))
    rows = db.session.execute(jp_report.jp_per_person(world["unit"], filters))
    assert {r.user_id: r.jp for r in rows}[world["split"].id] == 14


def test_a_pppk_at_24_jp_reaches_the_ceiling(db, world):
    course = db.session.scalar(select(Course).where(Course.slug == "k2"))
    _earn(db, world["pppk"], course, date(2026, 6, 1), 14)
    db.session.commit()
    total = jp_report.totals(world["unit"], Filters(2026, today=TODAY))
    assert (total.pppk, total.at_ceiling, total.below) == (2, 1, 1)
    assert jp_rule.standing(world["pppk"], TODAY)["pct"] == 100


# -- pages, exports and the HR form ---------------------------------------------------------------


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_jp_page_lists_pns_below_20_and_never_a_pppk(client, login_as, world):
    login_as("hr")
    page = _text(client.get(f"/reports/units/{world['unit'].id}/jp?year=2026"))
    listed = page.split("PNS di bawah 20 JP", 2)[-1]
    assert "Sri PNS" in listed
    assert "Rina PPPK" not in page and "Tono PPPK" not in page
    assert "Sebaran JP PPPK" in page and page.count('class="chart"') == 2


def test_jp_exports_by_status(client, login_as, world):
    login_as("hr")
    below = _text(client.get(f"/reports/units/{world['unit'].id}/export/jp.csv?year=2026"))
    assert "Sri PNS" in below and "PPPK" not in below.split("\n", 1)[1]
    everyone = _text(client.get(f"/reports/units/{world['unit'].id}/export/jp_all.csv?year=2026"))
    lines = {line.split(",")[1]: line for line in everyone.splitlines()[1:]}
    assert set(lines) == {"Rina PPPK", "Sri PNS", "Tono PPPK"}
    assert (
        "Batas paling banyak 24 JP" in lines["Tono PPPK"] and ",2024-04-01," in lines["Tono PPPK"]
    )
    assert "Target paling sedikit 20 JP" in lines["Sri PNS"] and lines["Sri PNS"].endswith(",1")


def test_person_report_shows_status_and_contract_years(client, login_as, world):
    login_as("hr")
    page = _text(client.get(f"/reports/person/{world['split'].id}"))
    assert "PPPK" in page and "1 April 2024" in page
    assert "JP per tahun kontrak (batas 24 JP)" in page and "Kurang" not in page
    page = _text(client.get(f"/reports/person/{world['pns'].id}"))
    assert "JP per tahun (target 20 JP)" in page and "Kurang 1 JP" in page


def test_dashboard_bar_follows_the_status(client, login_as, world):
    login_as(world["pppk"])
    page = _text(client.get("/"))
    assert "dari batas 24 JP" in page and "paling banyak 24 JP per tahun kontrak" in page
    assert "dari batas 24 JP" in _text(client.get("/learning"))
    login_as(world["pns"])
    page = _text(client.get("/learning"))
    assert "dari 20 JP" in page and "batas 24" not in page


def test_hr_sets_status_and_contract_start(db, client, login_as, world):
    login_as("hr")
    person = world["pns"]
    form = {
        "full_name": person.full_name, "employment": "PPPK", "contract_start": "2026-01-05",
        "nip": "", "email": person.email, "position": "", "position_type": "Struktural",
        "rank": "", "unit_id": world["unit"].id, "roles": ["learner"],
    }  # fmt: skip
    response = client.post(f"/admin/users/{person.id}", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert (person.employment, person.contract_start, person.position_type) == (
        "PPPK", date(2026, 1, 5), "Struktural"
    )  # fmt: skip
    client.post(f"/admin/users/{person.id}", data={**form, "employment": "PNS"})
    db.session.expire_all()
    assert (person.employment, person.contract_start) == ("PNS", None)


def test_the_page_query_gives_the_same_figures_as_the_separate_ones(db, world):
    filters = Filters(2026, today=TODAY)
    rows, total, buckets = jp_report.jp_report(None, filters, "Langsung")
    apart_rows, apart_total = jp_report.jp_by_unit(None, filters, "Langsung")
    assert [vars(r) for r in rows] == [vars(r) for r in apart_rows]
    assert vars(total) == vars(apart_total)
    assert buckets == jp_report.jp_histogram(None, filters)
    assert buckets["PNS"][2] == ("10–19", 1) and buckets["PPPK"][1] == ("1–11", 2)


def test_the_jp_page_does_not_query_per_person(db, client, login_as, world):
    login_as("hr")
    url = f"/reports/units/{world['unit'].id}/jp?year=2026"
    page_statements(client, url)  # the first request of a session also records its start
    before = page_statements(client, url)
    course = db.session.scalar(select(Course).where(Course.slug == "k3"))
    for n in range(12):
        person = make_user(
            unit=world["unit"],
            employment="PPPK" if n % 2 else "PNS",
            contract_start=date(2025, 7, 1),
        )
        _earn(db, person, course, date(2026, 8, 1), n)
    db.session.commit()
    assert page_statements(client, url) == before
