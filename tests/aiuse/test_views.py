"""The register's pages for each person around an entry: member, head, delegate, another
unit's head, HR, Diskominfo and the public; the public page carries no personal data."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.aiuse import services
from lms.aiuse.models import AiUse
from lms.audit.models import AuditEvent
from lms.i18n import utcnow
from tests.factories import (
    AI_USE_ANSWERS,
    make_ai_use,
    make_item,
    make_unit,
    make_user,
    page_statements,
)


@pytest.fixture
def world(db):
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi Informatika", parent=opd)
    head = make_user(
        unit=bidang, roles={"learner", "unit_head"}, full_name="Bambang Sutrisno",
        email="bambang@jatimprov.go.id", position="Kabid Aptika, Pembina Tk. I",
    )  # fmt: skip
    bidang.head = head
    other = make_unit("Dinas Kesehatan")
    other_head = make_user(unit=other, roles={"learner", "unit_head"})
    other.head = other_head
    people = {
        "member": make_user(unit=bidang),
        "delegate": make_user(unit=bidang),
        "head": head,
        "opd_head": make_user(unit=opd, roles={"learner", "unit_head"}),
        "other_head": other_head,
        "hr": make_user(unit=other, roles={"learner", "hr"}),
        "diskominfo": make_user(unit=opd, roles={"learner", "diskominfo"}),
        "admin": make_user(unit=other, roles={"admin"}),
    }
    opd.head = people["opd_head"]
    entry = make_ai_use(bidang, head, dpia=True, name="Pemilah aduan")
    services.add_delegate(bidang, people["delegate"], head, utcnow())
    db.session.commit()
    return {"unit": bidang, "entry": entry, "people": people}


READERS = {"member", "delegate", "head", "opd_head", "hr", "diskominfo", "admin"}
KEEPERS = {"delegate", "head", "opd_head"}
SIGNERS = {"head", "opd_head"}
PROVINCE = {"hr", "diskominfo", "admin"}


def pages(world) -> dict[str, tuple[str, str, set[str]]]:
    e, u = world["entry"].id, world["unit"].id
    return {
        "unit": ("GET", f"/ai/units/{u}", READERS),
        "entry": ("GET", f"/ai/entries/{e}", READERS),
        "new": ("GET", f"/ai/units/{u}/new", KEEPERS),
        "edit": ("GET", f"/ai/entries/{e}/edit", KEEPERS),
        "dpia": ("GET", f"/ai/entries/{e}/dpia", KEEPERS),
        "links": ("GET", f"/ai/entries/{e}/links", KEEPERS),
        "publish": ("POST", f"/ai/entries/{e}/publish", KEEPERS),
        "sign": ("POST", f"/ai/entries/{e}/dpia/sign", SIGNERS),
        "delegates": ("GET", f"/ai/units/{u}/delegates", SIGNERS),
        "overview": ("GET", "/ai/overview", PROVINCE),
        "export": ("GET", "/ai/overview.csv", PROVINCE),
    }


@pytest.mark.parametrize("person", sorted(READERS | {"other_head"}))
def test_who_may_open_what(app, client, login_as, db, world, person):
    app.config["WTF_CSRF_ENABLED"] = False
    login_as(world["people"][person])
    for name, (method, url, allowed) in pages(world).items():
        response = client.open(url, method=method, data={"publish": "1"})
        if person in allowed:
            assert response.status_code in (200, 302), (name, response.status_code)
        else:
            assert response.status_code == 403, (name, response.status_code)


def test_the_public_page_needs_no_login_and_shows_no_personal_data(client, db, world):
    entry, head = world["entry"], world["people"]["head"]
    entry.published_at = entry.created_at
    db.session.commit()
    page = client.get("/registri-ai").get_data(as_text=True)
    assert "Pemilah aduan" in page and "Bidang Aplikasi Informatika" in page
    for personal in (head.full_name, head.nip, head.email, head.position):
        assert personal not in page
    # The page is built from entries and units only: it never reads who is responsible.
    assert "Kepala Bidang Aplikasi Informatika" in page  # the office, named by its unit


def test_an_unpublished_entry_is_not_public(client, db, world):
    assert "Pemilah aduan" not in client.get("/registri-ai").get_data(as_text=True)


def test_member_reads_but_cannot_change(client, login_as, world):
    login_as(world["people"]["member"])
    page = client.get(f"/ai/entries/{world['entry'].id}").get_data(as_text=True)
    assert "Pemilah aduan" in page and "Ubah DPIA" not in page and "Publikasikan" not in page


def test_the_form_refuses_berjalan_without_a_dpia_and_says_why(client, login_as, db, world):
    login_as(world["people"]["delegate"])
    unit = world["unit"]
    form = AI_USE_ANSWERS | {
        "name": "Penilai kelayakan bansos",
        "status": "berjalan",
        "decisions": "memutuskan",
        "responsible_id": str(world["people"]["head"].id),
        "next_review_on": "",
    }
    response = client.post(f"/ai/units/{unit.id}/new", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Status belum dapat diubah menjadi berjalan" in page and "UU 27/2022 Pasal 34" in page
    assert db.session.scalar(select(AiUse).where(AiUse.name == "Penilai kelayakan bansos")) is None
    form["status"] = "uji_coba"
    assert client.post(f"/ai/units/{unit.id}/new", data=form).status_code == 302
    saved = db.session.scalar(select(AiUse).where(AiUse.name == "Penilai kelayakan bansos"))
    assert saved.risk == "tinggi" and saved.created_by_id == world["people"]["delegate"].id


def test_a_delegate_cannot_sign_off(client, login_as, world):
    login_as(world["people"]["delegate"])
    response = client.post(f"/ai/entries/{world['entry'].id}/dpia/sign")
    assert response.status_code == 403


def test_reading_an_entry_is_audited(client, login_as, db, world):
    reader = login_as(world["people"]["diskominfo"])
    client.get(f"/ai/entries/{world['entry'].id}")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "aiuse.view"))
    assert event.actor_id == reader.id and event.target == f"aiuse:{world['entry'].id}"


def test_the_overview_filters_and_exports(client, login_as, db, world):
    unit, head = world["unit"], world["people"]["head"]
    make_ai_use(unit, head, name="Peringkas notulen", data_category="tidak_ada")
    make_ai_use(unit, head, name="Tanpa DPIA")
    db.session.commit()
    login_as(world["people"]["diskominfo"])
    page = client.get("/ai/overview?risk=tinggi&dpia=missing").get_data(as_text=True)
    assert "Tanpa DPIA" in page and "Pemilah aduan" not in page and "Peringkas notulen" not in page
    csv = client.get("/ai/overview.csv?risk=rendah").get_data(as_text=True)
    assert "Peringkas notulen" in csv and "Tanpa DPIA" not in csv
    xlsx = client.get("/ai/overview.xlsx")
    assert xlsx.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Pemilah aduan", "Peringkas notulen", "Tanpa DPIA"]


def test_the_menu_entry_leads_each_person_to_their_register(client, login_as, world):
    login_as(world["people"]["member"])
    response = client.get("/ai/")
    assert response.headers["Location"].endswith(f"/ai/units/{world['unit'].id}")
    assert "Registri AI" in client.get("/").get_data(as_text=True)


def test_the_province_readers_land_on_the_overview(client, login_as, world):
    login_as(world["people"]["diskominfo"])
    assert client.get("/ai/").headers["Location"].endswith("/ai/overview")


def test_the_entry_page_queries_do_not_grow_with_links(app, client, login_as, db, world):
    entry, head = world["entry"], world["people"]["head"]
    login_as(head)
    url = f"/ai/entries/{entry.id}"
    services.set_links(entry, head, utcnow(), [make_item(entry.unit, head).id], ["a"])
    db.session.commit()
    few = page_statements(client, url)
    items = [make_item(entry.unit, head).id for _ in range(5)]
    services.set_links(entry, head, utcnow(), items, ["a", "b", "c", "d"])
    db.session.commit()
    assert page_statements(client, url) == few


def test_the_register_pages_queries_do_not_grow_with_entries(app, client, login_as, db, world):
    unit, head = world["unit"], world["people"]["head"]
    seksi = make_unit("Seksi Layanan", parent=unit)
    db.session.commit()
    login_as(world["people"]["admin"])
    urls = [f"/ai/units/{unit.id}", "/ai/overview", "/registri-ai"]
    few = [page_statements(client, url) for url in urls]
    for n in range(6):
        entry = make_ai_use(seksi if n % 2 else unit, head, dpia=n % 3 == 0, name=f"AI {n}")
        services.set_published(entry, head, utcnow(), True)
    db.session.commit()
    assert [page_statements(client, url) for url in urls] == few


def test_the_overview_pages_and_refuses_absurd_pages(app, client, login_as, db, world):
    unit, head = world["unit"], world["people"]["head"]
    for n in range(3):
        make_ai_use(unit, head, name=f"Tambahan {n}")
    db.session.commit()
    app.config["PAGE_SIZE"] = 2
    login_as(world["people"]["hr"])
    first = client.get("/ai/overview").get_data(as_text=True)
    second = client.get("/ai/overview?page=2").get_data(as_text=True)
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in second
    assert client.get("/ai/overview?page=3").status_code == 404
    assert client.get("/ai/overview?page=99999999999999999999").status_code == 404
    # The export is never cut to a page.
    assert client.get("/ai/overview.csv?page=2").get_data(as_text=True).count("\r\n") == 5


def test_every_page_links_the_public_register_in_its_footer(client):
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/registri-ai"' in login_page
