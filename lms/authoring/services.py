"""Verbs of browser authoring: create a draft, edit its files, publish, roll back, import.

A draft is the files of a course folder (:mod:`lms.authoring.bundle`); publishing checks them
with the loader of ``courses check`` and makes them live with the code of ``courses sync``
(:func:`lms.courses.services.publish_source`), so the catalogue, lessons, quiz and reports treat a
browser course like any other. Services flush; the view commits.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from flask import current_app
from sqlalchemy import delete, func, select

from lms.accounts.models import User
from lms.actions.evidence import sniff
from lms.audit.services import record
from lms.authoring import bundle
from lms.authoring.bundle import Files
from lms.authoring.models import CourseDraft, DraftFile, Publication
from lms.courses import services as courses
from lms.courses.markdown import slugify
from lms.courses.models import DATABASE_ONLY, Course
from lms.courses.source import (
    COURSE_FILE,
    IMAGE_EXTENSIONS,
    QUIZ_FILE,
    SLUG_RE,
    CourseSource,
    Problem,
)
from lms.extensions import db
from lms.i18n import gettext as _
from lms.signals import course_created

#: Raster images an author may upload (content checked like evidence); the stored extension
#: follows what the bytes are.
IMAGE_KINDS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp"}
MAX_LESSONS = 99  # NN in NN-slug.md


class AuthoringError(ValueError):
    """Something an author asked for that cannot be done; the message says why."""


def media_url(slug: str, name: str) -> str:
    """Where a published browser course's image is served (from its latest publication)."""
    return f"/courses/{quote(slug)}/media/{quote(name)}"


# -- finding ----------------------------------------------------------------------------------


def find_draft(slug: str) -> CourseDraft | None:
    return db.session.scalar(select(CourseDraft).where(CourseDraft.slug == slug))


def draft_files(draft: CourseDraft) -> Files:
    """The draft's files by name (bytes)."""
    rows = db.session.execute(
        select(DraftFile.name, DraftFile.data).where(DraftFile.draft_id == draft.id)
    )
    return {name: bytes(data) for name, data in rows}


def publications(draft: CourseDraft) -> list[Publication]:
    """Every publish of the draft, newest first (archives are loaded only when read)."""
    return list(
        db.session.scalars(
            select(Publication)
            .where(Publication.draft_id == draft.id)
            .order_by(Publication.number.desc())
        )
    )


def publication(draft: CourseDraft, number: int) -> Publication | None:
    return db.session.scalar(
        select(Publication).where(Publication.draft_id == draft.id, Publication.number == number)
    )


def latest_publication(draft: CourseDraft) -> Publication | None:
    return db.session.scalar(
        select(Publication)
        .where(Publication.draft_id == draft.id)
        .order_by(Publication.number.desc())
        .limit(1)
    )


def publication_files(pub: Publication | None) -> Files:
    return bundle.from_zip(pub.archive)[1] if pub is not None else {}


def guard_sync(sources: list[CourseSource]) -> list[Problem]:
    """A folder in courses/ may not take over a course written in the browser."""
    slugs = [s.slug for s in sources]
    if not slugs:
        return []
    taken = db.session.scalars(select(CourseDraft.slug).where(CourseDraft.slug.in_(slugs)))
    message = "kursus ini dikelola lewat peramban (Sinau); hapus foldernya atau pakai nama lain"
    return [Problem(f"{slug}/{COURSE_FILE}", 1, message) for slug in taken]


courses.SYNC_GUARDS.append(guard_sync)


# -- writing files ----------------------------------------------------------------------------


def _put(draft: CourseDraft, name: str, data: bytes, now: datetime) -> None:
    row = db.session.scalar(
        select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.name == name)
    )
    if row is None:
        db.session.add(DraftFile(draft_id=draft.id, name=name, data=data, updated_at=now))
    elif bytes(row.data) != data:
        row.data, row.updated_at = data, now
    draft.updated_at = now


def _drop(draft: CourseDraft, name: str) -> None:
    db.session.execute(
        delete(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.name == name)
    )


def replace_files(draft: CourseDraft, files: Files, now: datetime) -> None:
    """Make ``files`` the whole draft (import, rollback)."""
    db.session.execute(delete(DraftFile).where(DraftFile.draft_id == draft.id))
    for name, data in files.items():
        db.session.add(DraftFile(draft_id=draft.id, name=name, data=data, updated_at=now))
    draft.updated_at = now
    db.session.flush()


def slug_taken(slug: str) -> bool:
    """Whether a course, a draft or a folder in courses/ already uses ``slug``."""
    in_db = db.session.scalar(select(func.count(Course.id)).where(Course.slug == slug))
    return bool(in_db) or find_draft(slug) is not None or _folder(slug).exists()


def _folder(slug: str) -> Path:
    return Path(current_app.config["COURSES_PATH"]) / slug


def create_draft(
    slug: str, settings: dict, quiz: dict, by: User | None, now: datetime
) -> CourseDraft:
    """A new browser course with its course.toml (no lesson yet)."""
    if not SLUG_RE.match(slug) or slug_taken(slug):
        raise AuthoringError(_("Nama kursus di alamat tidak sah atau sudah dipakai."))
    draft = CourseDraft(slug=slug, created_by_id=by.id if by else None, created_at=now)
    db.session.add(draft)
    db.session.flush()
    _put(draft, COURSE_FILE, bundle.write_course_toml(settings, None).encode(), now)
    save_settings(draft, settings, quiz, now)
    return draft


def save_settings(draft: CourseDraft, settings: dict, quiz: dict, now: datetime) -> None:
    """Write course.toml from the form's values ([quiz] only while there is a quiz.gift)."""
    has_quiz = QUIZ_FILE in _names(draft)
    text = bundle.write_course_toml(settings, quiz if has_quiz else None)
    _put(draft, COURSE_FILE, text.encode(), now)
    db.session.flush()


def _names(draft: CourseDraft) -> set[str]:
    return set(db.session.scalars(select(DraftFile.name).where(DraftFile.draft_id == draft.id)))


def _lessons(draft: CourseDraft) -> list[bundle.LessonFile]:
    return bundle.lesson_files(draft_files(draft))


def add_lesson(draft: CourseDraft, title: str, body: str, now: datetime) -> str:
    """Append a lesson; its slug (stable through later renames) comes from the title."""
    lessons = _lessons(draft)
    if len(lessons) >= MAX_LESSONS:
        raise AuthoringError(_("Satu kursus paling banyak %(n)d materi.", n=MAX_LESSONS))
    base = re.sub(r"[^a-z0-9]+", "-", slugify(title).encode("ascii", "ignore").decode()).strip("-")
    base = (base or "materi")[:60].strip("-")
    taken = {lesson.slug for lesson in lessons}
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    number = max((lesson.number for lesson in lessons), default=0) + 1
    _put(draft, f"{number:02d}-{slug}.md", bundle.lesson_text(title, body), now)
    db.session.flush()
    return slug


def find_lesson(draft: CourseDraft, slug: str) -> bundle.LessonFile | None:
    return next((lesson for lesson in _lessons(draft) if lesson.slug == slug), None)


def save_lesson(draft: CourseDraft, lesson: bundle.LessonFile, title: str, body: str, now) -> None:
    _put(draft, lesson.name, bundle.lesson_text(title, body), now)
    db.session.flush()


def _renumber(draft: CourseDraft, order: list[bundle.LessonFile], now: datetime) -> None:
    """Name the lessons 01.., 02.. in ``order`` (their slugs, hence progress, stay)."""
    files = draft_files(draft)
    for lesson in order:
        _drop(draft, lesson.name)
    db.session.flush()
    for number, lesson in enumerate(order, start=1):
        _put(draft, f"{number:02d}-{lesson.slug}.md", files[lesson.name], now)
    db.session.flush()


def move_lesson(draft: CourseDraft, slug: str, step: int, now: datetime) -> None:
    """Move a lesson one place up (``step`` -1) or down (+1)."""
    order = _lessons(draft)
    index = next((i for i, lesson in enumerate(order) if lesson.slug == slug), None)
    if index is None:
        raise AuthoringError(_("Materi tidak ditemukan."))
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    _renumber(draft, order, now)


def remove_lesson(draft: CourseDraft, slug: str, now: datetime) -> None:
    order = [lesson for lesson in _lessons(draft) if lesson.slug != slug]
    found = find_lesson(draft, slug)
    if found is None:
        raise AuthoringError(_("Materi tidak ditemukan."))
    _drop(draft, found.name)
    _renumber(draft, order, now)


def save_quiz(draft: CourseDraft, text: str, now: datetime) -> list[Problem]:
    """Keep the GIFT text as quiz.gift (empty removes the quiz); return its problems by line."""
    text = text.replace("\r\n", "\n")
    settings, quiz = bundle.read_course_toml(draft_files(draft))
    if text.strip():
        _put(draft, QUIZ_FILE, text.encode(), now)
    else:
        _drop(draft, QUIZ_FILE)
    db.session.flush()
    save_settings(draft, settings, quiz, now)
    return quiz_problems(draft.slug, text)


def quiz_problems(slug: str, text: str) -> list[Problem]:
    return bundle.gift_problems(text, f"{slug}/{QUIZ_FILE}") if text.strip() else []


def add_image(draft: CourseDraft, filename: str, data: bytes, now: datetime) -> str:
    """Keep an uploaded image under ``gambar/``, judged by its content; return its name."""
    kind = sniff(data)
    if kind not in IMAGE_KINDS:
        raise AuthoringError(
            _(
                "Berkas ini bukan gambar PNG, JPEG, GIF, atau WebP (isinya yang diperiksa, bukan "
                "namanya)."
            )
        )
    stem = PurePosixPath(filename.replace("\\", "/")).stem
    stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:60] or "gambar"
    name = f"gambar/{stem}.{IMAGE_KINDS[kind]}"
    names, n = _names(draft), 1
    while name in names:
        n += 1
        name = f"gambar/{stem}-{n}.{IMAGE_KINDS[kind]}"
    _put(draft, name, data, now)
    db.session.flush()
    return name


def remove_file(draft: CourseDraft, name: str, now: datetime) -> None:
    if PurePosixPath(name).suffix.lower() not in IMAGE_EXTENSIONS:
        raise AuthoringError(_("Hanya gambar yang dihapus di sini."))
    _drop(draft, name)
    draft.updated_at = now
    db.session.flush()


# -- checking, publishing, rollback -----------------------------------------------------------


def check(draft: CourseDraft, files: Files | None = None):
    """(course source or None, problems) of the draft, by the checks of ``courses check``;
    a broken quiz.gift lists every problem, not only the first one the loader stops at."""
    files = draft_files(draft) if files is None else files
    source, problems = bundle.check_files(draft.slug, files, asset_url=media_url)
    gift = f"{draft.slug}/{QUIZ_FILE}"
    if any(p.file == gift for p in problems):
        text = files.get(QUIZ_FILE, b"").decode("utf-8", "replace")
        extra = [p for p in quiz_problems(draft.slug, text) if p not in problems]
        problems = sorted([*problems, *extra], key=lambda p: (p.file, p.line))
    return source, problems


def publish(
    draft: CourseDraft, by: User | None, now: datetime, restored_from: int | None = None
) -> Publication:
    """Check the draft and make it live as a new version; raise with every problem found."""
    files = draft_files(draft)
    source, problems = check(draft, files)
    if source is None:
        raise AuthoringError("\n".join(str(p) for p in problems))
    existing = db.session.scalar(select(Course).where(Course.slug == draft.slug))
    if existing is not None and draft.course_id != existing.id:
        raise AuthoringError(_("Kursus dengan nama ini dikelola lewat berkas."))
    course = courses.publish_source(source, now)
    first = draft.course_id is None
    draft.course_id = course.id
    number = (
        db.session.scalar(
            select(func.max(Publication.number)).where(Publication.draft_id == draft.id)
        )
        or 0
    ) + 1
    pub = Publication(
        draft_id=draft.id,
        number=number,
        archive=bundle.to_zip(draft.slug, files),
        restored_from=restored_from,
        published_by_id=by.id if by else None,
        published_at=now,
    )
    db.session.add(pub)
    if by is not None:
        record(by, "course.publish", f"course:{course.id}", now=now, version=number)
    db.session.flush()
    if first:
        course_created.send(course, author_id=draft.created_by_id, by=by, now=now)
    return pub


def rollback(draft: CourseDraft, number: int, by: User | None, now: datetime) -> Publication:
    """Publish version ``number`` again, as a new version (the draft becomes that version)."""
    old = publication(draft, number)
    if old is None:
        raise AuthoringError(_("Versi itu tidak ada."))
    replace_files(draft, publication_files(old), now)
    return publish(draft, by, now, restored_from=number)


# -- export and import ------------------------------------------------------------------------


def course_files(course: Course) -> Files:
    """The files of any course as its folder in courses/ holds them: a browser course's draft,
    else the folder itself (empty for a course made only in the database)."""
    draft = find_draft(course.slug)
    if draft is not None:
        return draft_files(draft)
    folder = _folder(course.slug)
    return bundle.folder_files(folder) if folder.is_dir() else {}


def is_file_managed(course: Course) -> bool:
    """Synced from courses/: read-only in the browser (one source of truth per course)."""
    return find_draft(course.slug) is None and course.content_hash != DATABASE_ONLY


def import_zip(
    data: bytes,
    by: User | None,
    now: datetime,
    may_replace: Callable[[CourseDraft], bool] = lambda draft: True,
) -> tuple[CourseDraft | None, list]:
    """Take a ``<slug>/`` ZIP as a browser course's draft (new, or replacing its draft when
    ``may_replace`` allows it, the importer being one of that draft's editors).

    Checked first like ``courses check``, images by their content too; with any problem nothing
    is written and the problems (or a message) come back.
    """
    try:
        slug, files = bundle.from_zip(data)
    except bundle.ZipError as exc:
        return None, [str(exc)]
    draft = find_draft(slug)
    if draft is not None and not may_replace(draft):
        return None, [_("Kursus %(slug)s ditulis orang lain; pakai nama lain.", slug=slug)]
    if draft is None and slug_taken(slug):
        message = _(
            "Kursus %(slug)s sudah ada dan dikelola lewat berkas; pakai nama lain.", slug=slug
        )
        return None, [message]
    problems: list = []
    for name, content in files.items():
        suffix = PurePosixPath(name).suffix.lower().lstrip(".")
        expected = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "webp": "webp"}
        if suffix in expected and sniff(content) != expected[suffix]:
            problems.append(Problem(f"{slug}/{name}", 1, "isi berkas tidak sesuai dengan jenisnya"))
    _source, found = bundle.check_files(slug, files)
    problems.extend(found)
    if problems:
        return None, problems
    if draft is None:
        draft = CourseDraft(slug=slug, created_by_id=by.id if by else None, created_at=now)
        db.session.add(draft)
        db.session.flush()
    replace_files(draft, files, now)
    return draft, []


def zip_bytes(slug: str, files: Files) -> io.BytesIO:
    return io.BytesIO(bundle.to_zip(slug, files))
