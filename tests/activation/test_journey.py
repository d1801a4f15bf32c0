"""Done when: a new HR officer imports the staff file, invites a unit, and a person in it
activates their account from the email and signs in, with no hand-off from HR."""

from __future__ import annotations

import io

from sqlalchemy import select

from lms.accounts.models import User
from lms.i18n import utcnow
from lms.org.models import Unit
from lms.reminders import outbox
from tests.activation.conftest import link_in
from tests.people.files import csv_bytes, nip, person

PASSWORD = "Gethuk-Lindri-Pagi-Hari-58"


def test_import_invite_activate_and_sign_in(mail_app, smtp, client, login_as, db):
    hr = login_as("hr")
    hr.activated_at = utcnow()
    db.session.commit()
    staff = csv_bytes(
        [
            person(1, Nama="Rina Wulandari", Email="rina.w@jatimprov.go.id"),
            person(2, Nama="Agus Salim", Email="agus.s@jatimprov.go.id"),
            person(3, Nama="Tanpa Email", Email=""),
            person(4, Nama="Dinas Lain", Email="lain@jatimprov.go.id",
                   **{"Unit Kerja": "Dinas Kesehatan"}),
        ]
    )  # fmt: skip
    upload = client.post(
        "/admin/people/import",
        data={"file": (io.BytesIO(staff), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    token = upload.headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/admin/people/import/{token}/confirm").status_code == 302
    imported = db.session.scalar(select(User).where(User.nip == nip(1)))
    assert imported.password_hash is None and imported.activated_at is None

    # Nobody can sign in yet: HR opens "Aktivasi akun" and invites Dinas Kominfo.
    kominfo = db.session.scalar(select(Unit).where(Unit.name == "Dinas Kominfo"))
    overview = client.get("/admin/activation/").get_data(as_text=True)
    assert "Dinas Kominfo" in overview
    form = {"scope": "unit", "unit_id": kominfo.id, "include_subunits": "y"}
    count = client.post("/admin/activation/invite", data=form).get_data(as_text=True)
    assert "2 pegawai akan menerima email undangan aktivasi" in count
    sent = client.post("/admin/activation/invite", data={**form, "confirmed": "1"})
    assert sent.status_code == 302

    # The scheduler's outbox run sends the emails to the real SMTP server.
    assert outbox.deliver(utcnow())["sent"] == 2
    assert smtp.inbox.to("lain@jatimprov.go.id") == []
    (mail,) = smtp.inbox.to("rina.w@jatimprov.go.id")
    assert mail["Subject"] == "[Sinau] Aktifkan akun Sinau Anda"
    assert "Yth. Rina Wulandari" in mail.get_body(("plain",)).get_content()
    _kind, path = link_in(mail)

    # Rina, on her own computer.
    rina = mail_app.test_client()
    page = rina.get(path)
    assert "Halo, Rina Wulandari." in page.get_data(as_text=True)
    done = rina.post(path, data={"new": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302
    # The first page she sees is the privacy notice (tests/notice); she reads it and goes on.
    notice = rina.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Akun Anda sudah aktif" in notice and "Pemberitahuan privasi" in notice
    rina.post("/privacy/acknowledge", data={"next": "/"})
    dashboard = rina.get("/").get_data(as_text=True)
    assert "Halo, Rina Wulandari" in dashboard

    # Later, she signs in with her NIP and the password she chose.
    rina.post("/logout")
    login = rina.post("/login", data={"identifier": nip(1), "password": PASSWORD})
    assert login.status_code == 302
    assert "Halo, Rina Wulandari" in rina.get("/").get_data(as_text=True)
