"""The unit report page at scale: statements built once per filter shape give the figures a
statement built with the values gives, the page runs a fixed set of statements whatever the
size of the unit, and the column headers link where url_for would."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from flask import request, url_for
from sqlalchemy import func, select

from lms.courses import services as courses
from lms.courses.models import Enrollment
from lms.reports import services
from lms.reports.scope import export_url, here_url, report_url, sort_url
from lms.reports.services import Filters
from tests.factories import make_unit, make_user, page_statements


def figures_built_with_values(unit, filters: Filters, today: date) -> dict:
    """What figures_by_unit returned when it built its statements with the values inline."""
    p = services.pairs(unit, filters).subquery("p")
    query = select(p.c.unit_id, *services.figure_columns(p, today)).group_by(p.c.unit_id)
    out = {row["unit_id"]: dict(row) for row in services.db.session.execute(query).mappings()}
    scope = services.people(unit, filters).subquery("s")
    for unit_id, n in services.db.session.execute(
        select(scope.c.unit_id, func.count()).group_by(scope.c.unit_id)
    ):
        out.setdefault(unit_id, {})["people"] = n
    return out


def months_built_with_values(unit, filters: Filters) -> dict:
    start, end = filters.period
    scope = select(services.people(unit, filters).subquery().c.user_id)
    year = func.extract("year", Enrollment.completed_on)
    month = func.extract("month", Enrollment.completed_on)
    query = select(year, month, func.count()).where(
        Enrollment.completed_on >= start, Enrollment.completed_on < end,
        Enrollment.user_id.in_(scope),
    )  # fmt: skip
    if filters.course_id:
        query = query.where(Enrollment.course_id == filters.course_id)
    rows = services.db.session.execute(query.group_by(year, month))
    return {(int(y), int(m)): n for y, m, n in rows}


@pytest.fixture
def with_pppk(db, province):
    """Two PPPK in Bidang A with contract years starting 1 July and 29 February."""
    for start, done in (
        (date(2025, 7, 1), date(2026, 6, 20)),
        (date(2024, 2, 29), date(2026, 3, 2)),
    ):
        person = make_user(unit=province["bidang_a"], employment="PPPK", contract_start=start,
                           position_type="Fungsional", rank="III/b")  # fmt: skip
        enrollment = courses.enroll(person, province["prompt"], datetime(2026, 1, 5))
        enrollment.completed_at = datetime(done.year, done.month, done.day, 3, 0)
        enrollment.completed_on = done
        enrollment.last_activity_at = enrollment.completed_at
        enrollment.jp_earned = 3
    db.session.commit()
    return province


def test_statements_built_once_per_shape_count_as_built_with_values(db, with_pppk):
    p = with_pppk
    cases = [
        {"year": 2026}, {"year": 2025}, {"year": 2026, "rank": "III/b"},
        {"year": 2026, "position_type": "Fungsional"}, {"year": 2026, "course_id": p["etika"].id},
        {"year": 2026, "date_from": date(2026, 3, 1)},
        {"year": 2026, "date_from": date(2025, 12, 1), "date_to": date(2026, 3, 10),
         "rank": "III/b", "course_id": p["prompt"].id, "position_type": "Fungsional"},
    ]  # fmt: skip
    checked = 0
    for unit in (None, p["kominfo"], p["bidang_a"], p["seksi_a1"], p["bkd"]):
        for today in (date(2026, 2, 28), date(2026, 7, 1), date(2026, 11, 30)):
            for case in cases:
                filters = Filters(today=today, **case)
                expected = figures_built_with_values(unit, filters, today)
                assert services.figures_by_unit(unit, filters, today) == expected, (unit, case)
                months = {
                    (m.year, m.month): n for m, n in services.completions_by_month(unit, filters)
                }
                for key, n in months_built_with_values(unit, filters).items():
                    assert months[key] == n, (unit, case, key)
                checked += 1
    assert checked == 105
    # Bidang A: Ani (PNS) 2 JP in 2026; each PPPK 3 JP in the contract year running that day:
    # on 30 June both count, on 1 July the one whose year starts 1 July has nothing yet.
    for today, jp in ((date(2026, 6, 30), 2 + 3 + 3), (date(2026, 7, 1), 2 + 3)):
        filters = Filters(year=2026, today=today)
        _rows, total = services.unit_report(p["bidang_a"], filters, today, "x")
        assert total.jp == jp, today


def test_the_unit_page_runs_the_same_statements_for_a_bigger_unit(db, client, login_as, province):
    login_as("hr")
    url = f"/reports/units/{province['kominfo'].id}?year=2026"
    page_statements(client, url)  # the first request of a session also records its start
    before = page_statements(client, url)
    for n in range(3):
        seksi = make_unit(f"Seksi B{n}", parent=province["bidang_b"])
        for _ in range(4):
            person = make_user(unit=seksi, rank=f"II/{'abc'[n]}")
            courses.enroll(person, province["etika"], datetime(2026, 2, 1))
    db.session.commit()
    assert page_statements(client, url) == before
    # the person and session, the unit, its tree, the figures and the people per unit, the
    # months, the crumbs and the ranks; the course list is kept a minute
    assert before <= 8


def test_column_headers_link_where_url_for_would(app):
    paths = [
        "/reports/units/5?year=2026&rank=III/a&course=&sort=name&dir=asc&page=3",
        "/reports/units/?x=a b&y=%C3%A9&position_type=Fungsional&z=a%26b%3Dc",
        "/reports/units/3/people?rank=IV/a+b&from=2026-01-01&unit_id=9",
        "/admin/activation/units/4?q=%2F%3F+x",
        "/reports/units/?sort=jp&year=2025&dir=desc&rank=II/a&rank=II/b",
        "/reports/jp/?page=2&course=4&%C3%A9=%20~",
    ]
    for path in paths:
        with app.test_request_context(path):
            for key in ("name", "jp"):
                for desc in (True, False):
                    direction = "desc" if desc else "asc"
                    args = dict(request.args.to_dict(), sort=key, dir=direction, page=1)
                    expected = url_for(request.endpoint, **dict(request.view_args, **args))
                    assert sort_url(key, desc) == expected


def test_column_headers_follow_the_request_they_are_drawn_for(app):
    """Only the path is kept (per process), never the query: under an outer app context, which
    outlives each request, the next request's headers carry its own filters."""
    with app.app_context():
        for year in (2025, 2026):
            with app.test_request_context(f"/reports/units/7?year={year}"):
                assert (
                    sort_url("jp", True) == f"/reports/units/7?year={year}&sort=jp&dir=desc&page=1"
                )


@pytest.mark.parametrize("root", ["", "/sinau"])
def test_report_links_are_where_url_for_would_put_them(app, root):
    """Tabs, crumbs, exports and links to sub-units keep the query as url_for does, with paths
    built once per process: a page under another root path gets its own."""
    unit = make_unit("Dinas X")
    queries = [
        "",
        "?year=2026&rank=III/a&course=&page=3",
        "?x=a b&y=%C3%A9&z=a%26b%3Dc&rank=1&rank=2",
    ]
    for query in queries:
        with app.test_request_context(
            f"/reports/units/{unit.id}{query}", base_url=f"http://h{root}"
        ):
            args = request.args.to_dict()
            keep = {k: v for k, v in args.items() if k != "page"}
            for target in (unit, None):
                unit_arg = {"unit_id": target.id} if target else {}
                assert report_url("reports.jp", target) == url_for("reports.jp", **unit_arg, **keep)
                assert report_url("reports.actions", target, program=4, year=None) == url_for(
                    "reports.actions", **unit_arg, **{k: v for k, v in keep.items() if k != "year"},
                    program=4,
                )  # fmt: skip
                assert export_url("units", "xlsx", target) == url_for(
                    "reports.export", **unit_arg, report="units", fmt="xlsx", **keep
                )
            assert here_url("reports.people", unit_id=7) == url_for(
                "reports.people", unit_id=7, **keep
            )
            assert here_url("reports.people", unit_id=7).startswith(f"{root}/reports/units/7/")


def test_crumbs_name_each_unit_above_in_order_keeping_the_query(client, login_as, province):
    login_as("hr")
    p = province
    page = client.get(f"/reports/units/{p['seksi_a1'].id}/jp?year=2025&page=1")
    crumbs = page.get_data(as_text=True).split('<nav class="crumbs"', 1)[1].split("</nav>", 1)[0]
    links = [(p["kominfo"], "Dinas Kominfo"), (p["bidang_a"], "Bidang A"),
             (p["seksi_a1"], "Seksi A1")]  # fmt: skip
    expected = "".join(
        f' &rsaquo; <a href="/reports/units/{unit.id}/jp?year=2025">{name}</a>'
        for unit, name in links
    )
    assert expected in crumbs


def test_a_unit_listed_on_a_later_page_opens_at_its_first(app, client, login_as):
    """Page 2 of the province's units links to each unit's report without ``page=2``: a unit
    with fewer sub-units than a page has no page 2 (it was a 404)."""
    app.config["PAGE_SIZE"] = 2
    for name in ("Dinas A", "Dinas B", "Dinas C"):
        make_unit(name)
    login_as("hr")
    html = client.get("/reports/units/?page=2&year=2026").get_data(as_text=True)
    links = re.findall(r'href="(/reports/units/\d+[^"]*)"', html)
    assert links and all("page=" not in link and "year=2026" in link for link in links), links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_report_links_carry_what_a_url_defaults_function_adds(app):
    """Paths kept per process must not hide a ``url_defaults`` function (none today; a
    language in every URL would be one): with one, each link is what url_for gives."""

    @app.url_defaults
    def language(endpoint: str, values: dict) -> None:
        values.setdefault("lang", "en")

    unit = make_unit("Dinas X")
    with app.test_request_context(f"/reports/units/{unit.id}?year=2026&page=2"):
        links = {
            report_url("reports.jp", unit): url_for("reports.jp", unit_id=unit.id, year="2026"),
            export_url("units", "csv", unit): url_for(
                "reports.export", unit_id=unit.id, report="units", fmt="csv", year="2026"
            ),
            here_url("reports.people", unit_id=7): url_for(
                "reports.people", unit_id=7, year="2026"
            ),
            sort_url("jp", True): url_for(
                "reports.units", unit_id=unit.id, year="2026", page=1, sort="jp", dir="desc"
            ),
        }
    for link, expected in links.items():
        assert link == expected and "lang=en" in link, link
