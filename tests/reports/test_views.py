"""Report pages and exports: who sees what, audit, CSV/XLSX safety and streaming."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.reports.exports import Column, csv_chunks
from tests.factories import make_user


def head_of(db, login_as, unit):
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    unit.head = head
    db.session.commit()
    return login_as(head)


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_hr_sees_every_report_page_with_charts(client, login_as, province):
    login_as("hr")
    unit = province["kominfo"].id
    page = client.get(f"/reports/units/{unit}").get_data(as_text=True)
    assert "Bidang A" in page and "25%" in page
    assert (
        page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
        and "<title" in page
        and "<desc" in page
    )
    assert 'style="' not in page.split("<main", 1)[1]
    paths = [f"/reports/units/{unit}/{name}" for name in ("courses", "people", "jp")]
    paths += [f"/reports/person/{province['p1'].id}", "/reports/units/", "/reports/courses/"]
    paths += ["/reports/jp/", "/reports/people/"]
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_unit_head_sees_own_subtree_only(db, client, login_as, province):
    head_of(db, login_as, province["bidang_a"])
    a, a1 = province["bidang_a"].id, province["seksi_a1"].id
    assert client.get("/reports/").headers["Location"].endswith(f"/reports/units/{a}")
    assert client.get(f"/reports/units/{a}").status_code == 200
    assert client.get(f"/reports/units/{a1}/people").status_code == 200
    assert client.get(f"/reports/person/{province['p1'].id}").status_code == 200
    for path in (
        f"/reports/units/{province['kominfo'].id}",
        f"/reports/units/{province['bidang_b'].id}/people",
        f"/reports/units/{province['bidang_b'].id}/export/people.csv",
        f"/reports/units/{province['kominfo'].id}/export/units.xlsx",
        f"/reports/person/{province['p3'].id}",
        f"/reports/person/{province['p3'].id}.csv",
        "/reports/units/",
        "/reports/export/enrolments.csv",
    ):
        assert client.get(path).status_code == 403, path


def test_learner_gets_no_reports(client, login_as, province):
    login_as("learner")
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/units/{province['kominfo'].id}").status_code == 403


def test_a_learner_reads_their_own_person_report_and_no_one_elses(client, login_as, province):
    """UU 27/2022 Pasal 7: the person sees what HR sees about them (and no one else's)."""
    me = province["p1"]
    login_as(me)
    page = client.get(f"/reports/person/{me.id}")
    assert page.status_code == 200 and me.full_name in page.get_data(as_text=True)
    assert client.get(f"/reports/person/{me.id}.csv").status_code == 200
    assert client.get(f"/reports/person/{province['p3'].id}").status_code == 403
    assert client.get(f"/reports/person/{province['p3'].id}.csv").status_code == 403


def test_people_views_and_exports_are_audited(db, client, login_as, province):
    hr = login_as("hr")
    unit = province["kominfo"].id
    client.get(f"/reports/units/{unit}/people?position_type=Fungsional")
    client.get(f"/reports/person/{province['p2'].id}")
    client.get(f"/reports/units/{unit}/export/enrolments.csv").get_data()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.target, e.actor_id) for e in events] == [
        ("reports.people.view", f"unit:{unit}", hr.id),
        ("reports.person.view", f"user:{province['p2'].id}", hr.id),
        ("reports.enrolments.export", f"unit:{unit}", hr.id),
    ]
    assert events[0].details["filters"]["position_type"] == "Fungsional"
    assert events[2].details["format"] == "csv" and events[2].details["personal"] is True


def test_csv_shows_a_formula_in_a_name_as_text(db, client, login_as, province):
    province["p2"].full_name = '=HYPERLINK("http://evil.example","klik")'
    province["p3"].full_name = "+62 Citra"
    db.session.commit()
    login_as("hr")
    rows = read_csv(client.get(f"/reports/units/{province['kominfo'].id}/export/people.csv"))
    names = [r[1] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","klik")' in names
    assert "'+62 Citra" in names
    assert rows[0][:2] == ["NIP", "Nama"]


def test_unit_export_csv_has_the_report_numbers(client, login_as, province):
    login_as("hr")
    response = client.get(f"/reports/units/{province['kominfo'].id}/export/units.csv?year=2026")
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response)
    assert rows[-1][0] == "Jumlah" and rows[-1][1] == "4" and rows[-1][6] == "2"


def test_nothing_owed_shows_a_dash_and_why_never_100_percent(db, client, login_as, province):
    """BKD owes no course; Eka finished one of her own accord. The headline, the tables and the
    exports show no rate (the 100 % the province headline once printed), and the page says why."""
    login_as("hr")
    bkd = province["bkd"].id
    page = client.get(f"/reports/units/{bkd}?year=2026").get_data(as_text=True)
    headline = page.split('<ul class="stats">', 1)[1].split("</ul>", 1)[0]
    assert '<span class="num">–</span> penyelesaian' in headline
    assert "Penyelesaian belum dapat dihitung: belum ada kursus wajib" in page
    assert "1 kursus yang diikuti atas kemauan sendiri sudah selesai" in page
    tables = page.split("<main", 1)[1].split('<div class="cards charts">', 1)[0]  # not the axis
    assert "100%" not in tables
    courses = client.get(f"/reports/units/{bkd}/courses").get_data(as_text=True)
    assert "Tanda – berarti belum ada kursus wajib" in courses and "100%" not in courses
    people = client.get(f"/reports/units/{bkd}/people").get_data(as_text=True)
    assert "100%" not in people
    units = read_csv(client.get(f"/reports/units/{bkd}/export/units.csv"))
    assert units[0][8] == "Penyelesaian (%)" and units[-1][8] == "" and units[-1][6] == "1"
    people_rows = read_csv(client.get(f"/reports/units/{bkd}/export/people.csv"))
    assert people_rows[0][12] == "Penyelesaian (%)" and people_rows[1][12] == ""
    owed = client.get(f"/reports/units/{province['kominfo'].id}").get_data(as_text=True)
    assert "Penyelesaian belum dapat dihitung" not in owed


def test_enrolments_export_has_one_row_per_person_and_course(client, login_as, province):
    login_as("hr")
    rows = read_csv(client.get(f"/reports/units/{province['kominfo'].id}/export/enrolments.csv"))
    assert len(rows) == 1 + 5
    statuses = {(r[1], r[5]): r[6] for r in rows[1:]}
    assert statuses[("Ani", "Etika AI")] == "Selesai"
    assert statuses[("Dodi", "Menulis Prompt")] == "Selesai"


def test_xlsx_has_bold_frozen_header_widths_and_text_formulas(db, client, login_as, province):
    province["p2"].full_name = '=HYPERLINK("http://evil.example","klik")'
    db.session.commit()
    login_as("hr")
    response = client.get(f"/reports/units/{province['kominfo'].id}/export/people.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "NIP" and sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width == 32
    cells = [c for c in sheet["B"] if c.value and str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_person_export(client, login_as, province):
    login_as("hr")
    rows = read_csv(client.get(f"/reports/person/{province['p1'].id}.csv"))
    assert rows[1][2:4] == ["Etika AI", "Selesai"]


def test_csv_streams_rows_lazily():
    consumed = []

    def rows():
        for n in range(1200):
            consumed.append(n)
            yield [n, f"Pegawai {n}"]

    chunks = csv_chunks([Column("No"), Column("Nama")], rows(), every=500)
    first = next(chunks)
    assert first.startswith("\ufeffNo,Nama")
    assert len(consumed) == 500
    rest = "".join(chunks)
    assert len(consumed) == 1200 and rest.count("\r\n") == 700


def test_bad_filters_are_ignored(client, login_as, province):
    login_as("hr")
    url = f"/reports/units/{province['kominfo'].id}?year=abc&from=kemarin&sort=drop&rank=x"
    assert client.get(url).status_code == 200


def test_report_pages_page_through_many_units(db, client, login_as, province, app):
    from tests.factories import make_unit

    for n in range(30):
        make_unit(f"Seksi Tambahan {n:02d}", parent=province["bidang_b"])
    db.session.commit()
    login_as("hr")
    app.config["PAGE_SIZE"] = 10
    url = f"/reports/units/{province['bidang_b'].id}"
    first = client.get(url).get_data(as_text=True)
    assert 'rel="next"' in first and "page=2" in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and "Seksi Tambahan 10" in second
