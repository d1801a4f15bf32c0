"""Action plan pages: planning, editing, reporting, review, comments, overview and exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.actions import alignment, queries
from lms.actions.models import ActionItem, Comment, ItemEvent, Program, Tag
from lms.i18n import utcnow, wib_today
from tests.factories import make_item, make_program, make_unit, make_user, sync, write_course


@pytest.fixture
def team(db):
    opd = make_unit("Dinas Komunikasi dan Informatika", code="DISKOMINFO")
    unit = make_unit("Bidang Aplikasi Informatika", opd, code="DISKOMINFO-APTIKA")
    head = make_user(unit=unit, roles={"learner", "unit_head"}, full_name="Bambang Sutrisno")
    unit.head = head
    owner = make_user(unit=unit, full_name="Rina Wulandari")
    program = make_program("Jatim Retret 2025")
    db.session.commit()
    return {"opd": opd, "unit": unit, "head": head, "owner": owner, "program": program}


def _item_form(team, **overrides):
    form = {
        "title": "Chatbot FAQ layanan perizinan berbasis AI",
        "description": "Menjawab pertanyaan umum pemohon izin.",
        "expected_output": "Chatbot aktif",
        "target_indicator": "Pertanyaan terjawab otomatis",
        "target_value": "60%",
        "program_id": str(team["program"].id),
        "owner_id": str(team["owner"].id),
        "due_date": (wib_today(utcnow()) + timedelta(days=30)).isoformat(),
        "priority": "high",
        "status": "in_progress",
    }
    form.update(overrides)
    return form


@pytest.fixture
def offered(db, tmp_path):
    """Two courses on offer, as the form lists them."""
    write_course(tmp_path, slug="ai-untuk-pelayanan-publik", title="AI untuk Pelayanan Publik")
    write_course(tmp_path, slug="etika-ai", title="Etika AI")
    sync(tmp_path)
    return ["ai-untuk-pelayanan-publik", "etika-ai"]


def test_head_creates_an_item_for_their_unit(db, client, login_as, team, offered):
    login_as(team["head"])
    form = _item_form(team, course_slugs="ai-untuk-pelayanan-publik")
    response = client.post(f"/actions/units/{team['unit'].id}/new", data=form)
    item = db.session.scalar(select(ActionItem))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/actions/items/{item.id}")
    assert (item.owner_id, item.created_by_id, item.priority) == (
        team["owner"].id,
        team["head"].id,
        "high",
    )
    assert [c.course_slug for c in item.courses] == ["ai-untuk-pelayanan-publik"]


def test_owner_from_another_unit_cannot_be_chosen(db, client, login_as, team):
    stranger = make_user(unit=make_unit("Dinas Kesehatan"))
    db.session.commit()
    login_as(team["head"])
    response = client.post(
        f"/actions/units/{team['unit'].id}/new", data=_item_form(team, owner_id=str(stranger.id))
    )
    assert response.status_code == 200
    assert "Pilihan tidak valid" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0


def test_due_date_before_start_is_refused_in_indonesian(db, client, login_as, team):
    login_as(team["head"])
    form = _item_form(team, start_date="2026-05-01", due_date="2026-04-01")
    response = client.post(f"/actions/units/{team['unit'].id}/new", data=form)
    assert "Tenggat tidak boleh sebelum tanggal mulai." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0


def test_edit_shows_the_change_in_the_history(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"], title="Chatbot")
    db.session.commit()
    login_as(team["head"])
    form = _item_form(team, title="Chatbot FAQ", due_date=item.due_date.isoformat())
    assert client.post(f"/actions/items/{item.id}/edit", data=form).status_code == 302
    page = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert "Bambang Sutrisno mengubah Judul: Chatbot → Chatbot FAQ" in page
    assert "mengubah Status: Rancangan → Berjalan" in page


def test_a_retired_alignment_entry_stays_on_its_item_but_is_not_offered_anew(
    db, client, login_as, team
):
    alignment.seed_tags({"nawa_bhakti_satya": ["Jatim Berdaya"]})
    old = db.session.scalar(select(Tag).where(Tag.name == "Jatim Berdaya"))
    item = make_item(team["unit"], team["owner"], team["program"], tags=[old])
    alignment.seed_tags()
    alignment.retire_tags()
    db.session.commit()
    login_as(team["head"])
    new_page = client.get(f"/actions/units/{team['unit'].id}/new").get_data(as_text=True)
    assert "Jatim Berdaya" not in new_page and "Nawa Bhakti Satya: Jatim Lestari" in new_page
    edit_page = client.get(f"/actions/items/{item.id}/edit").get_data(as_text=True)
    assert "Nawa Bhakti Satya: Jatim Berdaya" in edit_page
    form = _item_form(
        team, title=item.title, due_date=item.due_date.isoformat(), tag_ids=[str(old.id)]
    )
    assert client.post(f"/actions/items/{item.id}/edit", data=form).status_code == 302
    db.session.refresh(item)
    assert [t.name for t in item.tags] == ["Jatim Berdaya"]


def test_changing_the_owner_shows_names_in_the_history(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"])
    other = make_user(unit=team["unit"], full_name="Fajar Nugroho")
    db.session.commit()
    login_as(team["head"])
    form = _item_form(
        team, title=item.title, owner_id=str(other.id), due_date=item.due_date.isoformat()
    )
    client.post(f"/actions/items/{item.id}/edit", data=form)
    page = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert "Penanggung jawab: Rina Wulandari → Fajar Nugroho" in page


def test_owner_reports_done_and_head_accepts(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"])
    db.session.commit()
    login_as(team["owner"])
    form = {"progress": "90", "status": "done", "note": "Chatbot sudah aktif."}
    assert client.post(f"/actions/items/{item.id}/update", data=form).status_code == 302
    login_as(team["head"])
    page = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert "Selesai, menunggu tinjauan" in page and "Tinjauan kepala unit" in page
    response = client.post(f"/actions/items/{item.id}/review", data={"accept": "Terima"})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.accepted and item.accepted_by_id == team["head"].id
    assert "Selesai, diterima" in client.get(f"/actions/items/{item.id}").get_data(as_text=True)


def test_head_sends_back_with_a_reason(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"], status="done")
    db.session.commit()
    login_as(team["head"])
    client.post(
        f"/actions/items/{item.id}/review",
        data={"send_back": "Kembalikan", "comment": "Lampirkan tangkapan layar."},
    )
    db.session.refresh(item)
    assert item.status == "in_progress" and item.accepted_at is None
    page = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert "Lampirkan tangkapan layar." in page
    assert "mengembalikan butir ini untuk diperbaiki" in page


def test_sending_back_without_a_reason_changes_nothing(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"], status="done")
    db.session.commit()
    login_as(team["head"])
    response = client.post(
        f"/actions/items/{item.id}/review", data={"send_back": "Kembalikan"}, follow_redirects=True
    )
    assert "Tuliskan alasan pengembalian" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.status == "done"
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_accepting_an_item_not_done_is_refused_on_its_page(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"], status="in_progress")
    db.session.commit()
    login_as(team["head"])
    response = client.post(f"/actions/items/{item.id}/review", data={"accept": "Terima"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/actions/items/{item.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hanya butir berstatus Selesai yang dapat diterima." in page
    db.session.refresh(item)
    assert item.status == "in_progress" and item.accepted_at is None
    assert (
        db.session.scalar(select(func.count(ItemEvent.id)).where(ItemEvent.kind == "accepted")) == 0
    )


def test_comments_are_escaped(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"])
    colleague = make_user(unit=team["unit"])
    db.session.commit()
    login_as(colleague)
    client.post(f"/actions/items/{item.id}/comments", data={"body": "<script>x</script>\nBaris 2"})
    page = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;<br>" in page and "<script>x" not in page


def test_empty_comment_is_refused(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"])
    db.session.commit()
    login_as(team["owner"])
    response = client.post(
        f"/actions/items/{item.id}/comments", data={"body": " "}, follow_redirects=True
    )
    assert "Komentar tidak boleh kosong" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_unit_plan_lists_items_and_a_timeline_by_month(db, client, login_as, team):
    make_item(
        team["unit"],
        team["owner"],
        team["program"],
        title="Aksi Januari",
        due_date=date(2027, 1, 15),
    )
    make_item(team["unit"], team["owner"], team["program"], title="Aksi Maret",
              due_date=date(2027, 3, 2))  # fmt: skip
    db.session.commit()
    login_as(team["owner"])
    page = client.get(f"/actions/units/{team['unit'].id}").get_data(as_text=True)
    assert "Aksi Januari" in page and "Aksi Maret" in page
    assert "Januari 2027" in page and "Maret 2027" in page
    assert page.index("Januari 2027") < page.index("Maret 2027")


def test_unit_plan_filters_overdue_items(db, client, login_as, team):
    today = wib_today(utcnow())
    make_item(
        team["unit"],
        team["owner"],
        team["program"],
        title="Terlambat",
        due_date=today - timedelta(days=1),
        now=utcnow() - timedelta(days=10),
    )
    make_item(team["unit"], team["owner"], team["program"], title="Masih lama",
              due_date=today + timedelta(days=9))  # fmt: skip
    db.session.commit()
    login_as(team["head"])
    page = client.get(f"/actions/units/{team['unit'].id}?status=overdue").get_data(as_text=True)
    assert "Terlambat" in page and "Masih lama" not in page


def test_my_items_include_co_owned_ones(db, client, login_as, team):
    helper = make_user(unit=team["unit"])
    make_item(team["unit"], team["owner"], team["program"], title="Bersama",
              co_owners=[helper])  # fmt: skip
    make_item(team["unit"], team["owner"], team["program"], title="Milik Rina saja")
    db.session.commit()
    login_as(helper)
    page = client.get("/actions/mine").get_data(as_text=True)
    assert "Bersama" in page and "Milik Rina saja" not in page


def test_index_sends_a_member_straight_to_their_units_plan(db, client, login_as, team):
    login_as(team["owner"])
    response = client.get("/actions/")
    assert response.headers["Location"].endswith(f"/actions/units/{team['unit'].id}")


def test_dashboard_shows_my_items_and_the_heads_counts(db, client, login_as, team):
    today = wib_today(utcnow())
    make_item(team["unit"], team["owner"], team["program"], title="Segera",
              due_date=today + timedelta(days=2))  # fmt: skip
    make_item(team["unit"], team["owner"], team["program"], status="done")
    db.session.commit()
    login_as(team["owner"])
    page = client.get("/").get_data(as_text=True)
    assert "Rencana aksi saya" in page and "Segera" in page
    login_as(team["head"])
    page = client.get("/").get_data(as_text=True)
    assert "butir rencana aksi" in page and "menunggu tinjauan" in page


def test_overview_rolls_sub_units_up_for_hr(db, client, login_as, team):
    make_item(team["unit"], team["owner"], team["program"])
    db.session.commit()
    login_as("hr")
    page = client.get("/actions/overview").get_data(as_text=True)
    assert "Dinas Komunikasi dan Informatika" in page and "Bidang Aplikasi Informatika" in page
    rows = {r.unit_id: r for r in queries.rollups(wib_today(utcnow()))}
    assert rows[team["opd"].id].total == 1 and rows[team["unit"].id].total == 1


def test_overview_filters_by_opd(db, client, login_as, team):
    make_unit("Dinas Kesehatan")
    db.session.commit()
    login_as("hr")
    page = client.get(f"/actions/overview?opd={team['opd'].id}").get_data(as_text=True)
    assert "Bidang Aplikasi Informatika" in page
    assert '<a href="/actions/units/' in page and ">Dinas Kesehatan</a>" not in page


def test_overview_sorts_by_overdue(db, client, login_as, team):
    late_unit = make_unit("Dinas Terlambat")
    person = make_user(unit=late_unit)
    make_item(late_unit, person, team["program"], due_date=date(2020, 1, 1),
              now=utcnow() - timedelta(days=3000))  # fmt: skip
    db.session.commit()
    login_as("hr")
    page = client.get("/actions/overview?sort=overdue&dir=desc").get_data(as_text=True)
    first_row = page.split("<tbody>")[1]
    assert first_row.index("Dinas Terlambat") < first_row.index("Bidang Aplikasi Informatika")


def test_csv_export_neutralises_formulas_and_streams(db, client, login_as, team):
    make_unit('=HYPERLINK("http://jahat.example","klik")')
    db.session.commit()
    login_as("hr")
    response = client.get("/actions/overview.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Unit kerja" and rows[0][8] == "Melewati tenggat"
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("http://jahat.example","klik")' in names
    assert not any(n.startswith("=") for n in names)


def test_xlsx_export_has_a_bold_frozen_header_and_no_formulas(db, client, login_as, team):
    make_unit("=1+1")
    make_item(team["unit"], team["owner"], team["program"])
    db.session.commit()
    login_as("admin")
    response = client.get("/actions/overview.xlsx")
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "Unit kerja" and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 40
    cells = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    # Stored as a text cell, shown as typed: no formula, and no quote a person would see.
    assert cells["=1+1"].data_type == "s"
    assert not any(str(v).startswith("'") for v in cells)


def test_overview_and_report_exports_share_one_set_of_columns(db, client, login_as, team):
    """One export of the roll-up: the overview's file and the reports' file have the same
    headers and the same row for a unit (they once drifted apart)."""
    make_item(team["unit"], team["owner"], team["program"])
    db.session.commit()
    login_as("hr")
    overview = list(csv.reader(io.StringIO(
        client.get("/actions/overview.csv").get_data(as_text=True).lstrip("\ufeff")
    )))  # fmt: skip
    report = list(csv.reader(io.StringIO(
        client.get("/reports/export/actions.csv").get_data(as_text=True).lstrip("\ufeff")
    )))  # fmt: skip
    assert overview[0] == report[0]
    assert overview[0][4] == "Menunggu tinjauan" and overview[0][-1] == "Pembaruan terakhir (WIB)"
    opd = team["opd"].name
    assert [r for r in overview if r[0] == opd] == [r for r in report if r[0] == opd]
    assert next(r for r in overview if r[0] == opd)[1] == "1"


@pytest.mark.parametrize("arg", ["opd", "program"])
def test_an_absurd_filter_number_is_no_filter_not_an_error(db, client, login_as, team, arg):
    login_as("hr")
    big = "99999999999999999999"
    assert client.get(f"/actions/overview?{arg}={big}").status_code == 200
    assert client.get(f"/actions/overview.csv?{arg}={big}").status_code == 200
    assert client.get(f"/actions/units/{team['unit'].id}?program={big}").status_code == 200


def test_hr_adds_a_programme_with_a_period(db, client, login_as):
    login_as("hr")
    response = client.post(
        "/actions/programs/new",
        data={"name": "Aksi Perubahan 2026", "starts_on": "2026-01-01",
              "ends_on": "2026-12-31", "active": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    program = db.session.scalar(select(Program))
    assert (program.name, program.starts_on, program.active) == (
        "Aksi Perubahan 2026",
        date(2026, 1, 1),
        True,
    )


def test_programme_name_must_be_unique(db, client, login_as, team):
    login_as("admin")
    response = client.post("/actions/programs/new", data={"name": "Jatim Retret 2025"})
    assert "Nama program ini sudah dipakai." in response.get_data(as_text=True)


def test_programme_keeps_its_own_name_but_cannot_take_anothers(db, client, login_as, team):
    other = make_program("Aksi Perubahan 2026")
    db.session.commit()
    login_as("admin")
    url = f"/actions/programs/{other.id}"
    refused = client.post(url, data={"name": " Jatim Retret 2025 ", "active": "y"})
    assert "Nama program ini sudah dipakai." in refused.get_data(as_text=True)
    kept = client.post(url, data={"name": " Aksi Perubahan 2026 ", "description": "Baru"})
    assert kept.status_code == 302
    db.session.refresh(other)
    assert (other.name, other.description, other.active) == ("Aksi Perubahan 2026", "Baru", False)


def test_creating_an_item_without_an_active_programme_explains_why(db, client, login_as, team):
    team["program"].active = False
    db.session.commit()
    login_as(team["head"])
    response = client.get(f"/actions/units/{team['unit'].id}/new", follow_redirects=True)
    assert "Belum ada program yang aktif" in response.get_data(as_text=True)


def test_history_records_every_update(db, client, login_as, team):
    item = make_item(team["unit"], team["owner"], team["program"])
    db.session.commit()
    login_as(team["owner"])
    for pct in ("20", "45"):
        form = {"progress": pct, "status": "in_progress", "note": f"Capaian {pct}"}
        client.post(f"/actions/items/{item.id}/update", data=form)
    kinds = db.session.scalars(
        select(ItemEvent.kind).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id)
    ).all()
    assert kinds.count("update") == 2
    page = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert "Progres: 20% → 45%" in page and "Capaian 20" in page and "Capaian 45" in page


def test_supporting_courses_are_picked_from_the_course_list(db, client, login_as, team, offered):
    """Checkboxes named by title (no JavaScript needed), not a text box for typed codes."""
    login_as(team["head"])
    page = client.get(f"/actions/units/{team['unit'].id}/new").get_data(as_text=True)
    assert '<input id="course_slugs-0" name="course_slugs" type="checkbox"' in page
    assert 'value="ai-untuk-pelayanan-publik"> <label for="course_slugs-0">AI untuk' in page
    assert "literasi-ai-dasar" not in page and "pisahkan dengan koma" not in page
    form = _item_form(team, course_slugs=["etika-ai", "ai-untuk-pelayanan-publik"])
    client.post(f"/actions/units/{team['unit'].id}/new", data=form)
    item = db.session.scalar(select(ActionItem))
    assert [c.course_slug for c in item.courses] == offered
    shown = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert '<a href="/courses/etika-ai">Etika AI</a>' in shown


def test_a_course_not_on_the_list_is_refused(db, client, login_as, team, offered):
    login_as(team["head"])
    form = _item_form(team, course_slugs="literasi-ai-dasar")
    response = client.post(f"/actions/units/{team['unit'].id}/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="course_slugs-err">&#39;literasi-ai-dasar&#39; bukan pilihan yang valid.' in page
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0


def test_editing_keeps_a_linked_course_that_left_the_list(db, client, login_as, team, offered):
    """A slug imported before its course existed stays checked (and marked) until unticked."""
    item = make_item(team["unit"], team["owner"], team["program"],
                     course_slugs=["etika-ai", "kursus-lama"])  # fmt: skip
    db.session.commit()
    login_as(team["head"])
    page = client.get(f"/actions/items/{item.id}/edit").get_data(as_text=True)
    assert 'value="kursus-lama">' in page and "kursus-lama (kursus tidak tersedia lagi)" in page
    assert 'checked id="course_slugs-' in page or "checked" in page.split("kursus-lama")[0][-80:]
    shown = client.get(f"/actions/items/{item.id}").get_data(as_text=True)
    assert "kursus-lama" in shown and '<a href="/courses/kursus-lama"' not in shown
    form = _item_form(team, title=item.title, due_date=item.due_date.isoformat(),
                      course_slugs=["etika-ai"])  # fmt: skip
    client.post(f"/actions/items/{item.id}/edit", data=form)
    db.session.refresh(item)
    assert [c.course_slug for c in item.courses] == ["etika-ai"]
