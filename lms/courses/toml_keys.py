"""Where each key of a TOML text stands: problems in course.toml point at the author's line.

``tomllib`` parses but forgets positions; this small scanner finds the first line of every key
path and table header, skipping text inside multi-line strings and arrays.
"""

from __future__ import annotations

import re

__all__ = ["scan_toml", "toml_key_lines"]

_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_HEADER_RE = re.compile(rf"^[ \t]*\[\[?[ \t]*(?P<key>{_DOTTED})[ \t]*\]")
_KEY_LINE_RE = re.compile(rf"^[ \t]*(?P<key>{_DOTTED})[ \t]*=")
_KEY_PART_RE = re.compile(_KEY_PART)


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
    return scan_toml(text)[0]


def scan_toml(text: str) -> tuple[dict[tuple[str, ...], int], int | None]:
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
