"""A course as a set of files (name -> bytes): course.toml, checking, ZIPs and diffs.

Everything a browser author makes is kept as the files of a ``courses/<slug>/`` folder, so it is
checked by the very loader ``flask lms courses check`` runs (:func:`lms.courses.content.load_course`
and :func:`lms.quiz.banks.check_quiz`), on a temporary copy of the folder.
"""

from __future__ import annotations

import difflib
import io
import re
import tempfile
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from lms.courses.content import load_course
from lms.courses.source import (
    COURSE_FILE,
    LESSON_RE,
    QUIZ_FILE,
    CourseContentError,
    CourseSource,
    Problem,
)
from lms.quiz.banks import check_quiz
from lms.quiz.gift_model import GiftError
from lms.quiz.gift_reader import PLACEHOLDER_RE, Block

Files = dict[str, bytes]

#: Keys of course.toml in the order they are written, and of its [quiz] table.
COURSE_KEYS = (
    "title",
    "summary",
    "level",
    "jp",
    "minutes",
    "mandatory",
    "assignment_only",
    "deadline",
    "version",
    "tags",
)
QUIZ_KEYS = (
    "pass_mark",
    "max_attempts",
    "time_limit_minutes",
    "shuffle_questions",
    "shuffle_answers",
    "draw",
    "show_answers",
)
#: What an imported ZIP may hold at most: enough for any course, too little for a ZIP bomb.
MAX_FILES = 500
MAX_TOTAL_BYTES = 100 * 1024 * 1024
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# -- course.toml ------------------------------------------------------------------------------


def _toml_string(value: str) -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + _CONTROL_RE.sub(lambda m: f"\\u{ord(m.group()):04X}", text) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | date):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def write_course_toml(settings: dict[str, Any], quiz: dict[str, Any] | None) -> str:
    """course.toml for ``settings`` (the course keys) and, when there is a quiz, its [quiz] table.

    Empty values (None, an empty list, false for the optional flags) are left out, as an author
    writing the file by hand would.
    """
    lines = []
    for key in COURSE_KEYS:
        value = settings.get(key)
        if value is None or value == [] or (value is False and key != "mandatory"):
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    text = "\n".join(lines) + "\n"
    if quiz is not None:
        quiz_lines = [
            f"{key} = {_toml_value(quiz[key])}" for key in QUIZ_KEYS if quiz.get(key) is not None
        ]
        text += "\n[quiz]\n" + "".join(line + "\n" for line in quiz_lines)
    return text


def read_course_toml(files: Files) -> tuple[dict[str, Any], dict[str, Any]]:
    """The course keys and the [quiz] table of the files' course.toml ({} where unreadable)."""
    try:
        data = tomllib.loads(files.get(COURSE_FILE, b"").decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}, {}
    quiz = data.pop("quiz", {})
    return data, quiz if isinstance(quiz, dict) else {}


# -- lessons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonFile:
    """A lesson file of a draft: ``NN-slug.md`` split into its number, slug, title and body."""

    name: str
    number: int
    slug: str
    title: str
    body: str


def lesson_files(files: Files) -> list[LessonFile]:
    """The lessons of the files, in course order."""
    lessons = []
    for name in sorted(files):
        if m := LESSON_RE.match(name):
            text = files[name].decode("utf-8", "replace").replace("\r\n", "\n")
            first, _, rest = text.partition("\n")
            title = first[2:].strip() if first.startswith("# ") else ""
            body = rest.lstrip("\n") if title else text
            lessons.append(LessonFile(name, int(m.group(1)), m.group(2), title, body))
    return lessons


def lesson_text(title: str, body: str) -> bytes:
    """A lesson file: the title as its "# " line, a blank line, the body, one final newline."""
    body = body.replace("\r\n", "\n").strip("\n")
    return f"# {title.strip()}\n\n{body}\n".encode()


# -- checking ---------------------------------------------------------------------------------


def write_folder(files: Files, folder: Path) -> None:
    """Write ``files`` into ``folder`` (created)."""
    for name, data in files.items():
        path = folder / PurePosixPath(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def check_files(
    slug: str, files: Files, asset_url: Callable[[str, str], str] | None = None
) -> tuple[CourseSource | None, list[Problem]]:
    """Load the files as the folder ``courses/<slug>/`` with the same checks as ``courses check``.

    Returns the loaded course (its lesson HTML made with ``asset_url``) and no problems, or None
    and every problem found. The temporary folder is gone on return; the source keeps no path
    that is used later (the GIFT text is held in memory).
    """
    with tempfile.TemporaryDirectory(prefix="sinau-draft-") as tmp:
        folder = Path(tmp) / slug
        folder.mkdir()
        write_folder(files, folder)
        try:
            source = load_course(folder, asset_url=asset_url)
        except CourseContentError as exc:
            return None, exc.problems
        problems = check_quiz(source, Path(tmp))
    return (None, problems) if problems else (source, [])


def gift_problems(text: str, filename: str) -> list[Problem]:
    """Every problem of a GIFT text, each at its line (question by question, not only the first).

    Each blank-line separated block is read on its own the way :func:`lms.quiz.gift.parse_gift`
    reads it, so one broken question does not hide the next.
    """
    problems: list[Problem] = []
    category: str | None = None
    block: list[tuple[int, str]] = []
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate([*lines, ""], start=1):
        if raw.strip():
            if stray := PLACEHOLDER_RE.search(raw):
                message = f"karakter U+{ord(stray.group()):X} tidak boleh dipakai"
                problems.append(Problem(filename, number, message))
                continue
            block.append((number, raw))
        elif block:
            try:
                category = Block(block, filename, True).parse(category, [])
            except GiftError as exc:
                problems.append(Problem(filename, exc.line, exc.message))
            block = []
    return problems


# -- ZIP --------------------------------------------------------------------------------------


def to_zip(slug: str, files: Files) -> bytes:
    """``files`` as the ZIP of a folder ``<slug>/``, in name order with a fixed date (the same
    files always give the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def folder_files(folder: Path) -> Files:
    """The regular files under a course folder (hidden ones and links skipped), by posix name."""
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or path.is_symlink():
            continue
        if path.is_file():
            files[rel.as_posix()] = path.read_bytes()
    return files


class ZipError(ValueError):
    """A ZIP that is not one course folder; the message says why."""


def from_zip(data: bytes) -> tuple[str, Files]:
    """The slug and files of a ``<slug>/...`` course ZIP; raise :class:`ZipError` otherwise.

    Folders, hidden files and macOS's ``__MACOSX`` are skipped; a name that climbs out of the
    folder, too many files or too many bytes refuse the whole ZIP.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ZipError("Berkas ini bukan ZIP yang sah.") from None
    with archive:
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if path.is_absolute() or ".." in path.parts or "\\" in info.filename:
                raise ZipError(f'Nama berkas "{info.filename}" tidak diizinkan di dalam ZIP.')
        entries = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not any(p.startswith(".") for p in PurePosixPath(i.filename).parts)
        ]
        if len(entries) > MAX_FILES:
            raise ZipError(f"ZIP berisi lebih dari {MAX_FILES} berkas.")
        if sum(i.file_size for i in entries) > MAX_TOTAL_BYTES:
            raise ZipError("Isi ZIP terlalu besar.")
        tops = {PurePosixPath(i.filename).parts[0] for i in entries}
        if len(tops) != 1:
            raise ZipError("ZIP harus berisi tepat satu folder kursus (courses/<nama-kursus>/).")
        slug = tops.pop()
        files: Files = {}
        for info in entries:
            path = PurePosixPath(info.filename)
            if len(path.parts) < 2:
                raise ZipError(
                    "ZIP harus berisi tepat satu folder kursus (courses/<nama-kursus>/)."
                )
            try:
                files[PurePosixPath(*path.parts[1:]).as_posix()] = archive.read(info)
            except (zipfile.BadZipFile, ValueError, OSError):
                raise ZipError(f'Berkas "{info.filename}" di dalam ZIP rusak.') from None
    return slug, files


# -- differences ------------------------------------------------------------------------------


@dataclass
class FileChange:
    """How one file differs between two versions: ``added``, ``removed`` or ``changed``; for text
    files the unified diff lines (plain text: the template escapes them)."""

    name: str
    kind: str
    lines: list[str]


def _is_text(name: str) -> bool:
    return name in (COURSE_FILE, QUIZ_FILE) or name.endswith(".md")


def diff_files(old: Files, new: Files) -> list[FileChange]:
    """What changed from ``old`` to ``new``, file by file in name order."""
    changes = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        lines: list[str] = []
        if _is_text(name):
            a = (before or b"").decode("utf-8", "replace").splitlines()
            b = (after or b"").decode("utf-8", "replace").splitlines()
            lines = list(difflib.unified_diff(a, b, "sebelum", "sesudah", lineterm="", n=2))[2:]
        changes.append(FileChange(name, kind, lines))
    return changes
