"""Every method of every route x every role: who gets the page, who is sent to log in, who
gets 403.

A new route without a row here fails ``test_every_route_has_an_expectation``, and a method a
route accepts but its row does not name fails ``test_every_method_of_every_route_is_checked``:
decide who may use it before it ships.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from lms import create_app
from lms.assignments import services as assignments
from lms.authoring import bundle
from lms.authoring import services as authoring
from lms.config import testing_config as settings_for_tests
from lms.corrections import services as corrections
from lms.courses import services as courses
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.paths import services as paths
from lms.quiz import services as quiz
from lms.reminders.models import Notification, OutboxMessage
from lms.teaching import questions
from lms.teaching import services as teaching
from tests.conftest import Client, migrated
from tests.factories import (
    ESSAY_GIFT,
    essay_attempt,
    make_ai_use,
    make_item,
    make_program,
    make_unit,
    make_user,
    sync,
    write_course,
)

ROLES = ["anonymous", "learner", "unit_head", "hr", "admin", "diskominfo", "instructor"]
#: Everyone, visitors included, gets the page (200) or a redirect that is not to the login page.
PUBLIC = "public"
#: The route exists but answers 404 to everyone while its feature is not configured (SSO without
#: LMS_OIDC_ISSUER).
NOT_CONFIGURED = "not_configured"
MEMBERS = {"learner", "unit_head", "hr", "admin", "diskominfo", "instructor"}
STAFF = {"hr", "admin"}
#: HR, admin and the world course's instructor ("instructor" is the world's, who teaches the
#: world person's courses; a fresh instructor account teaches nothing).
TEACHERS = STAFF | {"instructor"}
NOBODY: set[str] = set()
#: Who starts courses in the browser: HR, admin and any instructor.
AUTHORS = STAFF | {"instructor"}
#: Every unit's AI register, read-only: HR, admin and Diskominfo.
AI_PROVINCE = {"hr", "admin", "diskominfo"}
#: HR imports for any unit; a unit head (of the new unit login_as gives them) for their own.
IMPORTERS = {"unit_head", "hr"}

# endpoint -> (HTTP methods, roles allowed, or PUBLIC, or NOT_CONFIGURED). Name every method the
# route accepts, space-separated ("GET POST"); each is tried by every role. A POST carries an empty
# form: an allowed role gets the form back with its errors (200), a redirect, or 400, never 403.
EXPECTED: dict[str, tuple[str, object]] = {
    "main.index": ("GET", PUBLIC),
    "main.healthz": ("GET", PUBLIC),
    "notice.privacy": ("GET", PUBLIC),
    "notice.acknowledge": ("POST", MEMBERS),
    "main.set_language": ("POST", PUBLIC),
    "accounts.login": ("GET POST", PUBLIC),
    "accounts.logout": ("POST", PUBLIC),
    # Public once LMS_OIDC_ISSUER is set (tests/sso checks them against a real provider).
    "sso.login": ("GET", NOT_CONFIGURED),
    "sso.callback": ("GET", NOT_CONFIGURED),
    "accounts.profile": ("GET", MEMBERS),
    "accounts.end_all": ("POST", MEMBERS),
    "accounts.password": ("GET POST", MEMBERS),
    "corrections.mine": ("GET POST", MEMBERS),
    # The world person's pending request: HR and admin (rule users.manage on a learner).
    "corrections.queue": ("GET", STAFF),
    "corrections.review": ("GET POST", STAFF),
    "privacy.export": ("POST", MEMBERS),  # Data saya: always the signed-in person's own
    "accounts.users": ("GET POST", STAFF),  # the search is posted: no NIP in a URL
    "accounts.user_new": ("GET POST", STAFF),
    "accounts.user_edit": ("GET POST", STAFF),
    "accounts.user_set_active": ("POST", STAFF),
    "accounts.user_reset_password": ("POST", STAFF),
    "accounts.user_unlock": ("POST", STAFF),
    "activation.index": ("GET", STAFF),
    "activation.people": ("GET", STAFF),
    "activation.invite": ("POST", STAFF),
    "activation.send": ("POST", STAFF),
    "activation.export": ("GET", STAFF),
    # The emailed links (the world's token opens nothing: a page says why) and "Lupa kata sandi".
    "activation.activate": ("GET POST", PUBLIC),
    "activation.reset": ("GET POST", PUBLIC),
    "activation.forgot": ("GET POST", PUBLIC),
    "org.units": ("GET", STAFF),
    "org.unit_new": ("GET POST", STAFF),
    "org.unit_edit": ("GET POST", STAFF),
    "courses.catalogue": ("GET", MEMBERS),
    "courses.course": ("GET", MEMBERS),
    "courses.enroll": ("POST", MEMBERS),
    "courses.lesson": ("GET", MEMBERS),
    "courses.complete": ("POST", MEMBERS),
    "courses.asset": ("GET", PUBLIC),
    "courses.learning": ("GET", MEMBERS),
    "courses.resume": ("GET", MEMBERS),  # not enrolled: back to the course page
    "courses.certificate": ("GET", STAFF),  # the world person's: only they, HR and admin
    "courses.certificate_download": ("GET", STAFF),
    "courses.certificate_revoke": ("POST", {"admin"}),
    "courses.verify_form": ("GET", PUBLIC),
    "courses.verify": ("GET", PUBLIC),
    "quiz.overview": ("GET", MEMBERS),
    "quiz.start": ("POST", NOBODY),  # only someone enrolled starts their own attempt
    "quiz.attempt": ("GET", TEACHERS),  # the world person's attempt: read-only for these
    "quiz.save": ("POST", NOBODY),  # only its owner answers an attempt
    "quiz.submit": ("POST", NOBODY),
    "quiz.confirm": ("GET", NOBODY),  # asks the owner about unanswered questions
    "quiz.review": ("GET", TEACHERS),
    "quiz.statistics": ("GET", TEACHERS),
    "quiz.settings": ("GET POST", STAFF),
    "reminders.notifications": ("GET", MEMBERS),
    "reminders.mark_read": ("POST", NOBODY),  # the world person's notification
    "reminders.mark_all_read": ("POST", MEMBERS),
    "reminders.settings": ("GET POST", MEMBERS),
    "reminders.admin": ("GET", {"admin"}),
    "reminders.message": ("GET", {"admin"}),
    "reminders.resend": ("POST", {"admin"}),
    "audit.index": ("GET", {"admin"}),
    # An empty POST is an unconfirmed erasure: the admin gets the form back, nothing changes.
    "erasure.erase": ("GET POST", {"admin"}),
    "erasure.retention": ("GET", {"admin"}),
    "audit.export": ("GET", {"admin"}),
    "people.import_upload": ("GET POST", STAFF),
    "people.import_preview": ("GET", STAFF),
    "people.import_confirm": ("POST", STAFF),
    "people.import_cancel": ("POST", STAFF),
    # Action plans. The world's item lies in a unit none of these roles belongs to or heads, so
    # only HR and admin read it; the owner/head/colleague cases are in ACTION_EXPECTED below.
    "actions.index": ("GET", MEMBERS),
    "actions.mine": ("GET", MEMBERS),
    "actions.unit_plan": ("GET", STAFF),
    "actions.item_new": ("GET POST", NOBODY),
    "actions.item": ("GET", STAFF),
    "actions.item_edit": ("GET POST", NOBODY),
    "actions.update_new": ("GET POST", NOBODY),
    "actions.comment_new": ("POST", STAFF),
    "actions.review": ("POST", NOBODY),
    "actions.evidence": ("GET", STAFF),
    "actions.overview": ("GET", STAFF),
    "actions.overview_export": ("GET", STAFF),
    "actions.import_upload": ("GET POST", IMPORTERS),
    "actions.import_confirm": ("POST", IMPORTERS),
    "actions.import_template": ("GET", IMPORTERS),
    "actions.programs": ("GET", STAFF),
    "actions.program_new": ("GET POST", STAFF),
    "actions.program_edit": ("GET POST", STAFF),
    "assignments.index": ("GET", STAFF),
    "assignments.new": ("GET POST", STAFF),
    "assignments.cancel": ("GET POST", STAFF),  # GET: the confirmation page
    "paths.index": ("GET", STAFF),
    "paths.new": ("GET POST", STAFF),
    "paths.cancel": ("POST", STAFF),
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
    # The AI register. The world's entry lies in the world unit: only the province's readers
    # see it; members, heads and delegates are tried in tests/aiuse/test_views.py.
    "aiuse.index": ("GET", MEMBERS),
    "aiuse.unit_register": ("GET", AI_PROVINCE),
    "aiuse.entry": ("GET", AI_PROVINCE),
    "aiuse.entry_new": ("GET POST", NOBODY),
    "aiuse.entry_edit": ("GET POST", NOBODY),
    "aiuse.dpia": ("GET POST", NOBODY),
    "aiuse.dpia_sign": ("POST", NOBODY),
    "aiuse.publish": ("POST", NOBODY),
    "aiuse.links": ("GET POST", NOBODY),
    "aiuse.delegates": ("GET POST", NOBODY),
    "aiuse.delegate_remove": ("POST", NOBODY),
    "aiuse.overview": ("GET", AI_PROVINCE),
    "aiuse.overview_export": ("GET", AI_PROVINCE),
    "aiuse.public": ("GET", PUBLIC),
    # Teaching: HR/admin assign instructors; the world's instructor teaches the world courses.
    "teaching.instructors": ("GET POST", STAFF),
    "teaching.instructor_remove": ("POST", STAFF),
    "teaching.index": ("GET", TEACHERS),
    "teaching.learners": ("GET", TEACHERS),
    "teaching.queue": ("GET", TEACHERS),
    "teaching.grade": ("GET POST", TEACHERS),  # the world person's essay, waiting for a grade
    # Only the course's learners read and ask (the world person); its teachers read and answer.
    "teaching.lesson_questions": ("GET", TEACHERS),
    "teaching.ask": ("POST", NOBODY),
    "teaching.answer": ("POST", TEACHERS),
    "teaching.hide": ("POST", TEACHERS),
    # Browser authoring (rules courses.create, draft.edit, courses.edit). "slug" is the world's
    # synced course: read-only, exported; "authored" a published browser course whose edits a
    # POST may make (the world's instructor does not teach it). Every instructor starts courses
    # (tests/authoring/test_instructor_authoring.py tries their own drafts and others').
    "authoring.index": ("GET", AUTHORS),
    "authoring.new": ("GET POST", AUTHORS),
    "authoring.course": ("GET", TEACHERS),  # the world course: read-only for its teachers too
    "authoring.export": ("GET", TEACHERS),
    "authoring.import_zip": ("POST", AUTHORS),
    "authoring.settings": ("GET POST", STAFF),
    "authoring.lesson_new": ("GET POST", STAFF),
    "authoring.lesson_edit": ("GET POST", STAFF),
    "authoring.preview": ("POST", STAFF),  # the live preview (JavaScript); empty: 400
    "authoring.lesson_move": ("POST", STAFF),
    "authoring.lesson_delete": ("POST", STAFF),
    "authoring.image_upload": ("POST", STAFF),
    "authoring.image_delete": ("POST", STAFF),
    "authoring.draft_file": ("GET", STAFF),
    "authoring.media": ("GET", PUBLIC),  # as courses.asset: a published course's image
    "authoring.quiz": ("GET POST", STAFF),
    # The bank question by question: the policy of authoring.quiz ("number" 1 is a question).
    "authoring.questions": ("GET", STAFF),
    "authoring.question_new": ("GET POST", STAFF),
    "authoring.question_edit": ("GET POST", STAFF),
    "authoring.question_move": ("POST", STAFF),
    "authoring.question_delete": ("POST", STAFF),
    "authoring.publish": ("POST", STAFF),
    "authoring.version": ("GET", STAFF),
    "authoring.version_zip": ("GET", STAFF),
    "authoring.rollback": ("POST", STAFF),
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
    "actions.overview_export": set(),
    "actions.import_upload": HEADS,
    "actions.import_confirm": HEADS,
    "actions.import_template": HEADS,
    "actions.programs": set(),
    "actions.program_new": set(),
    "actions.program_edit": set(),
}

#: The routes about one person's account, tried on each kind of account below (the world's
#: learner in EXPECTED is one of them).
ACCOUNT_ROUTES = [
    "accounts.user_edit",
    "accounts.user_reset_password",
    "accounts.user_set_active",
    "accounts.user_unlock",
]
#: Whose account, by the roles the person holds -> who may manage it. HR manages learners and
#: unit heads, never a fellow HR officer or an admin; an admin manages everyone.
TARGETS: dict[str, set[str]] = {
    "learner": STAFF,
    "unit_head": STAFF,
    "hr": {"admin"},
    "admin": {"admin"},
}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    """Who may open what does not depend on the database, so the matrix runs on SQLite only
    (every feature's own tests run on both)."""
    return migrated(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'm.sqlite'}", tmp_path_factory)


@pytest.fixture(scope="module")
def matrix(
    database_url, tmp_path_factory
) -> Iterator[tuple[Flask, dict, sqlite3.Connection, Path]]:
    """One app and one world for the whole module, with a snapshot of both (database and
    instance folder) that every case starts from: building the world for each of some 800
    cases took minutes."""
    from lms.extensions import db

    instance = tmp_path_factory.mktemp("instance")
    config = settings_for_tests(database_url, str(instance))
    config["WTF_CSRF_ENABLED"] = False
    app = create_app(config)
    app.test_client_class = Client
    with app.app_context():
        world = _build_world(app, db, tmp_path_factory.mktemp("world"))
        snapshot = sqlite3.connect(":memory:")
        raw = db.engine.raw_connection()
        raw.driver_connection.backup(snapshot)
        raw.close()
        kept = tmp_path_factory.mktemp("instance-snapshot") / "instance"
        shutil.copytree(instance, kept)
        yield app, world, snapshot, kept
        db.session.remove()
        db.engine.dispose()
    snapshot.close()


@pytest.fixture
def app(matrix) -> Iterator[Flask]:
    """The module's app with its world exactly as built: database, files and rate counts."""
    from lms.extensions import db, limiter

    app, _world, snapshot, kept = matrix
    with app.app_context():
        db.session.remove()
        raw = db.engine.raw_connection()
        snapshot.backup(raw.driver_connection)
        raw.close()
        shutil.rmtree(app.instance_path)
        shutil.copytree(kept, app.instance_path)
        limiter.reset()
        yield app
        db.session.remove()


@pytest.fixture
def world(matrix, app) -> dict:
    return matrix[1]


def _build_world(app: Flask, db, tmp_path: Path) -> dict:
    """The objects the URLs point at: a bidang of an OPD, one of its people with course work and
    an action item (a progress update with evidence), the people around that item, a staff
    list awaiting import, and the accounts the account routes are tried on (``TARGETS``).

    Built once; the ``app`` fixture restores it before every case, so a POST that deactivates,
    confirms or cancels something cannot change what the next case sees."""
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
    bkd = make_unit("Badan Kepegawaian Daerah")
    targets = {
        "learner": person,
        "unit_head": people["head"],
        "hr": make_user(unit=bkd, roles={"learner", "hr"}),
        "admin": make_user(unit=bkd, roles={"admin"}),
    }
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
    correction = corrections.ask(person, "position", "Guru Ahli Madya", "", utcnow())
    ai_entry = make_ai_use(unit, people["head"], dpia=True)
    authored = _authored_course(tmp_path / "courses" / "kursus-uji")
    write_course(tmp_path / "courses", slug="esai", lessons=1, gift=ESSAY_GIFT)
    sync(tmp_path / "courses")
    essay_course = db.session.scalar(select(Course).where(Course.slug == "esai"))
    essay = next(
        aq for aq in essay_attempt(person, essay_course).questions if aq.question.name == "Esai"
    )
    instructor = make_user(unit=bkd, roles={"learner", "instructor"})
    for taught in (course, essay_course):
        teaching.assign_instructor(taught, instructor, None, utcnow())
    asked = questions.ask(enrollment, lesson, person, "Apa maksud JP?", False, utcnow())
    path, _ = paths.require_path(
        "Jalur Pimpinan", [course], ["JPT"], date(2030, 1, 31), by=None, now=utcnow()
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
        "targets": {name: t.id for name, t in targets.items()},
        "assignment_id": assignment.id,
        "path_id": path.id,
        "correction_id": correction.id,
        "entry_id": ai_entry.id,
        "instructor_id": instructor.id,
        "answer_id": essay.id,
        "question_id": asked.id,
        "authored": authored,
        "number": 1,
        "report": "enrolments",
        "fmt": "csv",
    }


def _authored_course(folder: Path) -> str:
    """A browser course made from a copy of a course folder (its image too), published once."""
    files = bundle.folder_files(folder)
    draft, problems = authoring.import_zip(bundle.to_zip("kursus-peramban", files), None, utcnow())
    assert not problems, problems
    authoring.publish(draft, None, utcnow())
    return draft.slug


def _pending_import() -> str:
    from lms.people import importer
    from lms.people.views import parking

    data = b"NIP;Nama;Unit Kerja\n'199001022015031003;Ani Rahayu;Dinas Pendidikan\n"
    now = utcnow()
    # Parked as the upload page parks it: the checked rows, not the file.
    parsed = importer.parse(data, "uji.csv", now.date())
    plan = importer.plan_for(parsed, full=False, actor_id=None)
    meta = {"actor_id": None, "filename": "uji.csv", "full": False, "preview": plan.preview()}
    return parking.park(parsed.dumps(), meta, now).token


#: Methods every route answers without naming them.
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
#: Routes whose purpose is to end on the login page (logging out, here or everywhere): a plain
#: redirect there is their answer. Flask-Login's "log in first" (with ``next``) still fails them.
ENDS_AT_LOGIN = {"accounts.logout", "accounts.end_all"}

#: One case per endpoint and method its EXPECTED row names.
CASES = [
    (endpoint, method) for endpoint in sorted(EXPECTED) for method in EXPECTED[endpoint][0].split()
]
ACTION_CASES = [(endpoint, method) for endpoint, method in CASES if endpoint in ACTION_EXPECTED]
ACCOUNT_CASES = [(endpoint, method) for endpoint, method in CASES if endpoint in ACCOUNT_ROUTES]


def _urls(app: Flask, endpoint: str, method: str, world: dict) -> list[str]:
    """One URL for each rule of ``endpoint`` that accepts ``method`` (a report answers both with
    and without a unit), its arguments taken from the world."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods]
    assert rules, f"{endpoint} does not accept {method}"
    adapter = app.url_map.bind("localhost")
    urls = []
    with app.test_request_context():
        for rule in rules:
            defaults = rule.defaults or {}
            args = {arg: world[arg] for arg in rule.arguments if arg not in defaults}
            url = url_for(endpoint, **args)
            assert adapter.match(url, method=method, return_rule=True)[0] is rule, url
            urls.append(url)
    return urls


def _open(client, url: str, method: str):
    """The answer, read whole: a streamed export must end inside its own request."""
    return client.open(url, method=method, buffered=True)


def _login_path(app: Flask) -> str:
    with app.test_request_context():
        return url_for("accounts.login")


def _redirect_path(response) -> str | None:
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    return urlsplit(response.headers["Location"]).path


def _asks_to_log_in(app: Flask, response, url: str) -> bool:
    """Flask-Login's answer to a visitor: the login page, ``next`` being the page asked for."""
    location = urlsplit(response.headers.get("Location", ""))
    return (
        response.status_code == 302
        and location.path == _login_path(app)
        and parse_qs(location.query).get("next") == [url]
    )


def _check(app: Flask, response, url: str, endpoint: str, method: str, allowed, who: str) -> None:
    """Assert the answer ``who`` gets from ``method`` on ``url``, given who is ``allowed``."""
    status, login = response.status_code, _login_path(app)
    if allowed == NOT_CONFIGURED:
        assert status == 404, status
    elif allowed == PUBLIC:
        assert not _asks_to_log_in(app, response, url), "a public page asks to log in"
        target = _redirect_path(response)
        if target is None:
            assert status == 200, status
        else:
            assert target != login or endpoint in ENDS_AT_LOGIN, f"redirects to {target}"
    elif who == "anonymous":
        assert _asks_to_log_in(app, response, url), (status, response.headers.get("Location"))
    elif who in allowed:
        # A form posted empty comes back with its errors, redirects, or is refused as malformed.
        accepted = {200, 302} if method == "GET" else {200, 302, 400}
        assert status in accepted, status
        assert not _asks_to_log_in(app, response, url), response.headers["Location"]
        target = _redirect_path(response)
        assert target != login or endpoint in ENDS_AT_LOGIN, f"redirects to {target}"
    else:
        assert status == 403, status


def test_every_route_has_an_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert endpoints - EXPECTED.keys() == set(), "add these routes to EXPECTED"
    assert EXPECTED.keys() - endpoints == set(), "these routes no longer exist"


def test_every_method_of_every_route_is_checked(app):
    served = {
        (r.endpoint, method)
        for r in app.url_map.iter_rules()
        if r.endpoint != "static"
        for method in r.methods - IMPLICIT_METHODS
    }
    checked = set(CASES)
    assert served - checked == set(), "name these methods in the route's EXPECTED row"
    assert checked - served == set(), "these routes do not accept these methods"


def test_every_row_names_known_roles():
    known = set(ROLES) - {"anonymous"}
    for endpoint, (methods, allowed) in EXPECTED.items():
        assert methods.split() and methods == methods.upper(), endpoint
        assert allowed in (PUBLIC, NOT_CONFIGURED) or set(allowed) <= known, endpoint


def _login(login_as, db, world: dict, role: str) -> None:
    """Sign in as ``role``: the world's instructor (who teaches its courses) for "instructor"."""
    from lms.accounts.models import User

    if role == "instructor":
        login_as(db.session.get(User, world["instructor_id"]))
    elif role != "anonymous":
        login_as(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method"), CASES)
def test_route_for_role(app, client, login_as, db, world, endpoint, method, role):
    _login(login_as, db, world, role)
    for url in _urls(app, endpoint, method, world):
        response = _open(client, url, method)
        _check(app, response, url, endpoint, method, EXPECTED[endpoint][1], role)


def test_every_action_route_has_a_per_person_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("actions.")}
    assert endpoints == ACTION_EXPECTED.keys()


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("endpoint", "method"), ACTION_CASES)
def test_action_route_for_person(app, client, login_as, db, world, endpoint, method, person):
    from lms.accounts.models import User

    login_as(db.session.get(User, world["people"][person]))
    for url in _urls(app, endpoint, method, world):
        response = _open(client, url, method)
        _check(app, response, url, endpoint, method, ACTION_EXPECTED[endpoint], person)


def test_every_route_about_an_account_is_tried_on_every_target(app):
    endpoints = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("accounts.") and "user_id" in r.arguments
    }
    assert endpoints == set(ACCOUNT_ROUTES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize(("endpoint", "method"), ACCOUNT_CASES)
def test_account_route_for_role_and_target(
    app, client, login_as, world, endpoint, method, target, role
):
    if role != "anonymous":
        login_as(role)
    on_target = dict(world, user_id=world["targets"][target])
    for url in _urls(app, endpoint, method, on_target):
        response = _open(client, url, method)
        _check(app, response, url, endpoint, method, TARGETS[target], role)
