"""Reading course folders from disk (no database): walking, decoding, hashing, assembling.

A course is a folder ``courses/<slug>/`` with ``course.toml``, lessons named
``NN-judul.md``, optional ``quiz.gift`` and assets (images, PDFs). Loading collects
*every* problem in a folder at once, with file and line, in Indonesian, because the
people reading them are course authors fixing their content, not developers. What a folder
is read into lives in :mod:`lms.courses.source`; course.toml is checked by
:mod:`lms.courses.course_toml`, each lesson by :mod:`lms.courses.lessons`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from lms.courses.course_toml import check_course_toml
from lms.courses.lessons import load_lesson
from lms.courses.source import (
    ASSET_EXTENSIONS,
    COURSE_FILE,
    IMAGE_EXTENSIONS,
    LESSON_RE,
    QUIZ_FILE,
    SLUG_RE,
    Collector,
    CourseContentError,
    CourseSource,
    LessonSource,
    Problem,
)

__all__ = ["load_course", "load_courses"]


def _decode(data: bytes, name: str, problems: Collector) -> str | None:
    """UTF-8 text with normalised newlines and no BOM, or None (and a problem)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(name, line, "berkas bukan teks UTF-8 yang sah; simpan ulang sebagai UTF-8")
        return None
    # editors on Windows add a BOM and CRLF; neither should change how content parses
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _walk(folder: Path, problems: Collector, rel: PurePosixPath = PurePosixPath()) -> Iterator[str]:
    """Relative posix names of the regular files under ``folder``, sorted, hidden ones skipped."""
    try:
        entries = sorted((folder / rel).iterdir(), key=lambda p: p.name)
    except OSError as exc:
        if not rel.parts:
            raise  # the course folder itself is missing: the caller's mistake, not content
        problems.add(rel.as_posix(), 1, f"folder tidak dapat dibaca: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):  # .git, .DS_Store, editor swap files
            continue
        name = (rel / entry.name).as_posix()
        if entry.is_symlink():
            # a link could expose any file on the server through the asset route
            problems.add(name, 1, "tautan simbolik (symlink) tidak diizinkan di folder kursus")
        elif entry.is_dir():
            yield from _walk(folder, problems, rel / entry.name)
        elif entry.is_file():
            yield name


def _content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        # length-prefixed so that no two different folders can hash the same
        digest.update(f"{len(name.encode())}:{name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def _load(
    folder: Path, slug: str, asset_url: Callable[[str, str], str] | None
) -> tuple[CourseSource | None, list[Problem]]:
    problems = Collector(folder, slug)
    if not SLUG_RE.match(slug):
        problems.add(
            COURSE_FILE,
            1,
            f'nama folder "{slug}" tidak sah: pakai huruf kecil, angka, dan tanda hubung '
            "(misalnya dasar-ai)",
        )

    names = list(_walk(folder, problems))
    raw: dict[str, bytes] = {}
    for name in names:
        try:
            raw[name] = (folder / name).read_bytes()
        except OSError as exc:
            problems.add(name, 1, f"berkas tidak dapat dibaca: {exc.strerror or exc}")
    files = set(raw)

    lesson_names: list[tuple[int, str, str]] = []
    assets: list[str] = []
    for name in names:
        suffix = PurePosixPath(name).suffix.lower()
        top_level = "/" not in name
        if top_level and name in (COURSE_FILE, QUIZ_FILE):
            continue
        if top_level and suffix == ".md":
            if m := LESSON_RE.match(name):
                lesson_names.append((int(m.group(1)), m.group(2), name))
            else:
                message = "berkas materi harus bernama NN-judul.md (misalnya 01-pengantar.md)"
                problems.add(name, 1, message)
        elif suffix in ASSET_EXTENSIONS:
            assets.append(name)
        elif suffix == ".md":
            problems.add(name, 1, "berkas materi harus berada langsung di folder kursus")
        else:
            problems.add(
                name,
                1,
                "jenis berkas tidak didukung (yang boleh: materi .md, course.toml, quiz.gift, "
                "gambar " + " ".join(sorted(IMAGE_EXTENSIONS)) + ", dan lampiran .pdf)",
            )

    settings = None
    if COURSE_FILE not in names:
        problems.add(COURSE_FILE, 1, f"berkas {COURSE_FILE} tidak ditemukan")
    elif COURSE_FILE in raw:
        text = _decode(raw[COURSE_FILE], COURSE_FILE, problems)
        if text is not None:
            settings = check_course_toml(text, problems, has_quiz=QUIZ_FILE in names)

    gift_text = None
    if QUIZ_FILE in raw:
        gift_text = _decode(raw[QUIZ_FILE], QUIZ_FILE, problems)

    if not lesson_names:
        problems.add(COURSE_FILE, 1, "kursus belum memiliki materi (berkas NN-judul.md)")
    lesson_names.sort()
    numbers: dict[int, str] = {}
    slugs: dict[str, str] = {}
    lessons: list[LessonSource] = []
    bound_url = (lambda n: asset_url(slug, n)) if asset_url else None
    for number, lesson_slug, name in lesson_names:
        if number in numbers:
            message = f'nomor materi {number:02d} sudah dipakai oleh "{numbers[number]}"'
            problems.add(name, 1, message)
        numbers.setdefault(number, name)
        if lesson_slug in slugs:
            message = f'nama materi "{lesson_slug}" sudah dipakai oleh "{slugs[lesson_slug]}"'
            problems.add(name, 1, message)
        slugs.setdefault(lesson_slug, name)
        if name not in raw or (text := _decode(raw[name], name, problems)) is None:
            continue
        lesson = load_lesson(name, number, lesson_slug, text, files, problems, bound_url)
        if lesson is not None:
            lessons.append(lesson)

    found = sorted(problems.problems, key=lambda p: (p.file, p.line))
    if found or settings is None:
        return None, found
    data, quiz = settings
    return (
        CourseSource(
            slug=slug,
            title=data["title"].strip(),
            summary=data["summary"].strip(),
            level=data["level"],
            jp=data["jp"],
            minutes=data["minutes"],
            mandatory=data.get("mandatory", False),
            assignment_only=data.get("assignment_only", False),
            deadline=data.get("deadline"),
            version=data["version"].strip(),
            tags=[t.strip() for t in data.get("tags", [])],
            quiz=quiz,
            lessons=lessons,
            assets=[folder / a for a in assets],
            gift_path=folder / QUIZ_FILE if QUIZ_FILE in raw else None,
            gift_text=gift_text,
            path=folder,
            content_hash=_content_hash(raw),
        ),
        [],
    )


def load_course(
    folder: Path, *, asset_url: Callable[[str, str], str] | None = None
) -> CourseSource:
    """Load one course folder; raise :class:`CourseContentError` listing all its problems.

    ``asset_url(course_slug, file_name)`` turns relative image/link URLs in lessons
    into site URLs; without it they are left relative. Problem file names are
    relative to the folder's parent (``dasar-ai/course.toml``).
    """
    folder = Path(folder)
    course, problems = _load(folder, folder.resolve().name, asset_url)
    if course is None:
        raise CourseContentError(problems)
    return course


def load_courses(
    root: Path, *, asset_url: Callable[[str, str], str] | None = None
) -> tuple[list[CourseSource], list[Problem]]:
    """Load every course folder under ``root``: the good courses and all problems found.

    Each non-hidden subfolder is a course and must contain course.toml; files
    directly in ``root`` (a README) are ignored.
    """
    root = Path(root)
    courses: list[CourseSource] = []
    problems: list[Problem] = []
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        if not (folder / COURSE_FILE).is_file():
            # one problem is enough: without course.toml it is not a course at all
            message = f"folder ini bukan kursus: berkas {COURSE_FILE} tidak ditemukan"
            problems.append(Problem(f"{folder.name}/{COURSE_FILE}", 1, message))
            continue
        course, found = _load(folder, folder.name, asset_url)
        problems.extend(found)
        if course is not None:
            courses.append(course)
    return courses, problems
