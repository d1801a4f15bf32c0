"""The import reads the file once: the preview parks the checked rows, confirm compares them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.people import importer
from lms.people.parsed import Parsed
from tests.people.files import HEADER, csv_bytes, nip, person, xlsx_bytes

URL = "/admin/people/import"


def _upload(client, data: bytes, name: str):
    form = {"file": (io.BytesIO(data), name)}
    response = client.post(URL, data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def _imported(db) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.email.like("impor%")))


def test_confirm_saves_the_parked_rows_without_reading_the_file_again(
    app, client, login_as, db, monkeypatch
):
    reads = []
    real = importer.read_table

    def counting(data):
        reads.append(len(data))
        return real(data)

    monkeypatch.setattr(importer, "read_table", counting)
    login_as("hr")
    rows = [[person(n).get(h, "") for h in HEADER] for n in (1, 2)]
    token = _upload(client, xlsx_bytes(rows), "siasn.xlsx")
    parked = (Path(app.instance_path) / "imports" / token).read_bytes()
    assert not parked.startswith(b"PK")  # not the workbook: the checked rows
    assert [r.nip for r in Parsed.loads(parked).rows] == [nip(1), nip(2)]
    assert client.get(f"{URL}/{token}").status_code == 200
    response = client.post(f"{URL}/{token}/confirm", follow_redirects=True)
    assert "Impor selesai: 2 pegawai baru" in response.get_data(as_text=True)
    assert _imported(db) == 2
    assert len(reads) == 1  # upload only; neither the preview nor the confirmation read it


def test_parked_rows_come_back_as_they_were_checked():
    parsed = Parsed(
        filename="pegawai.xlsx",
        rows=[
            importer.Row(
                3,
                nip(1),
                "Rina Wulandari",
                None,
                "Analis",
                "Fungsional",
                "IX",
                "PPPK",
                date(2025, 3, 1),
                ("Dinas Kominfo", "Bidang TIK"),
                "K-01",
            ),
            importer.Row(
                4,
                nip(2),
                "Budi Santoso",
                "budi@jatimprov.go.id",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ),
        ],
        problems=[
            importer.Problem(5, "NIP", "NIP tersimpan sebagai angka"),
            importer.Problem(None, None, "Berkas bermasalah"),
        ],
        rows_read=3,
        other_nips={nip(3)},
        warnings=["Pemisah ';'"],
        headers={"nip": "NIP BARU", "name": "NAMA"},
        ignored=["AGAMA"],
        has_unit=False,
    )
    again = Parsed.loads(parsed.dumps())
    assert again == parsed


def test_a_parked_upload_that_is_not_a_plan_is_gone(app, client, login_as, db):
    login_as("hr")
    token = _upload(client, csv_bytes([person(1)]), "pegawai.csv")
    (Path(app.instance_path) / "imports" / token).write_bytes(b"NIP;Nama\r\n")
    assert client.post(f"{URL}/{token}/confirm").status_code == 404
    assert _imported(db) == 0
    assert not (Path(app.instance_path) / "imports" / token).exists()
