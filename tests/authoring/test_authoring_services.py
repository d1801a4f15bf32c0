"""Browser authoring services: drafts checked like courses/, published like a sync, versions,
rollback, ZIP export and import."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from lms.authoring import bundle, services
from lms.authoring.models import CourseDraft, DraftFile, Publication
from lms.courses import services as courses
from lms.courses.models import Course, Lesson
from lms.i18n import utcnow
from lms.quiz.models import Question
from tests.authoring.helpers import GIFT, QUIZ, SETTINGS, tiny_png
from tests.factories import make_user, sync, write_course


def authored(db, lessons=2, gift=GIFT, image=True):
    """A draft with ``lessons`` lessons, an image used in the first and a quiz."""
    now = utcnow()
    draft = services.create_draft("etika-ai", SETTINGS, QUIZ, None, now)
    if image:
        name = services.add_image(draft, "Foto Rapat.PNG", tiny_png(), now)
        assert name == "gambar/foto-rapat.png"
    for n in range(1, lessons + 1):
        picture = "\n\n![Rapat](gambar/foto-rapat.png)" if image and n == 1 else ""
        services.add_lesson(draft, f"Materi {n}", f"Isi materi {n}.{picture}", now)
    if gift:
        assert services.save_quiz(draft, gift, now) == []
    db.session.commit()
    return draft


def test_course_toml_written_from_the_form_reads_back_the_same(db):
    text = bundle.write_course_toml(
        {**SETTINGS, "title": 'Judul "kutip" \\ garis\tmiring', "mandatory": True}, QUIZ
    )
    settings, quiz = bundle.read_course_toml({"course.toml": text.encode()})
    assert settings["title"] == 'Judul "kutip" \\ garis\tmiring'
    assert settings["mandatory"] is True and settings["tags"] == ["ai", "etika"]
    assert quiz == {"pass_mark": 70, "max_attempts": 0, "show_answers": "after_pass"}


def test_publish_makes_a_course_like_a_sync(db):
    draft = authored(db)
    pub = services.publish(draft, None, utcnow())
    db.session.commit()
    course = db.session.get(Course, draft.course_id)
    assert pub.number == 1 and course.slug == "etika-ai" and course.title == SETTINGS["title"]
    lessons = courses.current_lessons(course)
    assert [lesson.title for lesson in lessons] == ["Materi 1", "Materi 2"]
    # the image is served from the published version, as the lesson says
    assert 'src="/courses/etika-ai/media/gambar/foto-rapat.png"' in lessons[0].html
    assert db.session.scalar(select(func.count(Question.id))) == 2
    assert course.pass_mark == 70


def test_a_draft_with_problems_is_not_published_and_every_problem_is_named(db):
    draft = authored(db, gift=None)
    now = utcnow()
    services.add_lesson(draft, "Kosong", "## Sub\n\n![x](gambar/tidak-ada.png)", now)
    services.save_quiz(draft, "::A:: soal {=a ~b\n\n::B:: {#abc}\n", now)
    db.session.commit()
    _source, problems = services.check(draft)
    assert len(problems) >= 1
    with pytest.raises(services.AuthoringError) as error:
        services.publish(draft, None, now)
    assert "gambar/tidak-ada.png" in str(error.value)
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_every_gift_problem_is_reported_at_its_line(db):
    text = "::A:: satu {=a ~b\n\n::B:: dua {#abc}\n\n::C:: tiga {T}\n\n::D:: empat {=x ~y}}\n"
    problems = services.quiz_problems("k", text)
    lines = [p.line for p in problems]
    assert lines[:2] == [1, 3] and 5 not in lines
    assert all(p.file == "k/quiz.gift" for p in problems)


def test_lessons_move_up_and_down_and_keep_their_slugs(db):
    draft = authored(db, lessons=3, image=False)
    now = utcnow()
    services.move_lesson(draft, "materi-3", -1, now)
    names = [lesson.name for lesson in bundle.lesson_files(services.draft_files(draft))]
    assert names == ["01-materi-1.md", "02-materi-3.md", "03-materi-2.md"]
    services.move_lesson(draft, "materi-1", -1, now)  # already first: stays
    services.remove_lesson(draft, "materi-3", now)
    names = [lesson.name for lesson in bundle.lesson_files(services.draft_files(draft))]
    assert names == ["01-materi-1.md", "02-materi-2.md"]


def test_an_upload_that_is_not_an_image_is_refused_whatever_its_name(db):
    draft = authored(db, image=False)
    with pytest.raises(services.AuthoringError):
        services.add_image(draft, "foto.png", b"<html><script>alert(1)</script>", utcnow())
    with pytest.raises(services.AuthoringError):
        services.add_image(
            draft, "foto.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', utcnow()
        )


def test_each_publish_is_a_version_with_a_diff_and_a_rollback(db):
    draft = authored(db)
    now = utcnow()
    services.publish(draft, None, now)
    lesson = services.find_lesson(draft, "materi-2")
    services.save_lesson(draft, lesson, "Materi 2", "Isi <b>baru</b> & lebih baik.", now)
    services.publish(draft, None, now)
    db.session.commit()
    first, second = services.publication(draft, 1), services.publication(draft, 2)
    changes = bundle.diff_files(
        services.publication_files(first), services.publication_files(second)
    )
    assert [(c.name, c.kind) for c in changes] == [("02-materi-2.md", "changed")]
    assert "+Isi <b>baru</b> & lebih baik." in changes[0].lines
    assert "-Isi materi 2." in changes[0].lines

    third = services.rollback(draft, 1, None, utcnow())
    db.session.commit()
    assert third.number == 3 and third.restored_from == 1
    assert services.publication_files(third) == services.publication_files(first)
    course = db.session.get(Course, draft.course_id)
    html = {lesson.slug: lesson.html for lesson in courses.current_lessons(course)}
    assert "Isi materi 2." in html["materi-2"]


def test_export_zip_is_accepted_by_courses_check_and_imports_back_the_same(db, tmp_path, app):
    draft = authored(db)
    services.publish(draft, None, utcnow())
    db.session.commit()
    data = bundle.to_zip(draft.slug, services.draft_files(draft))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path / "courses")
    found, problems = courses.check_courses(tmp_path / "courses")
    assert problems == [] and [c.slug for c in found] == ["etika-ai"]

    # import into another database state: the draft is gone, the same files come back
    before = services.draft_files(draft)
    db.session.delete(draft)
    db.session.delete(db.session.get(Course, draft.course_id))
    db.session.commit()
    imported, problems = services.import_zip(data, None, utcnow())
    db.session.commit()
    assert problems == [] and services.draft_files(imported) == before
    assert bundle.to_zip("etika-ai", services.draft_files(imported)) == data


def test_a_synced_course_exports_to_a_zip_that_checks(db, tmp_path, app):
    write_course(tmp_path / "src", lessons=2)
    sync(tmp_path / "src")
    app.config["COURSES_PATH"] = str(tmp_path / "src")
    course = db.session.scalar(select(Course))
    assert services.is_file_managed(course)
    data = bundle.to_zip(course.slug, services.course_files(course))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path / "out")
    assert courses.check_courses(tmp_path / "out")[1] == []


def test_an_import_with_any_problem_writes_nothing(db):
    files = {
        "course.toml": bundle.write_course_toml(SETTINGS, None).encode(),
        "01-pengantar.md": b"# Pengantar\n\n![x](gambar/foto.png)\n",
        "gambar/foto.png": b"bukan gambar",
    }
    _, problems = services.import_zip(bundle.to_zip("baru", files), None, utcnow())
    assert any("gambar/foto.png" in str(p) for p in problems)
    assert db.session.scalar(select(func.count(CourseDraft.id))) == 0
    assert db.session.scalar(select(func.count(DraftFile.id))) == 0
    _, problems = services.import_zip(b"PK not a zip", None, utcnow())
    assert problems == ["Berkas ini bukan ZIP yang sah."]


def test_a_zip_entry_outside_its_folder_is_refused(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("baru/course.toml", "title = 'x'\n")
        archive.writestr("baru/../../etc/passwd", "x")
    _, problems = services.import_zip(buffer.getvalue(), None, utcnow())
    assert problems and "tidak diizinkan" in problems[0]


def test_importing_over_a_synced_course_is_refused(db, tmp_path, app):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    files = bundle.folder_files(tmp_path / "kursus-uji")
    _, problems = services.import_zip(bundle.to_zip("kursus-uji", files), None, utcnow())
    assert problems and "dikelola lewat berkas" in str(problems[0])


def test_courses_sync_leaves_a_browser_course_alone_and_refuses_its_slug(db, tmp_path):
    draft = authored(db)
    services.publish(draft, None, utcnow())
    db.session.commit()
    write_course(tmp_path, lessons=1)
    report = courses.sync_courses(tmp_path, utcnow())
    db.session.commit()
    browser = db.session.get(Course, draft.course_id)
    assert report.retired == [] and browser.retired_at is None
    write_course(tmp_path, slug="etika-ai", lessons=1)
    report = courses.sync_courses(tmp_path, utcnow())
    assert any("dikelola lewat peramban" in p.message for p in report.problems)
    db.session.rollback()
    assert db.session.get(Course, draft.course_id).title == SETTINGS["title"]


def test_a_learner_completes_a_browser_course(db):
    draft = authored(db, gift=None)
    services.publish(draft, make_user(), utcnow())
    db.session.commit()
    course = db.session.get(Course, draft.course_id)
    learner = make_user()
    enrollment = courses.enroll(learner, course, utcnow())
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
        courses.complete_lesson(enrollment, lesson, utcnow())
    assert enrollment.completed_at is not None and enrollment.certificate is not None
    assert db.session.scalar(select(func.count(Publication.id))) == 1


def test_the_draft_check_lists_every_quiz_problem(db):
    draft = authored(db, gift=None)
    services.save_quiz(draft, "::A:: satu {=a ~b\n\n::B:: dua {#abc}\n\n::C:: tiga {T}\n", utcnow())
    _source, problems = services.check(draft)
    assert [p.line for p in problems if p.file == "etika-ai/quiz.gift"] == [1, 3]
