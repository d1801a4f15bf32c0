"""What a course folder is read into: its file names, the values it holds, and its problems.

A course is a folder ``courses/<slug>/`` with ``course.toml``, lessons named ``NN-judul.md``,
optional ``quiz.gift`` and assets (images, PDFs). The loader (:mod:`lms.courses.content`) fills
these values; the checks of course.toml (:mod:`lms.courses.course_toml`) and of lessons
(:mod:`lms.courses.lessons`) report into one :class:`Collector` per folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

__all__ = [
    "ASSET_EXTENSIONS",
    "COURSE_FILE",
    "IMAGE_EXTENSIONS",
    "LESSON_RE",
    "LEVELS",
    "QUIZ_FILE",
    "SHOW_ANSWERS",
    "SLUG_RE",
    "Collector",
    "CourseContentError",
    "CourseSource",
    "LessonSource",
    "Problem",
    "QuizSettings",
]

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LESSON_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
LEVELS = ("dasar", "menengah", "lanjut")
SHOW_ANSWERS = ("never", "after_pass", "after_last", "always")
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
ASSET_EXTENSIONS = IMAGE_EXTENSIONS | {".pdf"}
COURSE_FILE = "course.toml"
QUIZ_FILE = "quiz.gift"


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


class Collector:
    """Problems of one course folder; file names start with the folder's name."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix
        self.problems: list[Problem] = []

    def add(self, name: str, line: int, message: str) -> None:
        """Record a problem in ``name`` (relative to the folder) at ``line`` (at least 1)."""
        self.problems.append(Problem(f"{self.prefix}/{name}", max(1, line), message))
