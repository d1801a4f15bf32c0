"""The audit page: filters, export, and its own events."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.audit.services import record, verify
from tests.factories import make_user


def _events(db):
    someone = make_user(full_name="Petugas Satu")
    other = make_user(full_name="Petugas Dua")
    # 2026-06-01 23:30 UTC is 2 June 06:30 WIB.
    record(someone, "reports.person.view", "user:12", now=datetime(2026, 6, 1, 23, 30), rows=1)
    record(other, "reports.unit.export", "unit:7", now=datetime(2026, 6, 1, 16, 0), fmt="csv")
    record(None, "people.import", "daftar.csv", now=datetime(2026, 5, 1, 1, 0), rows=30)
    db.session.commit()
    return someone, other


def _last(db) -> AuditEvent:
    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))


def test_admin_sees_the_log_and_the_look_is_recorded(client, login_as, db):
    _events(db)
    admin = login_as("admin")
    response = client.get("/admin/audit")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "reports.person.view" in page and "Petugas Satu" in page and "daftar.csv" in page
    event = _last(db)
    assert (event.actor_id, event.action, event.details["rows"]) == (admin.id, "audit.view", 3)
    assert verify().ok


def test_filters_by_who_what_whom_and_when(client, login_as, db):
    someone, _other = _events(db)
    login_as("admin")

    def shown(**args) -> set[str]:
        page = client.get("/admin/audit", query_string=args).get_data(as_text=True)
        actions = ("reports.person.view", "reports.unit.export", "people.import")
        return {a for a in actions if f"<code>{a}</code>" in page}

    assert shown(actor=someone.id) == {"reports.person.view"}
    assert shown(action="reports.") == {"reports.person.view", "reports.unit.export"}
    assert shown(action="reports_") == set()  # an underscore is a letter here, not a wildcard
    assert shown(target="unit:7") == {"reports.unit.export"}
    # Days are WIB days: 2 June WIB holds 1 June 23:30 UTC but not 1 June 16:00 UTC (23:00 WIB).
    assert shown(date_from="2026-06-02", date_to="2026-06-02") == {"reports.person.view"}
    assert shown(date_from="2026-06-01", date_to="2026-06-01") == {"reports.unit.export"}
    assert shown(date_to="2026-05-31") == {"people.import"}
    event = _last(db)
    assert event.details["filter"]["until"] == "2026-05-31T17:00:00"


def test_an_invalid_filter_shows_its_error_and_no_events(client, login_as, db):
    _events(db)
    login_as("admin")
    response = client.get(
        "/admin/audit", query_string={"date_from": "2026-06-02", "date_to": "2026-06-01"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "tidak boleh sebelum" in page
    assert "reports.person.view" not in page
    assert _last(db).details["filter"]["invalid_filter"] is True


def test_export_is_filtered_carries_the_hashes_and_is_recorded(client, login_as, db):
    _events(db)
    admin = login_as("admin")
    response = client.get("/admin/audit/export.csv", query_string={"action": "reports."})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 3  # header and two events
    by_seq = {row[0]: row for row in rows[1:]}
    first = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 1))
    assert by_seq["1"][3] == "Petugas Satu" and by_seq["1"][-1] == first.hash
    event = _last(db)
    assert (event.actor_id, event.action, event.details) == (
        admin.id, "audit.export", {"format": "csv", "filter": {"action": "reports."}}
    )  # fmt: skip
    assert client.get("/admin/audit/export.xlsx").status_code == 200


def test_only_an_admin_sees_the_log(client, login_as, db):
    login_as("hr")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403


def test_the_menu_links_the_page_for_admins(client, login_as, db):
    login_as("admin")
    assert 'href="/admin/audit"' in client.get("/").get_data(as_text=True)


def test_a_line_break_in_a_filter_is_refused(client, login_as, db):
    login_as("admin")
    for args in ({"target": "user:1\r\nX-Evil: 1"}, {"action": "reports\n"}):
        page = client.get("/admin/audit", query_string=args).get_data(as_text=True)
        assert "hanya berisi" in page
