"""Checking course.toml: its keys, their values, and the ``[quiz]`` table.

Every problem is reported with its line (found by :mod:`lms.courses.toml_keys`), in Indonesian,
with a suggestion when an author typed an Indonesian or misspelt key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from lms.courses.source import COURSE_FILE, LEVELS, QUIZ_FILE, SHOW_ANSWERS, Collector, QuizSettings
from lms.courses.toml_keys import scan_toml, toml_key_lines

__all__ = ["check_course_toml"]

_TOML_POS_RE = re.compile(r"\(at line (\d+), column \d+\)")


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


def check_course_toml(
    text: str, problems: Collector, has_quiz: bool
) -> tuple[dict[str, Any], QuizSettings] | None:
    """The settings of a valid course.toml and its quiz table, or None (and its problems)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if m := _TOML_POS_RE.search(str(exc)):
            line = int(m.group(1))
        else:  # "at end of document": point at what was left open, not at the last line
            line = scan_toml(text)[1] or len(text.rstrip("\n").split("\n"))
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
