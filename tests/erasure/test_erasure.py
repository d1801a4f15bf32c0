"""Erasure (UU 27/2022 Pasal 8): after it, the person's name, NIP and email are nowhere in the
database or the upload folder, their files are gone, and every report figure is what it was."""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.actions.models import ActionItem
from lms.actions.services import record as item_history
from lms.audit.models import AuditEvent
from lms.audit.services import verify
from lms.corrections.services import ask
from lms.courses.models import Certificate, Enrollment
from lms.erasure import services as erasure
from lms.extensions import db as _db
from lms.privacy.registry import PROVIDERS, REDACTED
from lms.reminders.models import Notification
from lms.reports import services as reports
from tests.factories import make_user
from tests.privacy.test_data_saya import T0

NOW = datetime(2026, 11, 20, 3, 0)


def everything_stored(app) -> str:
    """Every value of every row of every table, as one lower-case text (JSON included)."""
    out = []
    with _db.engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                out.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(out).lower()


def files_under(root: str) -> dict[str, bytes]:
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            found[str(path)] = path.read_bytes()
    return found


def figures(today: date) -> dict:
    """What HR's reports count: per unit (completions, JP, rates…) and per course."""
    filters = reports.Filters(year=T0.year, today=today)
    by_unit = reports.figures_by_unit(None, filters, today)
    rows, total = reports.course_report(None, filters, today)
    return {
        "by_unit": {k: dict(sorted(v.items())) for k, v in by_unit.items()},
        "courses": [vars(r) for r in rows],
        "total": vars(total),
        "months": reports.completions_by_month(None, filters),
        "jp": _db.session.scalar(select(func.sum(Enrollment.jp_earned))),
    }


@pytest.fixture
def ani(app, db, people):
    """Ani (with data in every feature), named also in Budi's notifications, in an item's
    history and in a correction request."""
    ani, made = people["ani"]
    budi, _ = people["budi"]
    db.session.add(
        Notification(
            user_id=budi.id,
            key="course_escalation:uji",
            category="escalation",
            rule="course_escalation",
            title="2 pegawai melewati tenggat",
            body=f"Belum selesai: {ani.full_name}, Pegawai Lain.",
            url="/",
            created_at=T0,
        )
    )
    item = db.session.scalar(select(ActionItem).where(ActionItem.owner_id == budi.id))
    item_history(
        item,
        budi,
        T0,
        "changed",
        field="co_owners",
        old="",
        new=f"{ani.full_name}, Budi Santoso",
    )
    ask(ani, "position", "Analis Kebijakan Ani", f"Mohon diperbaiki, {ani.email}", T0)
    db.session.commit()
    identity = {"name": ani.full_name, "nip": ani.nip, "email": ani.email}
    return ani, made, identity


def test_erasure_leaves_no_trace_of_the_person_and_keeps_every_figure(app, db, ani, people):
    person, made, identity = ani
    _budi, budi_made = people["budi"]
    stored = everything_stored(app)
    for value in identity.values():
        assert value.lower() in stored  # the search can find them before
    evidence = files_under(app.config["UPLOAD_PATH"])
    assert any(made["evidence"] == data for data in evidence.values())
    today = NOW.date()
    before = figures(today)
    admin = make_user(roles={"admin"})
    db.session.commit()

    result = erasure.erase(person, NOW, actor=admin, ip="10.1.1.1")

    assert result is not None and result.files_deleted == 1 and not result.failed
    stored = everything_stored(app)
    for what, value in identity.items():
        assert value.lower() not in stored, what
    for path, data in files_under(app.config["UPLOAD_PATH"]).items():
        assert data != made["evidence"], path
        for value in identity.values():
            assert value.lower().encode() not in data.lower(), path
    # Budi's evidence is untouched.
    assert any(
        budi_made["evidence"] == data for data in files_under(app.config["UPLOAD_PATH"]).values()
    )
    assert figures(today) == before
    # What Ani wrote is replaced; Budi's texts keep their words but not Ani's name.
    assert "catatan ani-7" not in stored and "komentar ani-7" not in stored
    assert "jawaban ani-7" not in stored and "mohon diperbaiki" not in stored
    assert "catatan budi-9" in stored and "komentar budi-9" in stored
    assert f"belum selesai: {REDACTED}, pegawai lain." in stored
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.erased_at == NOW and person.nip is None and person.email is None
    assert person.password_hash is None and person.roles == {"learner"}
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.code == made["certificate"])
    )
    assert certificate.revoked_at == NOW and certificate.holder_name == ""
    assert certificate.withdrawal == "request"


def test_erasure_is_audited_once_and_the_chain_still_verifies(app, db, ani):
    person, _made, _identity = ani
    admin = make_user(roles={"admin"})
    db.session.commit()
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    assert erasure.erase(person, NOW, actor=admin) is not None
    again = erasure.erase(person, NOW + timedelta(days=1), actor=admin)
    assert again is None  # idempotent: nothing changes, nothing is recorded
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.erase")
    ).all()
    assert len(events) == 1 and events[0].target == f"user:{person.id}"
    assert events[0].actor_id == admin.id and events[0].details["reason"] == "request"
    assert events[0].details["counts"]["courses"] == {"certificates": 1}
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before + 1
    assert verify().ok


def test_a_failing_eraser_changes_nothing(app, db, ani, monkeypatch):
    person, made, identity = ani

    def broken(subject):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PROVIDERS["sso"], "erase", broken)
    with pytest.raises(RuntimeError):
        erasure.erase(person, NOW)
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.erased_at is None and person.full_name == identity["name"]
    assert identity["email"] in everything_stored(app)
    assert any(made["evidence"] == d for d in files_under(app.config["UPLOAD_PATH"]).values())


def test_preview_counts_what_will_go(app, db, ani):
    person, _made, _identity = ani
    preview = erasure.preview(person)
    counts = {str(label): n for part in preview.parts for label, n in part.counts}
    assert counts["Sertifikat"] == 1 and counts["Komentar Anda"] == 1
    assert len(preview.files) == 1 and not preview.empty
    assert db.session.get(User, person.id).erased_at is None  # a preview writes nothing


def test_every_provider_has_an_eraser(app):
    missing = sorted(name for name, p in PROVIDERS.items() if p.erase is None)
    assert not missing, f"add @<provider>.eraser in lms/<feature>/privacy.py: {missing}"


# -- the administrator's pages -------------------------------------------------------------------


def test_admin_previews_then_erases_on_confirmation(client, login_as, db, ani):
    person, _made, identity = ani
    login_as("admin")
    page = client.get(f"/admin/users/{person.id}/erase")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert identity["name"] in text and "Komentar Anda" in text
    assert "Berkas bukti" in text

    refused = client.post(f"/admin/users/{person.id}/erase", data={})
    assert refused.status_code == 200
    assert "Centang pernyataan ini untuk melanjutkan." in refused.get_data(as_text=True)
    assert db.session.get(User, person.id).erased_at is None

    done = client.post(f"/admin/users/{person.id}/erase", data={"confirm": "y"})
    assert done.status_code == 302
    follow = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "telah dianonimkan" in follow and identity["name"] not in follow
    db.session.expire_all()
    assert db.session.get(User, person.id).erased_at is not None

    again = client.post(f"/admin/users/{person.id}/erase", data={"confirm": "y"})
    assert again.status_code == 200  # nothing to do: the page says so, no second event
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "privacy.erase")
        )
        == 1
    )
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "privacy.erase_preview")
        )
        >= 2
    )


def test_an_admin_cannot_erase_their_own_account(client, login_as):
    admin = login_as("admin")
    assert client.get(f"/admin/users/{admin.id}/erase").status_code == 403
    assert client.post(f"/admin/users/{admin.id}/erase", data={"confirm": "y"}).status_code == 403


def test_hr_cannot_erase(client, login_as, ani):
    person, _made, _identity = ani
    login_as("hr")
    assert client.get(f"/admin/users/{person.id}/erase").status_code == 403


def test_the_verification_page_of_a_withdrawn_certificate_names_no_one(client, db, ani):
    person, made, identity = ani
    erasure.erase(person, NOW)
    page = client.get(f"/verify/{made['certificate']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ditarik atas permintaan pemiliknya" in text
    assert identity["name"] not in text and "NIP" not in text
