"""Checking and rendering one lesson file (``NN-judul.md``): its title, headings and links.

A lesson links only to http(s), mailto and files of its own course folder; every link that does
not resolve is reported with its line, and a lesson with problems is not rendered.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import PurePosixPath

from lms.courses.markdown import (
    ALLOWED_URL_SCHEMES,
    asset_name,
    inspect_markdown,
    render_markdown,
    split_title,
    url_scheme,
)
from lms.courses.source import ASSET_EXTENSIONS, IMAGE_EXTENSIONS, Collector, LessonSource

__all__ = ["load_lesson"]

WORDS_PER_MINUTE = 200  # typical silent reading speed for Indonesian prose


def load_lesson(
    name: str,
    number: int,
    slug: str,
    text: str,
    files: set[str],
    problems: Collector,
    asset_url: Callable[[str], str] | None,
) -> LessonSource | None:
    """The lesson, rendered, or None when it has problems (added to ``problems``)."""
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
