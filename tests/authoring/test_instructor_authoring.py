"""Instructors write courses in the browser: their own drafts until the first publish, then the
courses they teach (the creator becomes an instructor of the new course); never another
instructor's draft, a course they do not teach, or who teaches what."""

from __future__ import annotations

import io

from sqlalchemy import select

from lms.accounts.models import Role
from lms.authoring import bundle, services
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.policy import can
from lms.teaching import services as teaching
from lms.teaching.models import CourseInstructor
from tests.authoring.helpers import GIFT, SETTINGS
from tests.authoring.test_authoring_views import NEW, make_course
from tests.factories import make_user, sync, write_course

SLUG = NEW["slug"]


def write_and_publish(client) -> None:
    """Create the course through the forms, one lesson and the quiz, and publish it."""
    make_course(client)
    lesson = {"title": "Pengantar", "body": "Data **warga** dilindungi.", "save": "1"}
    assert client.post(f"/authoring/{SLUG}/lessons/new", data=lesson).status_code == 302
    assert client.post(f"/authoring/{SLUG}/quiz", data={"gift": GIFT}).status_code == 302
    assert client.post(f"/authoring/{SLUG}/publish").status_code == 302


def test_the_menu_offers_authoring_to_instructors_not_to_learners(client, login_as):
    login_as("learner")
    assert "Penulisan Kursus" not in client.get("/").get_data(as_text=True)
    assert client.get("/authoring").status_code == 403
    assert client.get("/authoring/new").status_code == 403
    login_as("instructor")  # teaches nothing yet
    assert 'href="/authoring"' in client.get("/").get_data(as_text=True)
    assert client.get("/authoring").status_code == 200


def test_instructor_creates_publishes_and_then_teaches_the_course(client, login_as, db):
    author = login_as("instructor")
    make_course(client)
    draft = services.find_draft(SLUG)
    assert draft.created_by_id == author.id and draft.course_id is None
    assert SLUG in client.get("/authoring").get_data(as_text=True)
    assert client.get(f"/authoring/{SLUG}/settings").status_code == 200
    assert client.get(f"/authoring/{SLUG}/export").mimetype == "application/zip"

    client.post(f"/authoring/{SLUG}/lessons/new", data={"title": "A", "body": "B", "save": "1"})
    assert client.post(f"/authoring/{SLUG}/quiz", data={"gift": GIFT}).status_code == 302
    assert client.post(f"/authoring/{SLUG}/publish").status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    row = db.session.get(CourseInstructor, (course.id, author.id))
    assert row is not None and row.assigned_by_id == author.id  # they published it themselves
    assert teaching.instructor_ids(course.id) == [author.id]
    # Now they edit it as its instructor, and follow its learners.
    assert client.get(f"/authoring/{SLUG}/settings").status_code == 200
    assert client.get(f"/courses/{SLUG}/learners").status_code == 200
    # ...but do not decide who teaches it, not even their own course.
    assert client.get(f"/courses/{SLUG}/instructors").status_code == 403
    other = make_user(roles={"learner", "instructor"})
    db.session.commit()
    refused = client.post(f"/courses/{SLUG}/instructors", data={"user_id": other.id})
    assert refused.status_code == 403
    remove = client.post(f"/courses/{SLUG}/instructors/{author.id}/remove")
    assert remove.status_code == 403
    assert teaching.instructor_ids(course.id) == [author.id]

    # A second publish assigns nobody again; HR ending the assignment ends the editing.
    client.post(f"/authoring/{SLUG}/lessons/new", data={"title": "C", "body": "D", "save": "1"})
    assert client.post(f"/authoring/{SLUG}/publish").status_code == 302
    assert len(services.publications(draft)) == 2
    teaching.remove_instructor(course, author.id)
    db.session.commit()
    assert client.get(f"/authoring/{SLUG}/settings").status_code == 403
    assert SLUG not in client.get("/authoring").get_data(as_text=True)


def test_staff_publishing_an_instructors_draft_makes_the_author_its_instructor(
    client, login_as, db
):
    author = login_as("instructor")
    make_course(client)
    client.post(f"/authoring/{SLUG}/lessons/new", data={"title": "A", "body": "B", "save": "1"})
    hr = login_as("hr")
    assert client.post(f"/authoring/{SLUG}/publish").status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    row = db.session.get(CourseInstructor, (course.id, author.id))
    assert row is not None and row.assigned_by_id == hr.id
    assert db.session.get(CourseInstructor, (course.id, hr.id)) is None  # HR teaches nothing


def test_a_course_written_by_hr_gets_no_instructor(client, login_as, db):
    login_as("hr")
    write_and_publish(client)
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert teaching.instructor_ids(course.id) == []


def test_instructor_cannot_touch_another_instructors_draft(client, login_as, db):
    login_as("instructor")
    make_course(client)
    before = services.draft_files(services.find_draft(SLUG))
    login_as("instructor")
    assert SLUG not in client.get("/authoring").get_data(as_text=True)
    for url in ("", "/settings", "/lessons/new", "/quiz", "/files/gambar/x.png", "/versions/1"):
        assert client.get(f"/authoring/{SLUG}{url}").status_code == 403, url
    assert client.get(f"/authoring/{SLUG}/export").status_code == 403
    lesson = {"title": "Sisipan", "body": "Bukan milik saya.", "save": "1"}
    for url, data in (
        ("/lessons/new", lesson),
        ("/settings", {**NEW, "title": "Diambil alih"}),
        ("/quiz", {"gift": GIFT}),
        ("/publish", {}),
    ):
        assert client.post(f"/authoring/{SLUG}{url}", data=data).status_code == 403, url
    # Importing a ZIP of the same name does not replace their draft either.
    archive = bundle.to_zip(SLUG, {**before, "01-sisipan.md": b"# Sisipan\n\nBukan milik saya.\n"})
    page = client.post(
        "/authoring/import",
        data={"archive": (io.BytesIO(archive), f"{SLUG}.zip")},
        follow_redirects=True,
    )
    assert "ditulis orang lain" in page.get_data(as_text=True)
    assert services.draft_files(services.find_draft(SLUG)) == before
    assert db.session.scalar(select(Course).where(Course.slug == SLUG)) is None


def test_instructor_cannot_edit_a_course_they_do_not_teach(client, login_as, db, app, tmp_path):
    login_as("hr")
    write_and_publish(client)
    write_course(tmp_path / "courses", slug="berkas", lessons=1)
    sync(tmp_path / "courses")
    app.config["COURSES_PATH"] = str(tmp_path / "courses")
    teacher = make_user(roles={"learner", "instructor"})
    synced = db.session.scalar(select(Course).where(Course.slug == "berkas"))
    teaching.assign_instructor(synced, teacher, None, utcnow())
    db.session.commit()

    login_as(teacher)
    index = client.get("/authoring").get_data(as_text=True)
    assert "berkas" in index and SLUG not in index  # what they teach, nothing else
    assert client.get("/authoring/berkas").status_code == 200  # read-only: managed in files
    assert client.get(f"/authoring/{SLUG}").status_code == 403
    assert client.get(f"/authoring/{SLUG}/export").status_code == 403
    assert client.post(f"/authoring/{SLUG}/publish").status_code == 403
    assert client.post(f"/authoring/{SLUG}/versions/1/rollback").status_code == 403

    login_as("instructor")  # teaches nothing: not even the synced course is theirs to read
    assert client.get("/authoring/berkas").status_code == 403
    assert client.get("/authoring/berkas/export").status_code == 403


def test_the_policy_on_drafts(app, db):
    author = make_user(roles={"learner", "instructor"})
    other = make_user(roles={"learner", "instructor"})
    learner = make_user()
    hr = make_user(roles={"learner", "hr"})
    draft = services.create_draft(SLUG, dict(SETTINGS), {}, author, utcnow())
    db.session.commit()
    with app.test_request_context():
        assert [can(p, "courses.create") for p in (author, learner, hr)] == [True, False, True]
        assert [can(p, "draft.edit", draft) for p in (author, other, learner, hr)] == [
            True,
            False,
            False,
            True,
        ]
        assert not can(author, "instructors.manage") and can(hr, "instructors.manage")
    # Without the instructor role the creator's draft is no longer theirs.
    author.set_roles({Role.LEARNER})
    db.session.commit()
    with app.test_request_context():
        assert not can(author, "draft.edit", draft)
        assert not can(author, "courses.create")
