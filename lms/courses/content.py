"""Reading course folders from disk (no database): validation, rendering, hashing.

A course is a folder ``courses/<slug>/`` with ``course.toml``, lessons named
``NN-judul.md``, optional ``quiz.gift`` and assets (images, PDFs). Loading collects
*every* problem in a folder at once, with file and line, in Indonesian, because the
people reading them are course authors fixing their content, not developers.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from lms.courses.markdown import (
    ALLOWED_URL_SCHEMES,
    asset_name,
    inspect_markdown,
    render_markdown,
    split_title,
    url_scheme,
)

__all__ = [
    "ASSET_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "LEVELS",
    "SHOW_ANSWERS",
    "CourseContentError",
    "CourseSource",
    "LessonSource",
    "Problem",
    "QuizSettings",
    "load_course",
    "load_courses",
    "toml_key_lines",
]

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LESSON_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
LEVELS = ("dasar", "menengah", "lanjut")
SHOW_ANSWERS = ("never", "after_pass", "after_last", "always")
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
ASSET_EXTENSIONS = IMAGE_EXTENSIONS | {".pdf"}
COURSE_FILE = "course.toml"
QUIZ_FILE = "quiz.gift"
WORDS_PER_MINUTE = 200  # typical silent reading speed for Indonesian prose


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, located at ``file`` (relative to the root) and line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class LessonSource:
    """A lesson as read from ``NN-slug.md``; ``markdown``/``html`` exclude the title line."""

    number: int
    slug: str
    title: str
    markdown: str
    html: str
    words: int
    reading_minutes: int
    path: Path


@dataclass
class QuizSettings:
    """The ``[quiz]`` table of course.toml, with defaults for what is left out."""

    pass_mark: int = 70
    max_attempts: int = 0  # 0 = unlimited
    time_limit_minutes: int | None = None
    shuffle_questions: bool = False
    shuffle_answers: bool = False
    draw: int | None = None
    show_answers: str = "after_pass"


@dataclass
class CourseSource:
    """A fully validated course folder, ready to be synced into the database."""

    slug: str
    title: str
    summary: str
    level: str
    jp: int
    minutes: int
    mandatory: bool
    assignment_only: bool
    deadline: date | None
    version: str
    tags: list[str]
    quiz: QuizSettings
    lessons: list[LessonSource]
    assets: list[Path]
    gift_path: Path | None
    gift_text: str | None
    path: Path
    content_hash: str  # sha256 over every file's name and bytes: "did anything change?"


class CourseContentError(Exception):
    """A course folder has problems; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- locating keys in TOML text ----------------------------------------------------

_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_HEADER_RE = re.compile(rf"^[ \t]*\[\[?[ \t]*(?P<key>{_DOTTED})[ \t]*\]")
_KEY_LINE_RE = re.compile(rf"^[ \t]*(?P<key>{_DOTTED})[ \t]*=")
_KEY_PART_RE = re.compile(_KEY_PART)
_TOML_POS_RE = re.compile(r"\(at line (\d+), column \d+\)")


def _split_key(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _KEY_PART_RE.findall(dotted))


def _skip_string(line: str, i: int, quote: str) -> int:
    """Index just after the single-line string starting at ``line[i]`` (or end of line)."""
    i += 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            return i + 1
        i += 1
    return i


def _close_multiline(line: str, i: int, delim: str) -> int:
    """Index just after ``delim`` closing a multi-line string, or -1 if it stays open."""
    while i < len(line):
        if delim == '"""' and line[i] == "\\":
            i += 2
            continue
        if line.startswith(delim, i):
            i += 3
            # up to two quotes may directly precede the closing delimiter
            while i < len(line) and line[i] == delim[0]:
                i += 1
            return i
        i += 1
    return -1


def toml_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map each key path (``("quiz", "pass_mark")``) and table header to its first line."""
    return _scan_toml(text)[0]


def _scan_toml(text: str) -> tuple[dict[tuple[str, ...], int], int | None]:
    """Key lines, and the line where a multi-line string or array left open at the end began.

    A small scanner instead of a regex over lines, so that text inside multi-line
    strings and arrays (``summary = \"\"\"...jp = 4...\"\"\"``) is never taken for a key.
    """
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    multiline: str | None = None  # the open '"""' or "'''" delimiter
    depth = 0  # open [ / { of a value continuing on later lines
    opened = 0  # line where the current multi-line string or bracket began
    for lineno, line in enumerate(text.split("\n"), 1):
        i = 0
        if multiline is None and depth == 0:
            if m := _HEADER_RE.match(line):
                table = _split_key(m.group("key"))
                found.setdefault(table, lineno)
                continue
            if m := _KEY_LINE_RE.match(line):
                found.setdefault(table + _split_key(m.group("key")), lineno)
                i = m.end()
        while i < len(line):
            if multiline:
                end = _close_multiline(line, i, multiline)
                if end < 0:
                    break
                multiline, i = None, end
                continue
            c = line[i]
            if c == "#":
                break
            if line.startswith(('"""', "'''"), i):
                multiline, i = line[i : i + 3], i + 3
                opened = opened if depth else lineno
            elif c in "\"'":
                i = _skip_string(line, i, c)
            else:
                if c in "[{":
                    opened = opened if depth else lineno
                    depth += 1
                elif c in "]}":
                    depth = max(0, depth - 1)
                i += 1
    return found, (opened if multiline or depth else None)


# --- schema ---------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)  # TOML true is not a number


def _nonblank(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _is_date(v: Any) -> bool:
    return isinstance(v, date) and not isinstance(v, datetime)


def _tags(v: Any) -> bool:
    return isinstance(v, list) and all(_nonblank(t) for t in v)


# key -> (required, check, message when the check fails)
_COURSE_KEYS: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "title": (True, _nonblank, '"title" harus berupa teks yang tidak kosong'),
    "summary": (True, _nonblank, '"summary" harus berupa teks yang tidak kosong'),
    "level": (
        True,
        lambda v: v in LEVELS,
        '"level" harus salah satu dari: ' + ", ".join(f'"{x}"' for x in LEVELS),
    ),
    "jp": (True, lambda v: _is_int(v) and 1 <= v <= 100, '"jp" harus bilangan bulat 1–100'),
    "minutes": (
        True,
        lambda v: _is_int(v) and v > 0,
        '"minutes" harus bilangan bulat lebih dari 0',
    ),
    "mandatory": (False, lambda v: isinstance(v, bool), '"mandatory" harus true atau false'),
    "assignment_only": (
        False,
        lambda v: isinstance(v, bool),
        '"assignment_only" harus true atau false',
    ),
    "deadline": (
        False,
        _is_date,
        '"deadline" harus tanggal TOML tanpa tanda kutip dan tanpa jam, misalnya 2026-12-31',
    ),
    "version": (
        True,
        _nonblank,
        '"version" harus berupa teks dalam tanda kutip, misalnya "2026.1"',
    ),
    "tags": (
        False,
        _tags,
        '"tags" harus daftar teks yang tidak kosong, misalnya ["AI", "Data"]',
    ),
}

_QUIZ_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "pass_mark": (lambda v: _is_int(v) and 0 <= v <= 100, "bilangan bulat 0–100"),
    "max_attempts": (
        lambda v: _is_int(v) and v >= 0,
        "bilangan bulat 0 atau lebih (0 = tanpa batas)",
    ),
    "time_limit_minutes": (lambda v: _is_int(v) and v > 0, "bilangan bulat lebih dari 0"),
    "shuffle_questions": (lambda v: isinstance(v, bool), "true atau false"),
    "shuffle_answers": (lambda v: isinstance(v, bool), "true atau false"),
    "draw": (lambda v: _is_int(v) and v > 0, "bilangan bulat lebih dari 0"),
    "show_answers": (
        lambda v: v in SHOW_ANSWERS,
        "salah satu dari: " + ", ".join(f'"{x}"' for x in SHOW_ANSWERS),
    ),
}


# Authors think in Indonesian; these are the translations they are likely to type.
_KEY_ALIASES = {
    "judul": "title",
    "ringkasan": "summary",
    "deskripsi": "summary",
    "tingkat": "level",
    "jenjang": "level",
    "menit": "minutes",
    "durasi": "minutes",
    "wajib": "mandatory",
    "tenggat": "deadline",
    "batas_waktu": "deadline",
    "versi": "version",
    "tag": "tags",
    "label": "tags",
    "kuis": "quiz",
    "nilai_lulus": "pass_mark",
    "batas_nilai": "pass_mark",
    "percobaan": "max_attempts",
    "acak_soal": "shuffle_questions",
    "acak_jawaban": "shuffle_answers",
}


def _unknown_key_message(key: str, known: list[str], where: str = "") -> str:
    message = f'kunci "{where}{key}" tidak dikenal'
    alias = _KEY_ALIASES.get(key.lower())
    close = [alias] if alias in known else difflib.get_close_matches(key, known, n=1)
    if close:
        message += f' (maksud Anda "{where}{close[0]}"?)'
    return message


# --- loading ------------------------------------------------------------------------


class _Collector:
    """Problems of one course folder; file names start with the folder's name."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix
        self.problems: list[Problem] = []

    def add(self, name: str, line: int, message: str) -> None:
        self.problems.append(Problem(f"{self.prefix}/{name}", max(1, line), message))


def _decode(data: bytes, name: str, problems: _Collector) -> str | None:
    """UTF-8 text with normalised newlines and no BOM, or None (and a problem)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(name, line, "berkas bukan teks UTF-8 yang sah; simpan ulang sebagai UTF-8")
        return None
    # editors on Windows add a BOM and CRLF; neither should change how content parses
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _walk(
    folder: Path, problems: _Collector, rel: PurePosixPath = PurePosixPath()
) -> Iterator[str]:
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


def _check_course_toml(
    text: str, problems: _Collector, has_quiz: bool
) -> tuple[dict[str, Any], QuizSettings] | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if m := _TOML_POS_RE.search(str(exc)):
            line = int(m.group(1))
        else:  # "at end of document": point at what was left open, not at the last line
            line = _scan_toml(text)[1] or len(text.rstrip("\n").split("\n"))
        detail = _TOML_POS_RE.sub("", str(exc)).strip()
        detail = detail.replace("(at end of document)", "(di akhir berkas)")
        problems.add(COURSE_FILE, line, f"sintaks TOML tidak sah: {detail}")
        return None

    lines = toml_key_lines(text)

    def line_of(*path: str) -> int:
        # the key itself, else its table (inline tables), else the top of the file
        for n in range(len(path), 0, -1):
            if path[:n] in lines:
                return lines[path[:n]]
        return 1

    ok = True
    for key in data:
        if key not in _COURSE_KEYS and key != "quiz":
            message = _unknown_key_message(key, [*_COURSE_KEYS, "quiz"])
            problems.add(COURSE_FILE, line_of(key), message)
            ok = False
    for key, (required, check, message) in _COURSE_KEYS.items():
        if key not in data:
            if required:
                problems.add(COURSE_FILE, 1, f'kunci "{key}" wajib diisi')
                ok = False
        elif not check(data[key]):
            problems.add(COURSE_FILE, line_of(key), message)
            ok = False
    # only when both values are valid: a bad one has been reported already
    if _is_date(data.get("deadline")) and data.get("mandatory", False) is False:
        problems.add(
            COURSE_FILE,
            line_of("deadline"),
            '"deadline" hanya berlaku untuk kursus wajib; tambahkan "mandatory = true" '
            "atau hapus deadline",
        )
        ok = False

    quiz = QuizSettings()
    raw_quiz = data.get("quiz")
    if raw_quiz is not None:
        if not isinstance(raw_quiz, dict):
            problems.add(COURSE_FILE, line_of("quiz"), '"quiz" harus berupa tabel [quiz]')
            return None
        if not has_quiz:
            problems.add(
                COURSE_FILE,
                line_of("quiz"),
                f"ada tabel [quiz] tetapi berkas {QUIZ_FILE} tidak ada",
            )
            ok = False
        for key, value in raw_quiz.items():
            if key not in _QUIZ_KEYS:
                message = _unknown_key_message(key, list(_QUIZ_KEYS), "quiz.")
                problems.add(COURSE_FILE, line_of("quiz", key), message)
                ok = False
                continue
            check, expected = _QUIZ_KEYS[key]
            if not check(value):
                problems.add(COURSE_FILE, line_of("quiz", key), f'"quiz.{key}" harus {expected}')
                ok = False
            else:
                setattr(quiz, key, value)
    return (data, quiz) if ok else None


def _load_lesson(
    name: str,
    number: int,
    slug: str,
    text: str,
    files: set[str],
    problems: _Collector,
    asset_url: Callable[[str], str] | None,
) -> LessonSource | None:
    title, body, title_line = split_title(text)
    before = len(problems.problems)
    if title is None:
        message = 'materi tidak memiliki judul (baris pertama harus "# Judul")'
        problems.add(name, title_line, message)
    elif not body.strip():
        problems.add(name, title_line, "materi kosong: tidak ada isi setelah judul")

    # body line n is file line title_line + n (no title: the body is the whole file)
    offset = title_line if title is not None else 0
    info = inspect_markdown(body)
    for line in info.h1_lines:
        if title is None and line == title_line:
            continue  # a setext "Judul\n=====" title: already reported as a missing title
        problems.add(
            name,
            line + offset,
            'judul tingkat 1 ("# ...") hanya untuk judul materi; pakai "## ..." untuk subjudul',
        )
    lower = {f.lower(): f for f in files}
    for link in info.links:
        line = link.line + offset
        noun = "gambar" if link.kind == "image" else "tautan"
        scheme = url_scheme(link.url)
        if scheme is not None:
            if scheme not in ALLOWED_URL_SCHEMES:
                problems.add(
                    name,
                    line,
                    f'{noun} "{link.url[:60]}" tidak diizinkan; pakai alamat http(s), '
                    "mailto, atau berkas di folder kursus",
                )
            continue
        found = asset_name(link.url)
        if found is None:
            continue
        target = found[0]
        if target.startswith(".."):
            problems.add(name, line, f'{noun} "{target}" berada di luar folder kursus')
        elif target not in files:
            message = f'{noun} "{target}" tidak ditemukan'
            if target.lower() in lower:  # authors on Windows/macOS don't see case differences
                message += f' (maksud Anda "{lower[target.lower()]}"? huruf besar/kecil berbeda)'
            problems.add(name, line, message)
        else:
            suffix = PurePosixPath(target).suffix.lower()
            if link.kind == "image" and suffix not in IMAGE_EXTENSIONS:
                problems.add(name, line, f'gambar "{target}" bukan berkas gambar')
            elif suffix not in ASSET_EXTENSIONS:
                message = f'tautan "{target}" bukan aset (gambar atau PDF) dan tidak bisa dibuka'
                problems.add(name, line, message)

    if len(problems.problems) > before or title is None:
        return None
    words = info.words
    return LessonSource(
        number=number,
        slug=slug,
        title=title,
        markdown=body,
        html=render_markdown(body, asset_url=asset_url),
        words=words,
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
        path=problems.folder / name,
    )


def _load(
    folder: Path, slug: str, asset_url: Callable[[str, str], str] | None
) -> tuple[CourseSource | None, list[Problem]]:
    problems = _Collector(folder, slug)
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
            settings = _check_course_toml(text, problems, has_quiz=QUIZ_FILE in names)

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
        lesson = _load_lesson(name, number, lesson_slug, text, files, problems, bound_url)
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
