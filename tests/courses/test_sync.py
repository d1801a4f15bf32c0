"""Syncing courses/ into the database: idempotent, versioned, all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from lms.courses import services
from lms.courses.models import Course, CourseVersion, Lesson
from lms.i18n import utcnow
from lms.quiz.models import Question
from lms.reports.synthetic import seed
from tests.factories import make_user, sync, write_course

ROOT = Path(__file__).resolve().parents[2]


def counts(db):
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Course, Lesson, Question, CourseVersion)
    )


def test_sync_loads_courses_lessons_and_quiz(db, tmp_path):
    write_course(tmp_path, lessons=3)
    report = sync(tmp_path)
    assert report.created == ["kursus-uji"]
    course = db.session.scalar(select(Course))
    assert [lesson.title for lesson in services.current_lessons(course)] == [
        "Materi 1",
        "Materi 2",
        "Materi 3",
    ]
    assert db.session.scalar(select(func.count(Question.id))) == 6
    assert course.pass_mark == 70


def test_second_sync_of_unchanged_content_changes_nothing(db, tmp_path):
    write_course(tmp_path)
    sync(tmp_path)
    before = counts(db)
    report = sync(tmp_path)
    assert report.unchanged == ["kursus-uji"] and not report.updated
    assert counts(db) == before


def test_changed_lesson_updates_and_removed_lesson_is_retired(db, tmp_path):
    folder = write_course(tmp_path, lessons=3)
    sync(tmp_path)
    (folder / "02-materi-2.md").write_text("# Materi Dua Baru\n\nIsi baru.\n", encoding="utf-8")
    (folder / "03-materi-3.md").unlink()
    report = sync(tmp_path)
    assert report.updated == ["kursus-uji"]
    course = db.session.scalar(select(Course))
    assert [lesson.title for lesson in services.current_lessons(course)] == [
        "Materi 1",
        "Materi Dua Baru",
    ]
    retired = db.session.scalar(select(Lesson).where(Lesson.slug == "materi-3"))
    assert retired.retired_at is not None  # kept, not deleted
    versions = db.session.scalars(select(CourseVersion).order_by(CourseVersion.id)).all()
    assert len(versions) == 2
    assert versions[1].changes == {"added": [], "updated": ["materi-2"], "retired": ["materi-3"]}


def test_broken_course_reports_file_and_line_and_writes_nothing(db, tmp_path):
    write_course(tmp_path, slug="kursus-baik")
    sync(tmp_path)
    before = counts(db)
    broken = write_course(tmp_path, slug="kursus-rusak")
    (broken / "course.toml").write_text('title = "Rusak\njp = 2\n', encoding="utf-8")
    (tmp_path / "kursus-baik" / "01-materi-1.md").write_text("# Diubah\n\nBaru.\n")
    report = services.sync_courses(tmp_path, utcnow())
    assert [str(p).split(":")[0] for p in report.problems] == ["kursus-rusak/course.toml"]
    assert report.problems[0].line == 1
    db.session.commit()
    assert counts(db) == before
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "materi-1"))
    assert lesson.title == "Materi 1"  # the good course was not touched either


def test_missing_lesson_title_is_reported_with_its_line(db, tmp_path):
    folder = write_course(tmp_path)
    (folder / "02-materi-2.md").write_text("\n\nTanpa judul.\n", encoding="utf-8")
    _, problems = services.check_courses(tmp_path)
    assert any(
        p.file == "kursus-uji/02-materi-2.md" and p.line == 3 and "judul" in p.message
        for p in problems
    ), problems


def test_gift_syntax_error_is_reported_with_its_line(db, tmp_path):
    write_course(tmp_path, gift="// kuis\n\n::Q1:: Soal pertama {=a ~b\n")
    report = services.sync_courses(tmp_path, utcnow())
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert problem.file == "kursus-uji/quiz.gift" and problem.line == 3
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_course_missing_from_folder_is_retired_not_deleted(db, tmp_path):
    folder = write_course(tmp_path)
    sync(tmp_path)
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()
    report = sync(tmp_path)
    assert report.retired == ["kursus-uji"]
    assert db.session.scalar(select(Course)).retired_at is not None


def test_cli_check_and_sync(app, db, tmp_path):
    write_course(tmp_path)
    runner = app.test_cli_runner()
    check = runner.invoke(args=["lms", "courses", "check", str(tmp_path)])
    assert check.exit_code == 0, check.output
    assert db.session.scalar(select(func.count(Course.id))) == 0  # check writes nothing
    result = runner.invoke(args=["lms", "courses", "sync", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Baru: 1" in result.output
    (tmp_path / "kursus-uji" / "quiz.gift").write_text("::Q:: Rusak {=a ~b\n")  # no closing brace
    bad = runner.invoke(args=["lms", "courses", "check", str(tmp_path)])
    assert bad.exit_code == 1
    assert "kursus-uji/quiz.gift:1:" in bad.output


def test_shipped_courses_pass_check(app):
    courses, problems = services.check_courses(ROOT / "courses")
    assert problems == []
    assert len(courses) >= 3
    for course in courses:
        assert len(course.lessons) >= 4 or course.slug == "panduan-sinau"
        assert course.gift_text, f"{course.slug} has no quiz"


def test_resync_keeps_progress_and_certificate(db, tmp_path):
    folder = write_course(tmp_path, lessons=2, gift=None)
    sync(tmp_path)
    user = make_user()
    course = db.session.scalar(select(Course))
    enrollment = services.enroll(user, course, utcnow())
    for lesson in services.current_lessons(course):
        services.complete_lesson(enrollment, lesson, utcnow())
    db.session.commit()
    code = enrollment.certificate.code
    (folder / "01-materi-1.md").write_text("# Materi Satu (revisi)\n\nIsi revisi.\n")
    (folder / "03-materi-3.md").write_text("# Materi Tiga\n\nMateri baru.\n")
    sync(tmp_path)
    db.session.refresh(enrollment)
    assert enrollment.completed_at is not None and enrollment.certificate.code == code
    assert services.progress(enrollment) == (2, 3)  # the new lesson is open, the rest kept


def test_sync_leaves_the_synthetic_courses_alone(app, db, tmp_path):
    """seed-synthetic's courses live only in the database: no folder, yet never retired."""
    write_course(tmp_path)
    sync(tmp_path)
    seed(20, 4, utcnow(), courses=3)  # one live course from the folder already: adds two
    db.session.commit()
    synthetic = db.session.scalars(select(Course.slug).where(Course.slug.like("sintetis-%")))
    assert sorted(synthetic) == ["sintetis-2", "sintetis-3"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms", "courses", "sync", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "dipensiunkan: 0" in result.output
    live = db.session.scalars(select(Course.slug).where(Course.retired_at.is_(None)))
    assert sorted(live) == ["kursus-uji", "sintetis-2", "sintetis-3"]
    shutil.rmtree(tmp_path / "kursus-uji")  # a course whose folder goes is still retired
    assert "dipensiunkan: 1" in runner.invoke(args=["lms", "courses", "sync", str(tmp_path)]).output
    db.session.expire_all()
    live = db.session.scalars(select(Course.slug).where(Course.retired_at.is_(None)))
    assert sorted(live) == ["sintetis-2", "sintetis-3"]
