"""``flask lms people import FILE [--dry-run] [--deactivate-missing]``."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.audit.models import AuditEvent
from lms.org.models import Unit
from tests.factories import make_unit, make_user
from tests.people.files import csv_bytes, nip, person


def _run(app, path, *options):
    return app.test_cli_runner().invoke(args=["lms", "people", "import", str(path), *options])


def _count(db, model) -> int:
    db.session.rollback()  # see what the command committed
    return db.session.scalar(select(func.count(model.id)))


def test_dry_run_counts_and_writes_nothing(app, db, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([person(1), person(2)]))
    result = _run(app, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 baru" in result.output and "tidak ada yang disimpan" in result.output
    assert (_count(db, User), _count(db, Unit), _count(db, AuditEvent)) == (0, 0, 0)


def test_import_writes_people_units_and_an_audit_event(app, db, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([person(1), person(2)]))
    result = _run(app, path)
    assert result.exit_code == 0, result.output
    assert "Impor selesai: 2 pegawai baru" in result.output
    assert (_count(db, User), _count(db, Unit)) == (2, 2)
    event = db.session.scalar(select(AuditEvent))
    assert event.actor_id is None and event.details["source"] == "cli"


def test_problems_are_listed_by_row_and_nothing_is_written(app, db, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([person(1), person(2, NIP=nip(2) + ".0")]))
    result = _run(app, path)
    assert result.exit_code == 1
    assert "baris 3, kolom NIP: NIP tersimpan sebagai angka" in result.output
    assert _count(db, User) == 0


def test_a_file_that_cannot_be_read_fails_with_its_reason(app, db, tmp_path):
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = _run(app, path)
    assert result.exit_code == 1 and "bukan CSV atau XLSX" in result.output


def test_deactivate_missing_deactivates_people_of_the_file_opds(app, db, tmp_path):
    unit = make_unit("Dinas Kominfo")
    gone = make_user(unit=unit, nip=nip(9))
    service = make_user(unit=unit, nip=None)
    db.session.commit()
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([person(1, **{"Unit Kerja": "Dinas Kominfo"})]))
    result = _run(app, path, "--deactivate-missing")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert not db.session.get(User, gone.id).active
    assert db.session.get(User, service.id).active
