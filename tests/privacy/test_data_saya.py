"""Data saya: one person's copy of everything Sinau holds about them, and nobody else's."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from lms.accounts.models import User
from lms.actions import evidence as evidence_store
from lms.actions.services import add_comment, post_update
from lms.activation.services import issue
from lms.assignments.models import Assignment
from lms.audit.models import AuditEvent
from lms.audit.services import record
from lms.courses import services as courses
from lms.courses.models import Course
from lms.extensions import db as _db
from lms.privacy.registry import PROVIDERS, covered_tables
from lms.quiz import services as quiz
from lms.quiz.answers import from_form
from lms.reminders.models import Notification, NotificationSetting, OutboxMessage
from lms.sso.models import SsoIdentity
from tests.factories import make_item, make_session, make_unit, make_user, sync, write_course

T0 = datetime(2026, 11, 2, 3, 0)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def fill(user: User, course: Course, tag: str) -> dict:
    """Give ``user`` data in every feature; every free text carries ``tag``."""
    db = _db
    unit = user.unit
    unit.head = user
    make_session(user, ip="10.0.0.7", user_agent=f"Peramban {tag}")
    enrollment = courses.enroll(user, course, T0)
    courses.complete_lesson(enrollment, courses.current_lessons(course)[0], T0)
    attempt = quiz.start_attempt(enrollment, T0)
    short = next(aq for aq in attempt.questions if aq.question.type == "shortanswer")
    quiz.submit_attempt(
        attempt, from_form(attempt, MultiDict({f"q{short.position}": f"jawaban {tag}"})), T0
    )
    enrollment.completed_at, enrollment.completed_on, enrollment.jp_earned = T0, T0.date(), 2
    certificate = courses.issue_certificate(enrollment, T0)
    item = make_item(unit, user, actor=user, title=f"Aksi {tag}", now=T0)
    upload = evidence_store.Evidence(PNG + tag.encode(), f"bukti {tag}.png", "image/png", "x" * 64)
    key = evidence_store.store(upload, T0)
    post_update(
        item,
        user,
        T0,
        progress=40,
        status="in_progress",
        note=f"Catatan {tag}",
        evidence_key=key,
        evidence=upload,
    )
    add_comment(item, user, T0, f"Komentar {tag} <script>alert(1)</script>")
    notification = Notification(
        user_id=user.id,
        key=f"uji:{tag}",
        category="course",
        rule="uji",
        title=f"Pengingat {tag}",
        body=f"Isi pengingat {tag}",
        url="/",
        created_at=T0,
    )
    db.session.add(notification)
    db.session.flush()
    db.session.add(
        OutboxMessage(
            notification_id=notification.id, to_address=user.email, status="sent", sent_at=T0
        )
    )
    db.session.add(NotificationSetting(user_id=user.id, category="digest", email=False))
    issue([user.id], "activation", T0)
    db.session.add(SsoIdentity(issuer="https://sso.uji", subject=f"sub-{tag}", user_id=user.id))
    db.session.add(
        Assignment(
            course_id=course.id,
            scope="unit",
            unit_id=unit.id,
            deadline=T0.date() + timedelta(days=30),
            created_by_id=user.id,
        )
    )
    record(None, "users.edit", f"user:{user.id}", now=T0, fields=["position"])
    db.session.commit()
    return {"certificate": certificate.code, "evidence": PNG + tag.encode(), "key": key}


@pytest.fixture
def people(app, db, tmp_path):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    course = db.session.scalar(select(Course))
    ani = make_user(
        unit=make_unit(), roles={"learner", "hr"}, full_name="Ani Rahayu", position="Analis Ani"
    )
    budi = make_user(
        unit=make_unit(), roles={"learner", "hr"}, full_name="Budi Santoso", position="Analis Budi"
    )
    db.session.commit()
    return {
        "ani": (ani, fill(ani, course, "ANI-7")),
        "budi": (budi, fill(budi, course, "BUDI-9")),
    }


def download(client) -> zipfile.ZipFile:
    response = client.post("/account/data")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_every_piece_of_a_persons_data_is_in_their_zip(client, login_as, people):
    ani, facts = people["ani"]
    login_as(ani)
    archive = download(client)
    names = set(archive.namelist())
    assert {"data.json", "ringkasan.html"} <= names
    data = json.loads(archive.read("data.json"))
    assert set(data["parts"]) == set(PROVIDERS)
    parts = data["parts"]
    profile = parts["accounts"]["profile"]
    assert (profile["full_name"], profile["nip"], profile["email"]) == (
        ani.full_name,
        ani.nip,
        ani.email,
    )
    assert profile["position"] == "Analis Ani" and profile["unit"] == ani.unit.name
    assert "hr" in parts["accounts"]["roles"]
    assert any(s["user_agent"] == "Peramban ANI-7" for s in parts["accounts"]["sessions"])
    assert parts["org"]["units_headed"][0]["name"] == ani.unit.name
    [enrollment] = parts["courses"]["enrollments"]
    assert enrollment["course"] == "kursus-uji" and len(enrollment["lessons_completed"]) == 1
    [certificate] = parts["courses"]["certificates"]
    assert certificate["code"] == facts["certificate"] and certificate["holder_nip"] == ani.nip
    [attempt] = parts["quiz"]["attempts"]
    assert attempt["submitted_at"] and attempt["score"] is not None
    answers = {a["type"]: a for a in attempt["answers"]}
    assert answers["shortanswer"]["response"] == {"text": "jawaban ANI-7"} or "ANI-7" in json.dumps(
        answers["shortanswer"]["response"]
    )
    [item] = parts["actions"]["items"]
    assert item["title"] == "Aksi ANI-7" and item["role"] == "owner"
    [update] = parts["actions"]["updates"]
    assert update["note"] == "Catatan ANI-7"
    assert archive.read(update["evidence_file"]) == facts["evidence"]
    assert parts["actions"]["comments"][0]["body"].startswith("Komentar ANI-7")
    assert parts["actions"]["history"]
    assert parts["reminders"]["notifications"][0]["title"] == "Pengingat ANI-7"
    assert parts["reminders"]["emails"][0]["to_address"] == ani.email
    assert parts["reminders"]["email_settings"] == [{"category": "digest", "email": False}]
    assert parts["activation"]["links"][0]["purpose"] == "activation"
    assert parts["sso"]["identities"][0]["subject"] == "sub-ANI-7"
    assert parts["assignments"]["created"][0]["scope"] == "unit"
    assert any(e["action"] == "users.edit" for e in parts["audit"]["events"])
    summary = archive.read("ringkasan.html").decode()
    assert "Ani Rahayu" in summary and "Catatan ANI-7" in summary
    assert "&lt;script&gt;" in summary and "<script>" not in summary


def test_no_one_elses_data_is_in_the_zip(client, login_as, people):
    ani, _ = people["ani"]
    budi, budi_facts = people["budi"]
    login_as(ani)
    archive = download(client)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for secret in (budi.full_name, budi.nip, budi.email, "BUDI-9", budi_facts["certificate"]):
        assert secret.encode() not in everything, secret
    assert budi_facts["evidence"] not in everything


def test_each_person_downloads_only_their_own(client, login_as, people):
    ani, _ = people["ani"]
    budi, _ = people["budi"]
    login_as(budi)
    data = json.loads(download(client).read("data.json"))
    assert data["person_id"] == budi.id
    assert data["parts"]["accounts"]["profile"]["nip"] == budi.nip
    assert ani.nip not in json.dumps(data)


def test_the_download_is_audited(client, login_as, db, people):
    ani, _ = people["ani"]
    login_as(ani)
    download(client)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.export"))
    assert (event.actor_id, event.target) == (ani.id, f"user:{ani.id}")
    assert event.details["files"] == 1 and event.details["parts"] == len(PROVIDERS)


def test_a_missing_evidence_file_is_named_not_fatal(client, login_as, people):
    ani, facts = people["ani"]
    evidence_store.path_for(facts["key"]).unlink()
    login_as(ani)
    data = json.loads(download(client).read("data.json"))
    assert data["missing_files"] == [data["parts"]["actions"]["updates"][0]["evidence_file"]]


def test_anonymous_is_asked_to_log_in(client):
    response = client.post("/account/data")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_get_is_not_a_download(client, login_as):
    login_as("learner")
    assert client.get("/account/data").status_code == 405


def test_the_download_needs_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user()
        key = make_session(user)
        _db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = f"{user.id}:{key}"
        assert client.post("/account/data").status_code == 400


def test_the_account_page_offers_the_download(client, login_as):
    login_as("learner")
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/data"' in page and "Unduh data saya" in page


def _statements(app, fn) -> int:
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count


def test_export_queries_do_not_grow_with_the_data(app, db, tmp_path):
    """A few statements per feature, whether the person has one item or many."""
    from lms.privacy.services import collect

    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    course = db.session.scalar(select(Course))
    user = make_user(unit=make_unit())
    fill(user, course, "SATU")

    def export():
        db.session.expire_all()
        collect(db.session.get(User, user.id))

    few = _statements(app, export)
    for n in range(4):
        item = make_item(user.unit, user, actor=user, now=T0)
        post_update(item, user, T0, progress=10, status="in_progress", note=f"catatan {n}")
        add_comment(item, user, T0, f"komentar {n}")
    db.session.commit()
    assert _statements(app, export) == few


# -- the registry: a table about people that no provider answers for fails here ---------------

#: Tables that refer to a person's row yet hold none of their personal data. Each needs a reason.
NOT_PERSONAL: dict[str, str] = {
    # An action item's alignment tags: (item id, tag id) only; the item itself is exported.
    "action_item_tags": "links an item to a tag of a shared list",
    # An action item's supporting courses: (item id, course slug) only.
    "action_item_courses": "links an item to a course slug",
}


def personal_tables(metadata) -> dict[str, str]:
    """Tables holding a person's data, with why: a foreign key to users.id, or a row that dies
    with such a row (ON DELETE CASCADE to a personal table: lesson progress, quiz answers,
    the outbox)."""
    found: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for table in metadata.sorted_tables:
            if table.name in found:
                continue
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent == "users":
                    found[table.name] = f"{fk.parent.name} -> users.id"
                elif parent in found and fk.ondelete == "CASCADE" and parent != "users":
                    found[table.name] = f"{fk.parent.name} -> {parent} (cascade)"
                else:
                    continue
                changed = True
                break
    return found


def test_every_table_about_a_person_has_a_privacy_provider(app):
    personal = personal_tables(_db.metadata)
    assert "enrollments" in personal and "lesson_progress" in personal  # the walk works
    missing = {
        name: why
        for name, why in personal.items()
        if name not in covered_tables() and name not in NOT_PERSONAL
    }
    assert not missing, (
        "add these tables to a @personal_data provider in lms/<feature>/privacy.py "
        f"(or, with a reason, to NOT_PERSONAL): {missing}"
    )


def test_the_allow_list_names_only_real_uncovered_tables(app):
    tables = {t.name for t in _db.metadata.sorted_tables}
    assert set(NOT_PERSONAL) <= tables
    assert not set(NOT_PERSONAL) & covered_tables()


def test_every_provider_covers_a_real_table(app):
    tables = {t.name for t in _db.metadata.sorted_tables}
    for provider in PROVIDERS.values():
        assert provider.tables and provider.tables <= tables, provider.name
