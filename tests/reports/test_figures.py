"""Report numbers on a small known province: every figure asserted."""

from __future__ import annotations

from datetime import date, datetime

from lms.reports import jp as jp_report
from lms.reports import roster, services
from lms.reports.person import person_courses
from lms.reports.services import Filters

AFTER = date(2026, 7, 1)  # the day after the deadline (WIB)
ON = date(2026, 6, 30)  # the deadline itself: not overdue yet


def figures(row) -> dict:
    return {
        "people": row.people, "pairs": row.pairs, "assigned": row.assigned,
        "not_started": row.not_started, "in_progress": row.in_progress,
        "completed": row.completed, "overdue": row.overdue, "pct": row.completion_pct,
        "score": row.avg_score, "jp": row.jp,
    }  # fmt: skip


def by_name(rows) -> dict:
    return {r.name: r for r in rows}


def test_unit_report_rolls_up_sub_units(province):
    rows, total = services.unit_report(province["kominfo"], Filters(year=2026), AFTER, "Langsung")
    rows = by_name(rows)
    assert set(rows) == {"Bidang A", "Bidang B", "Langsung"}
    assert figures(rows["Bidang A"]) == {
        "people": 2, "pairs": 2, "assigned": 2, "not_started": 0, "in_progress": 1,
        "completed": 1, "overdue": 1, "pct": 50.0, "score": 67.5, "jp": 2,
    }  # fmt: skip
    assert figures(rows["Bidang B"]) == {
        "people": 1, "pairs": 1, "assigned": 1, "not_started": 1, "in_progress": 0,
        "completed": 0, "overdue": 1, "pct": 0.0, "score": None, "jp": 0,
    }  # fmt: skip
    assert figures(rows["Langsung"]) == {
        "people": 1, "pairs": 2, "assigned": 1, "not_started": 1, "in_progress": 0,
        "completed": 1, "overdue": 1, "pct": 0.0, "score": None, "jp": 0,
    }  # fmt: skip
    assert figures(total) == {
        "people": 4, "pairs": 5, "assigned": 4, "not_started": 2, "in_progress": 1,
        "completed": 2, "overdue": 3, "pct": 25.0, "score": 67.5, "jp": 2,
    }  # fmt: skip


def test_completion_rate_counts_only_what_is_owed(province):
    """Dodi owes Etika (not started) and finished Prompt of his own accord: 0 %, not 50 %; BKD
    owes nothing (Eka took Etika unasked): no rate at all, never 100 %."""
    rows, _total = services.unit_report(None, Filters(year=2026), AFTER, "Langsung")
    bkd = by_name(rows)["BKD"]
    assert (bkd.completed, bkd.assigned, bkd.completion_pct) == (1, 0, None)
    rows, _total = services.unit_report(province["kominfo"], Filters(year=2026), AFTER, "x")
    assert by_name(rows)["x"].completion_pct == 0.0
    _rows, only_prompt = services.unit_report(
        None, Filters(2026, course_id=province["prompt"].id), AFTER, "x"
    )
    assert (only_prompt.completed, only_prompt.completion_pct) == (1, None)


def test_drill_down_to_a_sub_unit(province):
    rows, total = services.unit_report(province["bidang_a"], Filters(year=2026), AFTER, "Langsung")
    rows = by_name(rows)
    assert figures(rows["Seksi A1"])["completed"] == 1 and rows["Seksi A1"].people == 1
    assert figures(rows["Langsung"])["in_progress"] == 1
    assert total.people == 2 and total.avg_score == 67.5


def test_province_report_has_top_units_and_counts_everyone_active(province):
    rows, total = services.unit_report(None, Filters(year=2026), AFTER, "Langsung")
    rows = by_name(rows)
    assert set(rows) == {"Dinas Kominfo", "BKD"}
    assert rows["BKD"].completed == 1 and rows["BKD"].assigned == 0 and rows["BKD"].jp == 2
    assert total.people == 5 and total.completed == 3


def test_deadline_day_is_not_overdue_until_the_next_day_in_wib(province):
    _rows, on = services.unit_report(province["kominfo"], Filters(year=2026), ON, "x")
    _rows, after = services.unit_report(province["kominfo"], Filters(year=2026), AFTER, "x")
    assert on.overdue == 0
    assert after.overdue == 3


def test_jp_counts_per_wib_calendar_year(province):
    # Completed at 23.30 WIB on 31 December 2025 = 16.30 UTC: counted in 2025, not 2026.
    assert str(person_courses(province["p4"], AFTER)[1]["completed_on"]) == "2025-12-31"
    _r, y2025 = services.unit_report(province["kominfo"], Filters(year=2025), AFTER, "x")
    _r, y2026 = services.unit_report(province["kominfo"], Filters(year=2026), AFTER, "x")
    assert (y2025.jp, y2026.jp) == (3, 2)
    ranged = Filters(year=2026, date_from=date(2025, 12, 31), date_to=date(2026, 3, 9))
    assert services.unit_report(province["kominfo"], ranged, AFTER, "x")[1].jp == 3


def test_filters_position_type_rank_and_course(province):
    unit = province["kominfo"]
    _r, fungsional = services.unit_report(
        unit, Filters(2026, position_type="Fungsional"), AFTER, "x"
    )
    assert (fungsional.people, fungsional.completed, fungsional.overdue) == (2, 1, 1)
    _r, rank = services.unit_report(unit, Filters(2026, rank="IV/a"), AFTER, "x")
    assert (rank.people, rank.pairs) == (1, 2)
    _r, course = services.unit_report(
        unit, Filters(2026, course_id=province["prompt"].id), AFTER, "x"
    )
    assert (course.people, course.pairs, course.completed) == (4, 1, 1)


def test_course_report_with_quiz_figures(province):
    rows, total = services.course_report(province["kominfo"], Filters(year=2026), AFTER)
    rows = by_name(rows)
    etika, prompt = rows["Etika AI"], rows["Menulis Prompt"]
    assert figures(etika) == {
        "people": 4, "pairs": 4, "assigned": 4, "not_started": 2, "in_progress": 1,
        "completed": 1, "overdue": 3, "pct": 25.0, "score": 67.5, "jp": 2,
    }  # fmt: skip
    assert (etika.pass_rate, etika.avg_attempts) == (50.0, 1.5)
    assert figures(prompt) == {
        "people": 1, "pairs": 1, "assigned": 0, "not_started": 0, "in_progress": 0,
        "completed": 1, "overdue": 0, "pct": None, "score": None, "jp": 0,
    }  # fmt: skip
    assert prompt.pass_rate is None
    assert total.people == 4


def test_people_list_figures_and_sorting(db, province):
    query = roster.people_query(province["kominfo"], Filters(year=2026), AFTER, "name", False)
    rows = db.session.execute(query).all()
    assert [r.full_name for r in rows] == ["Ani", "Budi", "Citra", "Dodi"]
    dodi = rows[3]
    assert (dodi.pairs, dodi.completed, dodi.overdue, dodi.completion_pct, dodi.jp) == (
        2,
        1,
        1,
        0.0,
        0,
    )
    by_jp = db.session.execute(
        roster.people_query(province["kominfo"], Filters(year=2025), AFTER, "jp", True)
    ).all()
    assert by_jp[0].full_name == "Dodi" and by_jp[0].jp == 3


def test_jp_report_below_target_and_histogram(db, province):
    rows, total = jp_report.jp_by_unit(province["kominfo"], Filters(year=2026), "Langsung")
    rows = by_name(rows)
    assert (rows["Bidang A"].people, rows["Bidang A"].below, rows["Bidang A"].jp) == (2, 2, 2)
    assert (total.people, total.below, total.jp) == (4, 4, 2)
    assert jp_report.jp_histogram(province["kominfo"], Filters(year=2026))["PNS"] == [
        ("0", 3),
        ("1–9", 1),
        ("10–19", 0),
        ("20+", 0),
    ]
    below = db.session.execute(
        jp_report.below_target_query(province["kominfo"], Filters(year=2026), "jp", False)
    ).all()
    assert [(r.full_name, r.jp, r.short) for r in below][-1] == ("Ani", 2, 18)
    assert len(below) == 4


def test_completions_by_month_fill_every_month(province):
    months = services.completions_by_month(province["kominfo"], Filters(year=2026))
    assert len(months) == 12
    assert {m.month: n for m, n in months}[3] == 1
    assert sum(n for _m, n in months) == 1  # the inactive person's January does not count


def test_person_report_rows(province):
    rows = {r["title"]: r for r in person_courses(province["p1"], AFTER)}
    etika = rows["Etika AI"]
    assert (etika["status"], etika["best"], etika["attempts"], etika["deadline"]) == (
        "completed",
        85,
        2,
        date(2026, 6, 30),
    )
    late = person_courses(province["p3"], AFTER)[0]
    assert (late["status"], late["progress"]) == ("overdue", 0)


def test_cancelled_assignment_stops_counting_as_assigned_and_overdue(db, province):
    from sqlalchemy import select

    from lms.assignments import services as assignments
    from lms.assignments.models import Assignment

    assignment = db.session.scalar(select(Assignment))
    assignments.cancel_assignment(assignment, datetime(2026, 7, 1, 2, 0))
    _rows, total = services.unit_report(province["kominfo"], Filters(year=2026), AFTER, "x")
    assert (total.pairs, total.assigned, total.overdue) == (5, 0, 0)
