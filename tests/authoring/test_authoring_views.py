"""Browser authoring pages, without JavaScript: forms, preview, upload, publish, versions."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import event, func, select

from lms.authoring import services
from lms.authoring.models import CourseDraft
from lms.courses.models import Course
from tests.authoring.helpers import GIFT, tiny_png
from tests.factories import sync, write_course
from tests.test_pages import LIMIT, Fields

NEW = {
    "slug": "etika-ai",
    "title": "Etika AI",
    "summary": "Memakai AI dengan aman.",
    "level": "dasar",
    "jp": "2",
    "minutes": "90",
    "version": "1",
    "tags": "ai, etika",
    "pass_mark": "70",
    "max_attempts": "0",
    "show_answers": "after_pass",
}


def make_course(client):
    response = client.post("/authoring/new", data=NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/authoring/etika-ai"


def test_author_writes_previews_publishes_and_a_learner_reads(client, login_as, db):
    login_as("hr")
    make_course(client)
    lesson = {"title": "Pengantar", "body": "## Mengapa\n\nData **warga** dilindungi.\n\n"}
    lesson["body"] += "![Rapat](gambar/rapat.png)"
    upload = {"image": (io.BytesIO(tiny_png()), "rapat.png")}
    response = client.post("/authoring/etika-ai/images", data=upload)
    assert response.status_code == 302

    page = client.post("/authoring/etika-ai/lessons/new", data={**lesson, "preview": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<strong>warga</strong>" in html
    assert 'src="/authoring/etika-ai/files/gambar/rapat.png"' in html
    draft = services.find_draft("etika-ai")
    assert services.find_lesson(draft, "pengantar") is None  # a preview saves nothing
    assert client.get("/authoring/etika-ai/files/gambar/rapat.png").mimetype == "image/png"

    assert (
        client.post("/authoring/etika-ai/lessons/new", data={**lesson, "save": "1"}).status_code
        == 302
    )
    client.post(
        "/authoring/etika-ai/lessons/new",
        data={"title": "Penutup", "body": "Selesai.", "save": "1"},
    )
    assert client.post("/authoring/etika-ai/quiz", data={"gift": GIFT}).status_code == 302
    assert client.post("/authoring/etika-ai/publish").status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "etika-ai"))
    assert course is not None and course.retired_at is None

    login_as("learner")
    assert client.post("/courses/etika-ai/enroll").status_code == 302
    page = client.get("/courses/etika-ai/lessons/pengantar")
    assert page.status_code == 200 and "<strong>warga</strong>" in page.get_data(as_text=True)
    image = client.get("/courses/etika-ai/media/gambar/rapat.png")
    assert image.status_code == 200 and image.data == tiny_png()
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert client.get("/authoring/etika-ai/files/gambar/rapat.png").status_code == 403


def test_gift_problems_are_listed_with_their_lines(client, login_as):
    login_as("hr")
    make_course(client)
    page = client.post(
        "/authoring/etika-ai/quiz", data={"gift": "::A:: a {=x ~y\n\n::B:: {#abc}\n"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Baris 1" in html and "Baris 3" in html


def test_lessons_reorder_with_buttons(client, login_as):
    login_as("hr")
    make_course(client)
    for title in ("Satu", "Dua"):
        client.post(
            "/authoring/etika-ai/lessons/new", data={"title": title, "body": "Isi.", "save": "1"}
        )
    client.post("/authoring/etika-ai/lessons/dua/move", data={"direction": "up"})
    html = client.get("/authoring/etika-ai").get_data(as_text=True)
    assert html.index(">Dua<") < html.index(">Satu<")


def test_version_page_shows_an_escaped_diff_and_rolls_back(client, login_as, db):
    login_as("hr")
    make_course(client)
    client.post(
        "/authoring/etika-ai/lessons/new", data={"title": "Satu", "body": "Lama.", "save": "1"}
    )
    client.post("/authoring/etika-ai/publish")
    body = "Baru <script>alert(1)</script>."
    client.post(
        "/authoring/etika-ai/lessons/satu", data={"title": "Satu", "body": body, "save": "1"}
    )
    client.post("/authoring/etika-ai/publish")
    html = client.get("/authoring/etika-ai/versions/2").get_data(as_text=True)
    assert "+Baru &lt;script&gt;alert(1)&lt;/script&gt;." in html and "<script>alert" not in html
    assert client.post("/authoring/etika-ai/versions/1/rollback").status_code == 302
    client.post("/courses/etika-ai/enroll")
    lesson_page = client.get("/courses/etika-ai/lessons/satu").get_data(as_text=True)
    assert "Lama." in lesson_page


def test_a_synced_course_is_read_only_here(client, login_as, db, tmp_path, app):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    app.config["COURSES_PATH"] = str(tmp_path)
    login_as("hr")
    html = client.get("/authoring/kursus-uji").get_data(as_text=True)
    assert "dikelola lewat berkas" in html and "Tambah materi" not in html
    response = client.post(
        "/authoring/kursus-uji/lessons/new", data={"title": "X", "body": "Y", "save": "1"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/authoring/kursus-uji"
    assert db.session.scalar(select(func.count(CourseDraft.id))) == 0
    exported = client.get("/authoring/kursus-uji/export")
    names = zipfile.ZipFile(io.BytesIO(exported.data)).namelist()
    assert "kursus-uji/course.toml" in names and "kursus-uji/01-materi-1.md" in names


def test_export_then_import_through_the_pages(client, login_as, db):
    login_as("hr")
    make_course(client)
    client.post(
        "/authoring/etika-ai/lessons/new", data={"title": "Satu", "body": "Isi.", "save": "1"}
    )
    exported = client.get("/authoring/etika-ai/export")
    assert exported.mimetype == "application/zip"
    renamed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported.data)) as source, zipfile.ZipFile(renamed, "w") as out:
        for info in source.infolist():
            out.writestr(info.filename.replace("etika-ai/", "etika-ai-2/", 1), source.read(info))
    response = client.post(
        "/authoring/import", data={"archive": (io.BytesIO(renamed.getvalue()), "k.zip")}
    )
    assert response.headers["Location"] == "/authoring/etika-ai-2"
    assert services.find_lesson(services.find_draft("etika-ai-2"), "satu") is not None


def test_learners_may_not_author(client, login_as):
    login_as("learner")
    assert client.get("/authoring").status_code == 403
    assert client.post("/authoring/new", data=NEW).status_code == 403


def test_editor_pages_label_every_field_and_stay_light(client, login_as):
    login_as("hr")
    make_course(client)
    client.post("/authoring/etika-ai/images", data={"image": (io.BytesIO(tiny_png()), "a.png")})
    client.post(
        "/authoring/etika-ai/lessons/new", data={"title": "Satu", "body": "Isi.", "save": "1"}
    )
    client.post("/authoring/etika-ai/quiz", data={"gift": GIFT})
    client.post("/authoring/etika-ai/publish")
    for path in [
        "/authoring/etika-ai",
        "/authoring/etika-ai/settings",
        "/authoring/etika-ai/lessons/new",
        "/authoring/etika-ai/lessons/satu",
        "/authoring/etika-ai/quiz",
        "/authoring/etika-ai/versions/1",
    ]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert len(page.data) < LIMIT
        parser = Fields()
        parser.feed(page.get_data(as_text=True))
        for control in parser.controls:
            assert control["_wrapped"] or control.get("id") in parser.labelled, (path, control)


def test_live_preview_answers_the_rendered_sanitised_fragment(client, login_as):
    login_as("hr")
    make_course(client)
    body = "**tebal** <script>alert(1)</script>"
    page = client.post("/authoring/etika-ai/preview", data={"title": "T", "body": body})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<strong>tebal</strong>" in html
    assert "<script>" not in html and 'id="pratinjau"' in html
    assert services.find_lesson(services.find_draft("etika-ai"), "t") is None


def statements_of(db, fn) -> int:
    """How many SQL statements ``fn()`` runs."""
    seen = []

    def count(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_editor_page_takes_as_many_statements_for_many_lessons_as_for_few(client, login_as, db):
    login_as("hr")
    make_course(client)
    add = "/authoring/etika-ai/lessons/new"

    def overview():
        assert client.get("/authoring/etika-ai").status_code == 200

    client.post(add, data={"title": "Satu", "body": "Isi.", "save": "1"})
    client.post("/authoring/etika-ai/publish")
    few = statements_of(db, overview)
    for n in range(6):
        client.post(add, data={"title": f"Materi {n}", "body": "Isi.", "save": "1"})
    client.post("/authoring/etika-ai/publish")
    assert statements_of(db, overview) == few
