"""Evidence uploads: checked by content, refused clearly when wrong, stored under a random name,
served only to people who may read the item."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.actions.evidence import sniff
from lms.actions.models import ProgressUpdate
from tests.factories import login_id, make_item, make_unit, make_user

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


DOCX = _zip("[Content_Types].xml", "word/document.xml")
XLSX = _zip("[Content_Types].xml", "xl/workbook.xml")


@pytest.fixture
def item(db):
    unit = make_unit("Bidang Aplikasi Informatika")
    owner = make_user(unit=unit)
    item = make_item(unit, owner)
    db.session.commit()
    return item


def _post(client, item, data: bytes, name: str, **fields):
    form = {"progress": "50", "status": "in_progress", "note": "Uji coba berjalan."}
    form.update(fields)
    form["evidence"] = (io.BytesIO(data), name)
    return client.post(
        f"/actions/items/{item.id}/update", data=form, content_type="multipart/form-data"
    )


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_PATH"]) / "evidence"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _updates(db) -> int:
    return db.session.scalar(select(func.count(ProgressUpdate.id)))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0JFIF", "jpeg"),
        (b"GIF89a....", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (b"<!doctype html><script>alert(1)</script>", None),
        (_zip("[Content_Types].xml", "evil.html"), None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_sniff_judges_the_content(data, kind):
    assert sniff(data) == kind


def test_owner_uploads_a_pdf_stored_under_a_random_name(app, db, client, login_as, item):
    login_as(item.owner)
    response = _post(client, item, PDF, "Laporan uji coba.pdf")
    assert response.status_code == 302
    update = db.session.scalar(select(ProgressUpdate))
    assert update.evidence_name == "Laporan_uji_coba.pdf"
    assert update.evidence_type == "application/pdf" and update.evidence_size == len(PDF)
    [stored] = _stored_files(app)
    assert stored.read_bytes() == PDF
    assert stored.name != "Laporan_uji_coba.pdf" and len(stored.name) == 32
    assert Path(app.config["UPLOAD_PATH"]).resolve().is_relative_to(Path(app.instance_path))


def test_html_renamed_pdf_is_refused_and_nothing_is_written(app, db, client, login_as, item):
    login_as(item.owner)
    response = _post(client, item, b"<!DOCTYPE html><html><script>x</script></html>", "bukti.pdf")
    assert response.status_code == 200
    assert "Isi berkas tidak sesuai dengan jenisnya (.pdf)" in response.get_data(as_text=True)
    assert _updates(db) == 0 and _stored_files(app) == []
    assert item.progress == 0


def test_twenty_megabyte_file_is_refused_with_a_clear_message(app, db, client, login_as, item):
    login_as(item.owner)
    response = _post(client, item, PDF + b"0" * (20 * 1024 * 1024), "besar.pdf")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Berkas yang Anda kirim terlalu besar. Ukuran maksimum 10 MB" in text
    assert "Tidak ada data yang disimpan" in text
    assert _updates(db) == 0 and _stored_files(app) == []


def test_file_just_over_the_limit_gets_the_forms_message(make_app, tmp_path):
    app = make_app(MAX_UPLOAD_MB=1)
    with app.app_context():
        from lms.extensions import db

        unit = make_unit()
        item = make_item(unit, make_user(unit=unit))
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = login_id(item.owner)
        response = _post(client, item, PDF + b"0" * (1024 * 1024), "agak-besar.pdf")
        assert response.status_code == 200
        assert "Ukuran maksimum bukti dukung 1 MB" in response.get_data(as_text=True)
        assert _updates(db) == 0 and _stored_files(app) == []


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\..\\x.pdf", "/etc/x.pdf", "a/../x.pdf"])
def test_path_like_file_name_is_refused_and_nothing_is_written(
    app, db, client, login_as, item, name
):
    login_as(item.owner)
    response = _post(client, item, PDF, name)
    assert response.status_code == 200
    assert "Nama berkas tidak boleh memuat garis miring" in response.get_data(as_text=True)
    assert _updates(db) == 0 and _stored_files(app) == []
    assert not (Path(app.config["UPLOAD_PATH"]).parent / "x.pdf").exists()


def test_unknown_extension_is_refused(app, db, client, login_as, item):
    login_as(item.owner)
    response = _post(client, item, b"MZ\x90\x00", "setup.exe")
    assert "Jenis berkas tidak diterima" in response.get_data(as_text=True)
    assert _updates(db) == 0


def test_docx_is_accepted(app, db, client, login_as, item):
    login_as(item.owner)
    assert _post(client, item, DOCX, "notulen.docx").status_code == 302
    assert db.session.scalar(select(ProgressUpdate.evidence_name)) == "notulen.docx"


def test_non_ascii_name_falls_back_to_a_safe_one(app, db, client, login_as, item):
    login_as(item.owner)
    assert _post(client, item, PNG, "ñ.png").status_code == 302
    assert db.session.scalar(select(ProgressUpdate.evidence_name)).endswith(".png")


def test_update_without_a_file_may_carry_a_link(app, db, client, login_as, item):
    login_as(item.owner)
    form = {"progress": "30", "status": "in_progress", "note": "Tautan dokumen",
            "link_url": "https://drive.jatimprov.go.id/berkas"}  # fmt: skip
    assert client.post(f"/actions/items/{item.id}/update", data=form).status_code == 302
    assert db.session.scalar(select(ProgressUpdate.link_url)).startswith("https://")


def test_javascript_link_is_refused(app, db, client, login_as, item):
    login_as(item.owner)
    form = {"progress": "30", "status": "in_progress", "note": "x", "link_url": "javascript:x"}
    response = client.post(f"/actions/items/{item.id}/update", data=form)
    assert "Tautan harus diawali http://" in response.get_data(as_text=True)
    assert _updates(db) == 0


def _upload_as_owner(client, login_as, item):
    login_as(item.owner)
    _post(client, item, PDF, "bukti.pdf")
    from lms.extensions import db

    return db.session.scalar(select(ProgressUpdate))


def test_colleague_downloads_evidence_as_an_attachment(app, db, client, login_as, item):
    update = _upload_as_owner(client, login_as, item)
    login_as(make_user(unit=item.unit))
    response = client.get(f"/actions/evidence/{update.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "bukti.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_outsider_cannot_download_evidence(app, db, client, login_as, item):
    update = _upload_as_owner(client, login_as, item)
    login_as(make_user(unit=make_unit("Dinas Kesehatan")))
    assert client.get(f"/actions/evidence/{update.id}").status_code == 403


def test_anonymous_visitor_is_sent_to_log_in_for_evidence(app, db, client, login_as, item):
    update = _upload_as_owner(client, login_as, item)
    client.post("/logout")
    response = client.get(f"/actions/evidence/{update.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_missing_evidence_file_is_404(app, db, client, login_as, item):
    update = _upload_as_owner(client, login_as, item)
    for path in _stored_files(app):
        path.unlink()
    assert client.get(f"/actions/evidence/{update.id}").status_code == 404


def test_evidence_is_not_under_static(app, db, client, login_as, item):
    _upload_as_owner(client, login_as, item)
    [stored] = _stored_files(app)
    assert not stored.resolve().is_relative_to(Path(app.static_folder).resolve())


def test_with_csrf_on_the_form_works_and_a_huge_post_still_gets_the_message(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from lms.extensions import db

        unit = make_unit()
        item = make_item(unit, make_user(unit=unit))
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = login_id(item.owner)
        page = client.get(f"/actions/items/{item.id}/update").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert _post(client, item, PDF, "bukti.pdf", csrf_token=token).status_code == 302
        huge = _post(client, item, b"0" * (20 * 1024 * 1024), "besar.pdf", csrf_token=token)
        assert huge.status_code == 413
        assert "Ukuran maksimum 10 MB" in huge.get_data(as_text=True)
        assert _post(client, item, PDF, "tanpa-token.pdf").status_code == 400
        assert _updates(db) == 1
