"""Every route x every role: who gets the page, who is sent to log in, who gets 403.

A new route without a row here fails ``test_every_route_has_an_expectation``: decide who may
use it before it ships.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from lms.assignments import services as assignments
from lms.courses import services as courses
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.quiz import services as quiz
from lms.reminders.models import Notification, OutboxMessage
from tests.conftest import migrated
from tests.factories import make_item, make_program, make_unit, make_user, sync, write_course

ROLES = ["anonymous", "learner", "unit_head", "hr", "admin"]
PUBLIC = "public"
MEMBERS = {"learner", "unit_head", "hr", "admin"}
STAFF = {"hr", "admin"}
NOBODY: set[str] = set()
#: HR imports for any unit; a unit head (of the new unit login_as gives them) for their own.
IMPORTERS = {"unit_head", "hr"}

# endpoint -> (HTTP method, roles allowed, or PUBLIC)
EXPECTED: dict[str, tuple[str, object]] = {
    "main.index": ("GET", PUBLIC),
    "main.healthz": ("GET", PUBLIC),
    "main.privacy": ("GET", PUBLIC),
    "main.set_language": ("POST", PUBLIC),
    "accounts.login": ("GET", PUBLIC),
    "accounts.logout": ("POST", PUBLIC),
    "accounts.profile": ("GET", MEMBERS),
    "accounts.password": ("GET", MEMBERS),
    "accounts.users": ("GET", STAFF),
    "accounts.user_new": ("GET", STAFF),
    "accounts.user_edit": ("GET", STAFF),
    "accounts.user_set_active": ("POST", STAFF),
    "accounts.user_reset_password": ("POST", STAFF),
    "activation.index": ("GET", STAFF),
    "activation.people": ("GET", STAFF),
    "activation.invite": ("POST", STAFF),
    "activation.send": ("POST", STAFF),
    "activation.export": ("GET", STAFF),
    # The emailed links (the world's token opens nothing: a page says why) and "Lupa kata sandi".
    "activation.activate": ("GET", PUBLIC),
    "activation.reset": ("GET", PUBLIC),
    "activation.forgot": ("GET", PUBLIC),
    "org.units": ("GET", STAFF),
    "org.unit_new": ("GET", STAFF),
    "org.unit_edit": ("GET", STAFF),
    "courses.catalogue": ("GET", MEMBERS),
    "courses.course": ("GET", MEMBERS),
    "courses.enroll": ("POST", MEMBERS),
    "courses.lesson": ("GET", MEMBERS),
    "courses.complete": ("POST", MEMBERS),
    "courses.asset": ("GET", PUBLIC),
    "courses.learning": ("GET", MEMBERS),
    "courses.certificate": ("GET", STAFF),  # the world person's: only they, HR and admin
    "courses.certificate_download": ("GET", STAFF),
    "courses.certificate_revoke": ("POST", {"admin"}),
    "courses.verify_form": ("GET", PUBLIC),
    "courses.verify": ("GET", PUBLIC),
    "quiz.overview": ("GET", MEMBERS),
    "quiz.start": ("POST", NOBODY),  # only someone enrolled starts their own attempt
    "quiz.attempt": ("GET", STAFF),  # the world person's attempt: HR/admin see it read-only
    "quiz.save": ("POST", NOBODY),  # only its owner answers an attempt
    "quiz.submit": ("POST", NOBODY),
    "quiz.review": ("GET", STAFF),
    "quiz.statistics": ("GET", STAFF),
    "quiz.settings": ("GET", STAFF),
    "reminders.notifications": ("GET", MEMBERS),
    "reminders.mark_read": ("POST", NOBODY),  # the world person's notification
    "reminders.mark_all_read": ("POST", MEMBERS),
    "reminders.settings": ("GET", MEMBERS),
    "reminders.admin": ("GET", {"admin"}),
    "reminders.message": ("GET", {"admin"}),
    "reminders.resend": ("POST", {"admin"}),
    "people.import_upload": ("GET", STAFF),
    "people.import_preview": ("GET", STAFF),
    "people.import_confirm": ("POST", STAFF),
    "people.import_cancel": ("POST", STAFF),
    # Action plans. The world's item lies in a unit none of these roles belongs to or heads, so
    # only HR and admin read it; the owner/head/colleague cases are in ACTION_EXPECTED below.
    "actions.index": ("GET", MEMBERS),
    "actions.mine": ("GET", MEMBERS),
    "actions.unit_plan": ("GET", STAFF),
    "actions.item_new": ("GET", NOBODY),
    "actions.item": ("GET", STAFF),
    "actions.item_edit": ("GET", NOBODY),
    "actions.update_new": ("GET", NOBODY),
    "actions.comment_new": ("POST", STAFF),
    "actions.review": ("POST", NOBODY),
    "actions.evidence": ("GET", STAFF),
    "actions.overview": ("GET", STAFF),
    "actions.overview_csv": ("GET", STAFF),
    "actions.overview_xlsx": ("GET", STAFF),
    "actions.import_upload": ("GET", IMPORTERS),
    "actions.import_confirm": ("POST", IMPORTERS),
    "actions.import_template": ("GET", IMPORTERS),
    "actions.programs": ("GET", STAFF),
    "actions.program_new": ("GET", STAFF),
    "actions.program_edit": ("GET", STAFF),
    "assignments.index": ("GET", STAFF),
    "assignments.new": ("GET", STAFF),
    "assignments.cancel": ("POST", STAFF),
    "reports.index": ("GET", {"unit_head", "hr", "admin"}),  # a unit head goes to their unit
    # The world unit is not the unit head's (login_as makes them head of a new unit): 403.
    "reports.units": ("GET", STAFF),
    "reports.courses": ("GET", STAFF),
    "reports.people": ("GET", STAFF),
    "reports.jp": ("GET", STAFF),
    "reports.export": ("GET", STAFF),
    "reports.person": ("GET", STAFF),
    "reports.person_export": ("GET", STAFF),
    "reports.actions": ("GET", STAFF),
}

# The people around the world's action item, and which action routes each may use.
PEOPLE = ["owner", "colleague", "head", "opd_head", "outsider"]
READERS = {"owner", "colleague", "head", "opd_head"}
HEADS = {"head", "opd_head"}
ACTION_EXPECTED: dict[str, set[str]] = {
    "actions.index": set(PEOPLE),
    "actions.mine": set(PEOPLE),
    "actions.unit_plan": READERS,
    "actions.item_new": HEADS,
    "actions.item": READERS,
    "actions.item_edit": HEADS,
    "actions.update_new": {"owner"},
    "actions.comment_new": READERS,
    "actions.review": HEADS,
    "actions.evidence": READERS,
    "actions.overview": set(),
    "actions.overview_csv": set(),
    "actions.overview_xlsx": set(),
    "actions.import_upload": HEADS,
    "actions.import_confirm": HEADS,
    "actions.import_template": HEADS,
    "actions.programs": set(),
    "actions.program_new": set(),
    "actions.program_edit": set(),
}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    """Who may open what does not depend on the database, so the matrix runs on SQLite only
    (every feature's own tests run on both)."""
    return migrated(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'm.sqlite'}", tmp_path_factory)


@pytest.fixture
def world(app, db, tmp_path):
    """The objects the URLs point at: a bidang of an OPD, one of its people with course work and
    an action item (a progress update with evidence), the people around that item, and a staff
    list awaiting import."""
    from lms.actions import evidence, services

    opd = make_unit("Dinas Pendidikan")
    unit = make_unit("Bidang Pembinaan SMA", opd)
    person = make_user(unit=unit)
    people = {
        "owner": person,
        "colleague": make_user(unit=unit),
        "head": make_user(unit=unit, roles={"learner", "unit_head"}),
        "opd_head": make_user(unit=opd, roles={"learner", "unit_head"}),
        "outsider": make_user(unit=make_unit("Dinas Kesehatan")),
    }
    unit.head, opd.head = people["head"], people["opd_head"]
    program = make_program("Jatim Retret 2025")
    item = make_item(unit, person, program, title="Digitalisasi rapor")
    now = utcnow()
    update = services.post_update(
        item, person, now, progress=40, status="in_progress", note="Separuh sekolah sudah."
    )
    checked = evidence.Evidence(b"%PDF-1.4 bukti", "bukti.pdf", "application/pdf", "0" * 64)
    update.evidence_key = evidence.store(checked, now)
    update.evidence_name, update.evidence_type, update.evidence_size = (
        "bukti.pdf",
        "application/pdf",
        14,
    )
    folder = write_course(tmp_path / "courses", lessons=1)
    (folder / "gambar.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    write_course(tmp_path / "courses", slug="tanpa-kuis", lessons=1, gift=None)
    sync(tmp_path / "courses")
    app.config["COURSES_PATH"] = str(tmp_path / "courses")
    course = db.session.scalar(select(Course).where(Course.slug == "kursus-uji"))
    enrollment = courses.enroll(person, course, utcnow())
    lesson = courses.current_lessons(course)[0]
    attempt = quiz.start_attempt(enrollment, utcnow())
    plain = db.session.scalar(select(Course).where(Course.slug == "tanpa-kuis"))
    finished = courses.enroll(person, plain, utcnow())
    courses.complete_lesson(finished, courses.current_lessons(plain)[0], utcnow())
    certificate = finished.certificate
    notification = Notification(
        user_id=person.id, key="uji:1", category="course", rule="uji", title="Uji", url="/"
    )
    db.session.add(notification)
    db.session.flush()
    message = OutboxMessage(notification_id=notification.id, to_address=person.email)
    db.session.add(message)
    assignment, _ = assignments.create_assignment(
        course, scope="unit", unit=unit, deadline=date(2030, 1, 31), by=None, now=utcnow()
    )
    db.session.commit()
    return {
        "user_id": person.id,
        "unit_id": unit.id,
        "slug": course.slug,
        "lesson_slug": lesson.slug,
        "name": "gambar.svg",
        "cert_id": certificate.id,
        "code": certificate.code,
        "attempt_id": attempt.id,
        "notification_id": notification.id,
        "message_id": message.id,
        "token": _pending_import(),
        "item_id": item.id,
        "update_id": update.id,
        "program_id": program.id,
        "people": {name: p.id for name, p in people.items()},
        "assignment_id": assignment.id,
        "report": "enrolments",
        "fmt": "csv",
    }


def _pending_import() -> str:
    from lms.people import importer
    from lms.people.views import parking

    data = b"NIP;Nama;Unit Kerja\n'199001022015031003;Ani Rahayu;Dinas Pendidikan\n"
    now = utcnow()
    plan = importer.prepare(data, "uji.csv", full=False, actor_id=None, today=now.date())
    meta = {"actor_id": None, "filename": "uji.csv", "full": False, "preview": plan.preview()}
    return parking.park(data, meta, now).token


def _url(app: Flask, endpoint: str, world: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{arg: world[arg] for arg in rule.arguments})


def test_every_route_has_an_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert endpoints - EXPECTED.keys() == set(), "add these routes to EXPECTED"
    assert EXPECTED.keys() - endpoints == set(), "these routes no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_for_role(app, client, login_as, world, endpoint, role):
    method, allowed = EXPECTED[endpoint]
    if role != "anonymous":
        login_as(role)
    url = _url(app, endpoint, world)
    response = client.open(url, method=method)
    location = response.headers.get("Location", "")
    if allowed == PUBLIC:
        assert response.status_code in (200, 302), response.status_code
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in location
    elif role in allowed:
        assert response.status_code in (200, 302), response.status_code
        assert "/login" not in location
    else:
        assert response.status_code == 403


def test_every_action_route_has_a_per_person_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("actions.")}
    assert endpoints == ACTION_EXPECTED.keys()


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("endpoint", sorted(ACTION_EXPECTED))
def test_action_route_for_person(app, client, login_as, db, world, endpoint, person):
    from lms.accounts.models import User

    login_as(db.session.get(User, world["people"][person]))
    method = EXPECTED[endpoint][0]
    response = client.open(_url(app, endpoint, world), method=method)
    if person in ACTION_EXPECTED[endpoint]:
        assert response.status_code in (200, 302), response.status_code
        assert "/login" not in response.headers.get("Location", "")
    else:
        assert response.status_code == 403
