"""Rectification: a person asks, HR accepts (the account changes) or refuses with a reason, the
person is told in Sinau and by email; every step is audited; HR decides only for people it may
manage."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.audit.models import AuditEvent
from lms.corrections import services
from lms.corrections.models import CorrectionRequest
from lms.corrections.services import CorrectionError
from lms.i18n import utcnow
from lms.reminders import outbox
from lms.reminders.models import Notification
from tests.factories import make_unit, make_user


def _actions(db, target: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == target).order_by(AuditEvent.id)
        )
    )


def _only_request(db) -> CorrectionRequest:
    return db.session.scalars(select(CorrectionRequest)).one()


def test_person_asks_from_the_account_page(client, login_as, db):
    person = login_as("learner", position="Guru Ahli Muda")
    page = client.get("/account").get_data(as_text=True)
    assert "/account/corrections" in page
    response = client.post(
        "/account/corrections",
        data={"field": "position", "value": " Guru Ahli Madya ", "unit_id": "0", "note": "SK baru"},
    )
    assert response.status_code == 302
    request = _only_request(db)
    assert (request.field, request.value, request.old_value, request.note) == (
        "position",
        "Guru Ahli Madya",
        "Guru Ahli Muda",
        "SK baru",
    )
    assert request.decided_at is None
    assert db.session.get(User, person.id).position == "Guru Ahli Muda"  # nothing changes yet
    assert _actions(db, f"user:{person.id}")[-1] == "correction.request"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "correction.request"))
    assert "Guru Ahli Madya" not in str(event.one().details)  # the value stays out of the log
    listing = client.get("/account/corrections").get_data(as_text=True)
    assert "Guru Ahli Madya" in listing and "Menunggu keputusan" in listing


def test_request_is_checked_like_the_account_form(client, login_as, db):
    make_user(unit=make_unit(), email="dipakai@jatimprov.go.id")
    db.session.commit()
    login_as("learner")
    taken = client.post(
        "/account/corrections", data={"field": "email", "value": "DIPAKAI@jatimprov.go.id"}
    )
    assert "Email ini sudah dipakai akun lain." in taken.get_data(as_text=True)
    bad = client.post("/account/corrections", data={"field": "email", "value": "bukan-email"})
    assert "Alamat email tidak valid." in bad.get_data(as_text=True)
    no_unit = client.post("/account/corrections", data={"field": "unit", "unit_id": "0"})
    assert "Pilih unit kerja yang benar." in no_unit.get_data(as_text=True)
    empty = client.post("/account/corrections", data={"field": "full_name", "value": "  "})
    assert "Kolom ini wajib diisi." in empty.get_data(as_text=True)
    assert db.session.scalars(select(CorrectionRequest)).all() == []


def test_a_name_with_a_line_break_is_refused(app, db):
    person = make_user(unit=make_unit())
    with pytest.raises(CorrectionError):
        services.ask(person, "full_name", "Rina\r\nBcc: x@contoh.id", "", utcnow())


def test_one_waiting_request_per_field(app, db):
    person = make_user(unit=make_unit())
    services.ask(person, "position", "Analis Kebijakan", "", utcnow())
    with pytest.raises(CorrectionError):
        services.ask(person, "position", "Analis SDM Aparatur", "", utcnow())
    services.ask(person, "full_name", "Rina Wulandari", "", utcnow())  # another field is fine


def test_accepting_applies_the_change_and_tells_the_person_by_email(
    mail_app, smtp, client, login_as, db
):
    person = make_user(unit=make_unit(), full_name="Rina Wulandar", email="rina@jatimprov.go.id")
    services.ask(person, "full_name", "Rina Wulandari", "Huruf terakhir hilang", utcnow())
    db.session.commit()
    officer = login_as("hr")
    request = _only_request(db)
    queue = client.get("/admin/corrections").get_data(as_text=True)
    assert "Rina Wulandari" in queue and f"/admin/corrections/{request.id}" in queue
    page = client.get(f"/admin/corrections/{request.id}").get_data(as_text=True)
    assert "Huruf terakhir hilang" in page and "Rina Wulandar" in page
    response = client.post(f"/admin/corrections/{request.id}", data={"decision": "accept"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).full_name == "Rina Wulandari"
    request = _only_request(db)
    assert (request.outcome, request.decided_by_id) == ("accepted", officer.id)
    assert _actions(db, f"user:{person.id}") == ["correction.request", "correction.accept"]
    notice = db.session.scalars(select(Notification).where(Notification.user_id == person.id))
    assert "diterima" in notice.one().title
    assert outbox.deliver(utcnow())["sent"] == 1
    (mail,) = smtp.inbox.to("rina@jatimprov.go.id")
    assert "Perbaikan data Anda diterima" in mail["Subject"]
    assert "Rina Wulandari" in mail.get_body(("plain",)).get_content()
    assert "Rina Wulandari" not in client.get("/admin/corrections").get_data(as_text=True)


def test_accepting_a_unit_or_an_email_uses_the_user_form_rules(app, db):
    person = make_user(unit=make_unit(), email="lama@jatimprov.go.id")
    officer = make_user(unit=make_unit(), roles={"learner", "hr"})
    new_unit = make_unit("Dinas Perhubungan")
    services.ask(person, "unit", "", "", utcnow(), unit_id=new_unit.id)
    email = services.ask(person, "email", "Baru@Jatimprov.go.id", "", utcnow())
    assert email.value == "baru@jatimprov.go.id"
    for request in db.session.scalars(select(CorrectionRequest)).all():
        services.accept(request, officer, utcnow())
    assert (person.unit_id, person.email) == (new_unit.id, "baru@jatimprov.go.id")


def test_accepting_an_email_taken_in_the_meantime_is_refused_and_changes_nothing(
    client, login_as, db
):
    person = make_user(unit=make_unit(), email="lama@jatimprov.go.id")
    services.ask(person, "email", "rebutan@jatimprov.go.id", "", utcnow())
    make_user(unit=make_unit(), email="rebutan@jatimprov.go.id")
    db.session.commit()
    login_as("admin")
    request = _only_request(db)
    response = client.post(
        f"/admin/corrections/{request.id}", data={"decision": "accept"}, follow_redirects=True
    )
    assert "Email ini sudah dipakai akun lain." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).email == "lama@jatimprov.go.id"
    assert _only_request(db).decided_at is None
    assert db.session.scalars(select(Notification)).all() == []


def test_refusing_needs_a_reason_which_the_person_receives(mail_app, smtp, client, login_as, db):
    person = make_user(
        unit=make_unit(), position="Pengadministrasi Umum", email="a@jatimprov.go.id"
    )
    services.ask(person, "position", "Kepala Seksi", "", utcnow())
    db.session.commit()
    login_as("hr")
    request = _only_request(db)
    without = client.post(f"/admin/corrections/{request.id}", data={"decision": "refuse"})
    assert "Tuliskan alasan penolakan." in without.get_data(as_text=True)
    reason = "Belum ada SK pengangkatan dalam jabatan."
    response = client.post(
        f"/admin/corrections/{request.id}", data={"decision": "refuse", "reason": reason}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).position == "Pengadministrasi Umum"
    request = _only_request(db)
    assert (request.outcome, request.reason) == ("refused", reason)
    assert _actions(db, f"user:{person.id}") == ["correction.request", "correction.refuse"]
    outbox.deliver(utcnow())
    (mail,) = smtp.inbox.to("a@jatimprov.go.id")
    assert "ditolak" in mail["Subject"] and reason in mail.get_body(("plain",)).get_content()
    decided = client.get("/admin/corrections?status=decided").get_data(as_text=True)
    assert "Kepala Seksi" in decided


def test_a_decided_request_cannot_be_decided_again(app, db):
    person = make_user(unit=make_unit())
    officer = make_user(unit=make_unit(), roles={"learner", "hr"})
    request = services.ask(person, "position", "Analis", "", utcnow())
    services.refuse(request, officer, "Tidak sesuai SK.", utcnow())
    with pytest.raises(CorrectionError):
        services.accept(request, officer, utcnow())
    assert person.position != "Analis"


def test_hr_neither_sees_nor_decides_a_fellow_officers_request(client, login_as, db):
    fellow = make_user(unit=make_unit(), roles={"learner", "hr"}, position="Analis SDM")
    learner = make_user(unit=make_unit(), position="Guru")
    services.ask(fellow, "position", "Kepala Bidang Mutasi", "", utcnow())
    services.ask(learner, "position", "Guru Ahli Madya", "", utcnow())
    db.session.commit()
    fellows = db.session.scalar(
        select(CorrectionRequest.id).where(CorrectionRequest.user_id == fellow.id)
    )
    login_as("hr")
    queue = client.get("/admin/corrections").get_data(as_text=True)
    assert "Guru Ahli Madya" in queue and "Kepala Bidang Mutasi" not in queue
    assert client.get(f"/admin/corrections/{fellows}").status_code == 403
    assert (
        client.post(f"/admin/corrections/{fellows}", data={"decision": "accept"}).status_code == 403
    )
    db.session.expire_all()
    assert db.session.get(User, fellow.id).position == "Analis SDM"


def test_admin_decides_an_officers_request(client, login_as, db):
    fellow = make_user(unit=make_unit(), roles={"learner", "hr"})
    services.ask(fellow, "position", "Kepala Bidang Mutasi", "", utcnow())
    db.session.commit()
    login_as("admin")
    assert "Kepala Bidang Mutasi" in client.get("/admin/corrections").get_data(as_text=True)
    request = _only_request(db)
    client.post(f"/admin/corrections/{request.id}", data={"decision": "accept"})
    db.session.expire_all()
    assert db.session.get(User, fellow.id).position == "Kepala Bidang Mutasi"


def test_learners_and_unit_heads_have_no_queue(client, login_as, db):
    person = make_user(unit=make_unit())
    request = services.ask(person, "position", "Analis", "", utcnow())
    db.session.commit()
    login_as("unit_head")
    assert client.get("/admin/corrections").status_code == 403
    assert client.get(f"/admin/corrections/{request.id}").status_code == 403
    assert (
        client.post(f"/admin/corrections/{request.id}", data={"decision": "accept"}).status_code
        == 403
    )


def test_a_person_sees_only_their_own_requests(client, login_as, db):
    other = make_user(unit=make_unit())
    services.ask(other, "position", "Jabatan Orang Lain", "", utcnow())
    db.session.commit()
    login_as("learner")
    assert "Jabatan Orang Lain" not in client.get("/account/corrections").get_data(as_text=True)
