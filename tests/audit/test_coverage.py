"""Views and changes of personal data that write an audit event (and the views that do not)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.audit.services import verify
from lms.courses import services as courses
from lms.courses.models import Course
from lms.quiz import services as quiz
from lms.quiz.answers import from_form
from lms.reminders.models import Notification, OutboxMessage
from tests.factories import make_user, sync, write_course
from tests.people.files import csv_bytes, nip, person

T0 = datetime(2026, 11, 1, 2, 0)


def _events(db, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
    return list(db.session.scalars(query))


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    return db.session.scalar(select(Course))


@pytest.fixture
def owner(db):
    return make_user(full_name="Sri Pemilik", nip=nip(7), email="sri@uji.test")


def test_user_list_and_search_are_recorded_without_the_search_term(client, login_as, db, owner):
    db.session.commit()
    hr = login_as("hr")
    assert client.get("/admin/users").status_code == 200
    page = client.get("/admin/users", query_string={"q": owner.nip, "status": "all"},
                      follow_redirects=True)  # fmt: skip
    assert "Sri Pemilik" in page.get_data(as_text=True)
    plain, searched = _events(db, "accounts.users.view")
    assert plain.actor_id == hr.id and plain.details["search"] is False
    assert searched.details["search"] is True and searched.details["total"] == 1
    everything = " ".join(f"{e.target} {e.details}" for e in db.session.scalars(select(AuditEvent)))
    assert owner.nip not in everything and "sri@" not in everything and "Sri" not in everything


def test_opening_a_persons_account_is_recorded(client, login_as, db, owner):
    db.session.commit()
    login_as("hr")
    assert client.get(f"/admin/users/{owner.id}").status_code == 200
    (event,) = _events(db, "accounts.user.view")
    assert event.target == f"user:{owner.id}"


def _submitted_attempt(db, course, owner):
    enrollment = courses.enroll(owner, course, T0)
    attempt = quiz.start_attempt(enrollment, T0)
    quiz.submit_attempt(attempt, from_form(attempt, {}), T0)
    db.session.commit()
    return attempt


def test_staff_view_of_an_attempt_is_recorded_the_owners_own_is_not(
    client, login_as, db, course, owner
):
    attempt = _submitted_attempt(db, course, owner)
    login_as(owner)
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 200
    assert _events(db, "quiz.attempt.view") == []
    hr = login_as("hr")
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 200
    (event,) = _events(db, "quiz.attempt.view")
    assert (event.actor_id, event.target, event.details["attempt"]) == (
        hr.id, f"user:{owner.id}", attempt.id
    )  # fmt: skip


def _certificate(db, course, owner):
    enrollment = courses.enroll(owner, course, T0)
    for lesson in courses.current_lessons(course):
        courses.complete_lesson(enrollment, lesson, T0)
    db.session.commit()
    return enrollment.certificate


def test_staff_views_and_revocation_of_a_certificate_are_recorded(client, login_as, db, owner,
                                                                   tmp_path):  # fmt: skip
    write_course(tmp_path / "plain", lessons=1, gift=None)
    sync(tmp_path / "plain")
    course = db.session.scalar(select(Course).where(Course.assignment_only.is_(False)).limit(1))
    cert = _certificate(db, course, owner)
    login_as(owner)
    assert client.get(f"/certificates/{cert.id}").status_code == 200
    assert _events(db, "certificate.view") == []
    admin = login_as("admin")
    assert client.get(f"/certificates/{cert.id}").status_code == 200
    assert client.get(f"/certificates/{cert.id}/pdf").status_code == 200
    page, pdf = _events(db, "certificate.view")
    assert (page.actor_id, page.target, page.details) == (
        admin.id, f"user:{owner.id}", {"certificate": cert.id, "pdf": False}
    )  # fmt: skip
    assert pdf.details["pdf"] is True
    client.post(f"/certificates/{cert.id}/revoke", data={"reason": "Plagiarisme"})
    (revoked,) = _events(db, "certificate.revoke")
    assert (revoked.actor_id, revoked.target, revoked.details["certificate"]) == (
        admin.id, f"user:{owner.id}", cert.id
    )  # fmt: skip
    assert "Plagiarisme" not in str(revoked.details)


def test_reading_an_outbox_message_is_recorded(client, login_as, db, owner):
    note = Notification(user_id=owner.id, key="uji:1", category="reminder", rule="uji",
                        title="Tenggat kursus", body="Isi", url="/")  # fmt: skip
    db.session.add(note)
    db.session.flush()
    message = OutboxMessage(notification_id=note.id, to_address=owner.email)
    db.session.add(message)
    db.session.commit()
    admin = login_as("admin")
    assert client.get(f"/admin/outbox/{message.id}").status_code == 200
    (event,) = _events(db, "reminders.message.view")
    assert (event.actor_id, event.target, event.details) == (
        admin.id, f"user:{owner.id}", {"message": message.id}
    )  # fmt: skip


def test_import_preview_and_apply_are_recorded(client, login_as, db):
    hr = login_as("hr")
    form = {"file": (io.BytesIO(csv_bytes([person(1), person(2)])), "siasn.csv")}
    response = client.post("/admin/people/import", data=form, content_type="multipart/form-data")
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/admin/people/import/{token}").status_code == 200
    (preview,) = _events(db, "people.import.preview")
    assert (preview.actor_id, preview.target, preview.details["problems"]) == (
        hr.id, "siasn.csv", 0
    )  # fmt: skip
    assert preview.details["counts"]["new"] == 2
    assert client.post(f"/admin/people/import/{token}/confirm").status_code == 302
    (applied,) = _events(db, "people.import")
    assert applied.details["new"] == 2
    assert nip(1) not in str(preview.details) + str(applied.details)


def test_every_event_of_these_pages_keeps_the_chain_whole(client, login_as, db, owner):
    db.session.commit()
    login_as("admin")
    for _ in range(3):
        client.get("/admin/users")
        client.get(f"/admin/users/{owner.id}")
    assert db.session.scalar(select(func.count(AuditEvent.id))) >= 6
    assert verify().ok
