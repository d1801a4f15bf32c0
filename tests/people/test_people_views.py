"""The import pages: upload, preview with every problem, confirm all or nothing."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.audit.models import AuditEvent
from lms.i18n import utcnow
from lms.people.views import parking
from tests.factories import login_id, make_unit, make_user
from tests.people.files import csv_bytes, nip, person

URL = "/admin/people/import"


def _upload(client, data: bytes, name: str = "pegawai.csv", full: bool = False):
    form = {"file": (io.BytesIO(data), name)}
    if full:
        form["full"] = "y"
    return client.post(URL, data=form, content_type="multipart/form-data")


def _token(response) -> str:
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].rsplit("/", 1)[1]


def _people(db) -> int:
    """Imported people (the logged-in HR account has another NIP)."""
    return db.session.scalar(select(func.count(User.id)).where(User.email.like("impor%")))


def test_preview_lists_every_problem_with_row_and_column(client, login_as, db):
    login_as("hr")
    data = csv_bytes([person(1), person(2, NIP="1.99002E+17"), person(3, Email="bukan-email")])
    preview = client.get(f"{URL}/{_token(_upload(client, data))}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert re.search(r'<td class="num">3</td><td>NIP</td><td>NIP tersimpan sebagai angka', html)
    assert re.search(r'<td class="num">4</td><td>Email</td><td>Alamat email', html)
    assert "Simpan ke Sinau" not in html  # no confirmation while there are problems


def test_preview_writes_nothing_and_keeps_the_file_under_a_random_token(app, client, login_as, db):
    login_as("hr")
    response = _upload(client, csv_bytes([person(1)]))
    token = _token(response)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    assert nip(1) not in response.headers["Location"]
    assert (Path(app.instance_path) / "imports" / token).exists()
    assert _people(db) == 0
    html = client.get(f"{URL}/{token}").get_data(as_text=True)
    assert "Simpan ke Sinau" in html and "Dinas Kominfo &gt; Bidang Aplikasi Informatika" in html


def test_confirm_saves_everything_records_an_audit_event_and_deletes_the_file(
    app, client, login_as, db
):
    hr = login_as("hr")
    token = _token(_upload(client, csv_bytes([person(1), person(2)]), name="siasn-juni.csv"))
    response = client.post(f"{URL}/{token}/confirm", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Impor selesai: 2 pegawai baru" in html
    assert "belum dapat masuk" in html
    assert _people(db) == 2
    assert not (Path(app.instance_path) / "imports" / token).exists()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "people.import"))
    assert event.actor_id == hr.id
    assert event.target == "siasn-juni.csv"
    assert event.details["new"] == 2 and event.details["source"] == "web"


def test_confirm_saves_nothing_when_the_data_changed_since_the_preview(client, login_as, db):
    login_as("hr")
    token = _token(_upload(client, csv_bytes([person(1), person(2, Email="rebut@x.go.id")])))
    make_user(nip=None, email="rebut@x.go.id")
    db.session.commit()
    response = client.post(f"{URL}/{token}/confirm", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "tidak ada yang disimpan" in html
    assert "Email ini sudah dipakai akun lain." in html
    assert _people(db) == 0
    applied = select(func.count(AuditEvent.id)).where(AuditEvent.action == "people.import")
    assert db.session.scalar(applied) == 0


def test_full_import_checkbox_deactivates_missing_people(client, login_as, db):
    unit = make_unit("Dinas Kominfo")
    gone = make_user(unit=unit, nip=nip(9))
    db.session.commit()
    login_as("hr")
    data = csv_bytes([person(1, **{"Unit Kerja": "Dinas Kominfo"})])
    token = _token(_upload(client, data, full=True))
    html = client.get(f"{URL}/{token}").get_data(as_text=True)
    assert "Pegawai yang akan dinonaktifkan" in html and gone.full_name in html
    client.post(f"{URL}/{token}/confirm")
    db.session.expire_all()
    assert not gone.active


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(client, login_as, db):
    login_as("hr")
    response = _upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", name="pegawai.csv")
    assert response.status_code == 200
    assert "bukan CSV atau XLSX" in response.get_data(as_text=True)
    assert list(parking.folder().iterdir()) == []


def test_a_file_over_the_size_limit_is_refused(make_app, login_as):
    app = make_app(IMPORT_MAX_MB=1)
    client = app.test_client()
    with app.app_context():
        user = make_user(roles={"hr", "learner"})
        from lms.extensions import db

        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = login_id(user)
        data = csv_bytes([person(1)]) + b"x" * (2 * 1024 * 1024)
        response = _upload(client, data)
    assert response.status_code == 413
    assert "paling besar 1 MB" in response.get_data(as_text=True)


def test_cancel_deletes_the_upload(app, client, login_as, db):
    login_as("hr")
    token = _token(_upload(client, csv_bytes([person(1)])))
    client.post(f"{URL}/{token}/cancel")
    assert not (Path(app.instance_path) / "imports" / token).exists()
    assert client.get(f"{URL}/{token}").status_code == 404


def test_uploads_older_than_a_day_are_gone(app, db):
    upload = parking.park(b"NIP;Nama\n", {"actor_id": None}, utcnow() - timedelta(days=2))
    assert parking.unpark(upload.token, utcnow()) is None
    stale = parking.park(b"NIP;Nama\n", {"actor_id": None}, utcnow() - timedelta(days=2))
    fresh = parking.park(b"NIP;Nama\n", {"actor_id": None}, utcnow())
    assert parking.purge(utcnow()) == 1
    assert not (parking.folder() / stale.token).exists()
    assert (parking.folder() / fresh.token).exists()


def test_a_token_that_is_not_one_of_ours_is_not_found(client, login_as, db):
    login_as("hr")
    assert client.get(f"{URL}/..%2F..%2Fsecret_key").status_code == 404
    assert client.get(f"{URL}/{'a' * 32}").status_code == 404
