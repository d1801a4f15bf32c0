"""Invitations: by person, unit (with or without sub-units) or everyone; each sent once."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import event, func, select

from lms.activation import services
from lms.activation.models import AccountToken
from lms.audit.models import AuditEvent
from lms.audit.services import record
from lms.i18n import utcnow
from lms.reminders import outbox
from lms.reminders.models import NotificationSetting, OutboxMessage
from tests.factories import make_unit, make_user


def newcomer(unit, **fields):
    """An imported person: no password, not activated."""
    person = make_user(unit=unit, **fields)
    person.password_hash = None
    return person


def province(db):
    """An OPD with a bidang below it, newcomers in both, and people who need no invitation."""
    opd = make_unit("Dinas Kominfo")
    bidang = make_unit("Bidang Aplikasi Informatika", parent=opd)
    other = make_unit("Dinas Kesehatan")
    people = {
        "in_opd": newcomer(opd, email="opd@jatimprov.go.id"),
        "in_bidang": newcomer(bidang, email="bidang@jatimprov.go.id"),
        "in_other": newcomer(other, email="dinkes@jatimprov.go.id"),
        "no_email": newcomer(bidang, email=None, full_name="Sutrisno Tanpa Email"),
        "active_already": make_user(unit=bidang, email="lama@jatimprov.go.id"),
        "gone": newcomer(bidang, email="pensiun@jatimprov.go.id", active=False),
    }
    people["active_already"].activated_at = utcnow()
    db.session.commit()
    return {"opd": opd, "bidang": bidang, "other": other, **people}


def invited(db) -> set[int]:
    return set(db.session.scalars(select(AccountToken.user_id)))


def test_invite_a_unit_with_its_sub_units(app, db):
    w = province(db)
    scope = services.scope_query("unit", unit=w["opd"], include_subunits=True)
    assert services.count_invitable(scope, utcnow()) == 2
    assert services.invite(scope, utcnow(), None, f"unit:{w['opd'].id}") == 2
    assert invited(db) == {w["in_opd"].id, w["in_bidang"].id}


def test_invite_a_unit_without_its_sub_units(app, db):
    w = province(db)
    scope = services.scope_query("unit", unit=w["opd"], include_subunits=False)
    assert services.invite(scope, utcnow(), None, f"unit:{w['opd'].id}") == 1
    assert invited(db) == {w["in_opd"].id}


def test_invite_everyone_skips_the_activated_the_inactive_and_those_without_email(app, db):
    w = province(db)
    assert services.invite(services.scope_query("all"), utcnow(), None, "all") == 3
    assert invited(db) == {w["in_opd"].id, w["in_bidang"].id, w["in_other"].id}


def test_inviting_twice_sends_each_invitation_once(mail_app, smtp, db):
    province(db)
    now = utcnow()
    assert services.invite(services.scope_query("all"), now, None, "all") == 3
    assert services.invite(services.scope_query("all"), now + timedelta(hours=1), None, "all") == 0
    db.session.commit()
    assert outbox.deliver(now + timedelta(hours=1))["sent"] == 3
    assert outbox.deliver(now + timedelta(hours=2))["sent"] == 0
    assert sorted(m["To"] for m in smtp.inbox.messages) == [
        "bidang@jatimprov.go.id",
        "dinkes@jatimprov.go.id",
        "opd@jatimprov.go.id",
    ]
    first = smtp.inbox.messages[0]
    assert first["Subject"] == "[Sinau] Aktifkan akun Sinau Anda"
    assert "berlaku 72 jam" in first.get_body(("plain",)).get_content()


def test_an_expired_invitation_is_replaced_by_the_next_run(app, db):
    w = province(db)
    now = utcnow()
    services.invite(services.scope_query("person", user_id=w["in_opd"].id), now, None, "t")
    later = now + timedelta(hours=72)
    assert services.invite(services.scope_query("all"), later, None, "all") == 3
    tokens = db.session.scalars(
        select(AccountToken).where(AccountToken.user_id == w["in_opd"].id).order_by(AccountToken.id)
    ).all()
    assert [t.revoked_at for t in tokens] == [later, None]


def test_the_outbox_sends_at_most_mail_batch_per_run(mail_app, smtp, db):
    province(db)
    mail_app.config["MAIL_BATCH"] = 2
    now = utcnow()
    services.invite(services.scope_query("all"), now, None, "all")
    db.session.commit()
    assert outbox.deliver(now)["sent"] == 2
    assert outbox.deliver(now)["sent"] == 1


def test_account_emails_cannot_be_muted(app, db):
    w = province(db)
    db.session.add(NotificationSetting(user_id=w["in_opd"].id, category="account", email=False))
    services.invite(services.scope_query("person", user_id=w["in_opd"].id), utcnow(), None, "t")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_invite_form_shows_the_count_then_sends_and_audits(app, client, login_as, db):
    w = province(db)
    hr = login_as("hr")
    form = {"scope": "unit", "unit_id": w["opd"].id, "include_subunits": "y"}
    confirm = client.post("/admin/activation/invite", data=form)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "2 pegawai akan menerima email undangan aktivasi" in html
    assert invited(db) == set()  # nothing sent before the officer confirms
    done = client.post("/admin/activation/invite", data={**form, "confirmed": "1"})
    assert done.status_code == 302
    assert invited(db) == {w["in_opd"].id, w["in_bidang"].id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.invite"))
    assert event.actor_id == hr.id
    assert event.target == f"unit:{w['opd'].id}"
    assert event.details == {"invited": 2}
    # Once more: the count says nobody is left to invite.
    again = client.post("/admin/activation/invite", data=form).get_data(as_text=True)
    assert "Tidak ada yang perlu diundang" in again


def test_everyone_needs_a_confirmation_too(app, client, login_as, db):
    province(db)
    officer = login_as("admin")
    officer.activated_at = utcnow()
    db.session.commit()
    page = client.post("/admin/activation/invite", data={"scope": "all"})
    assert "3 pegawai akan menerima email" in page.get_data(as_text=True)
    assert invited(db) == set()


def test_send_again_to_one_person(app, client, login_as, db):
    w = province(db)
    login_as("hr")
    for _ in range(2):
        response = client.post(f"/admin/activation/users/{w['in_bidang'].id}/send")
        assert response.status_code == 302
    tokens = db.session.scalars(select(AccountToken).order_by(AccountToken.id)).all()
    assert len(tokens) == 2 and tokens[0].revoked_at is not None and tokens[1].revoked_at is None
    refused = client.post(f"/admin/activation/users/{w['no_email'].id}/send")
    assert refused.status_code == 302
    assert len(invited(db)) == 1


def test_unit_overview_rolls_up_sub_units(app, client, login_as, db):
    w = province(db)
    services.invite(services.scope_query("person", user_id=w["in_bidang"].id), utcnow(), None, "t")
    db.session.commit()
    login_as("hr")  # in a unit of its own: one more OPD, one more activated person
    html = client.get("/admin/activation/").get_data(as_text=True)
    row = html.split("Dinas Kominfo</a>")[1].split("</tr>")[0]
    cells = [c.split("<")[0].strip() for c in row.split('<td class="num">')[1:]]
    # people, activated (%), waiting, invited, not invited, without email
    assert cells == ["4", "1 (25%)", "3", "1", "1", "1"]
    sub = client.get(f"/admin/activation/units/{w['opd'].id}").get_data(as_text=True)
    assert "Bidang Aplikasi Informatika" in sub and "Langsung di unit ini" in sub


def test_people_without_email_are_listed_for_a_temporary_password(app, client, login_as, db):
    w = province(db)
    login_as("hr")
    page = client.get("/admin/activation/people/?status=no_email")
    html = page.get_data(as_text=True)
    assert "Sutrisno Tanpa Email" in html
    assert f"/admin/users/{w['no_email'].id}" in html
    assert f'/admin/users/{w["in_opd"].id}"' not in html  # only those without email
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "activation.people.view")
    )
    assert event.target == "province" and event.details["status"] == "no_email"


def test_a_page_past_the_end_is_not_found(app, client, login_as, db):
    province(db)
    login_as("hr")
    assert client.get("/admin/activation/people/?page=2").status_code == 404
    assert client.get("/admin/activation/people/?page=99999999999999999999").status_code == 404
    assert client.get("/admin/activation/?page=0").status_code == 404


def test_exports_list_the_people_not_yet_activated(app, client, login_as, db):
    w = province(db)
    w["in_bidang"].full_name = '=HYPERLINK("http://x")'
    db.session.commit()
    login_as("hr")
    csv = client.get(f"/admin/activation/units/{w['opd'].id}/export.csv")
    assert csv.status_code == 200 and csv.headers["Cache-Control"] == "no-store"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("NIP,Nama,Jabatan,Jenis jabatan,Golongan,Unit kerja,Email,Status")
    assert len(lines) == 1 + 3  # opd, bidang, no_email; not the activated or inactive
    assert any("'=HYPERLINK" in line for line in lines)
    assert any("Sutrisno Tanpa Email" in line and "Tanpa email" in line for line in lines)

    xlsx = client.get(f"/admin/activation/units/{w['opd'].id}/export.xlsx?status=no_email")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("NIP", "Nama")
    assert [r[1] for r in rows[1:]] == ["Sutrisno Tanpa Email"]
    assert rows[1][7] == "Tanpa email"
    actions = list(db.session.scalars(select(AuditEvent.details).where(
        AuditEvent.action == "activation.export")))  # fmt: skip
    assert [a["format"] for a in actions] == ["csv", "xlsx"]


def test_no_invitations_when_everyone_signs_in_with_sso(app, client, login_as, db):
    province(db)
    app.config["PASSWORD_LOGIN"] = "none"
    login_as("hr")
    assert "undangan aktivasi tidak diperlukan" in client.get("/admin/activation/").get_data(
        as_text=True
    )
    client.post("/admin/activation/invite", data={"scope": "all", "confirmed": "1"})
    assert invited(db) == set()


def statements_of(db, fn) -> int:
    """How many SQL statements ``fn()`` runs."""
    seen = []

    def count(*args):
        seen.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_inviting_and_the_pages_take_as_many_statements_for_many_people_as_for_few(
    app, client, login_as, db
):
    w = province(db)
    login_as("hr")
    pages = ("/admin/activation/", "/admin/activation/people/", "/admin/activation/people/?page=1")

    def measure():
        scope = services.scope_query("unit", unit=w["opd"])
        invite = statements_of(db, lambda: services.invite(scope, utcnow(), None, "t"))
        db.session.rollback()
        views = [statements_of(db, lambda p=p: client.get(p)) for p in pages]
        return invite, views

    # The audit chain's head row exists in a live database (the migration makes it); an emptied
    # test database gets it with the first event, which would cost three statements more once.
    record(None, "test.warmup")
    db.session.commit()
    few = measure()
    for n in range(60):
        newcomer(make_unit(f"Seksi {n}", parent=w["bidang"]), email=f"s{n}@jatimprov.go.id")
    db.session.commit()
    many = measure()
    assert many == few
    assert few[0] <= 10  # six for the invitations, four to chain their audit event


def test_the_menu_leads_hr_and_admin_to_activation(app, client, login_as, db):
    login_as("hr")
    assert 'href="/admin/activation/">Aktivasi akun</a>' in client.get("/").get_data(as_text=True)
    login_as("learner")  # the same browser, now another person
    assert "/admin/activation/" not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/activation/").status_code == 403
