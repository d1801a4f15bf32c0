"""Charts as inline SVG, drawn on the server: no JavaScript, sharp in print, readable aloud.

Every chart carries a <title> and <desc> and writes its numbers as text next to the marks.
Colours are SVG presentation attributes (fill=, stroke=), which the Content-Security-Policy
allows, unlike style="" attributes.

The charts are fluid, not scaled: they have no viewBox, so their text keeps its size in CSS
pixels (13 px) on a phone as on a desk, while horizontal positions are percentages of the width
the page gives them. A scaled drawing 670 units wide shrank its labels to about 6 px on a
390 px screen. Long names wrap to two lines and are shortened beyond that, the full name in a
<title> (a tooltip); labels that would crowd a narrow screen carry class ``alt``, which
static/css/sinau.css hides below 40rem (never in print).
"""

from __future__ import annotations

import functools
import math
from datetime import date

from babel.dates import format_date
from flask_babel import get_locale
from markupsafe import Markup, escape

from lms.i18n import gettext as _
from lms.i18n import number

BRAND = "#0d5c63"
ACCENT = "#f2c14e"
GRID = "#d9dee4"
TRACK = "#e3e8ec"
INK = "#1b2430"
MUTED = "#52606d"

FONT_SIZE = 13
LINE_HEIGHT = 17
#: Characters of a label line: about 280 px of 13 px text, inside a 390 px screen's card.
LABEL_CHARS = 36
#: Width (px) assumed for a chart on a phone and on a desk when deciding how many labels fit.
PHONE_WIDTH, DESK_WIDTH = 290, 480
#: Share of the width a bar may take at 100 %, leaving room for its value after it.
BAR_SPAN = 78


def _svg(height: int, title: str, desc: str, body: list[str], ident: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )
    # Every piece of text in ``body`` went through escape() or is a number we formatted.
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704


def _empty(title: str, ident: str) -> Markup:
    text = _("Belum ada data.")
    body = [f'<text x="0" y="{FONT_SIZE + 3}" fill="{MUTED}">{escape(text)}</text>']
    return _svg(FONT_SIZE + 10, title, text, body, ident)


def wrap_label(text: str, width: int = LABEL_CHARS, lines: int = 2) -> tuple[list[str], bool]:
    """``text`` broken into at most ``lines`` lines of ``width`` characters at spaces; the last
    line ends in "…" when something had to go. Returns the lines and whether it was shortened."""
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
    if current or not out:
        out.append(current)
    # a single word longer than a line is cut, as is everything beyond the last line
    out = [line if len(line) <= width else line[: width - 1] + "…" for line in out]
    shortened = len(out) > lines or any(line.endswith("…") for line in out)
    if len(out) > lines:
        last = out[lines - 1].rstrip("…")
        out = [*out[: lines - 1], (last if len(last) < width else last[: width - 1]) + "…"]
    return out, shortened


def _every(count: int, widest: int, room: int) -> int:
    """Label every n-th of ``count`` marks so labels ``widest`` characters wide fit ``room`` px."""
    fits = max(1, room // (widest * 8 + 12))
    return max(1, math.ceil(count / fits))


def _spacing(count: int, widest: int) -> tuple[int, int]:
    """(every n-th mark labelled on a desk, every n-th also on a phone), the second a multiple
    of the first so that a phone shows a subset of what a desk shows."""
    desk = _every(count, widest, DESK_WIDTH)
    phone = _every(count, widest, PHONE_WIDTH)
    return desk, desk * math.ceil(phone / desk)


def _label_class(i: int, desk: int, phone: int) -> str | None:
    """None: no label; "": always; "alt": not on narrow screens."""
    if i % desk:
        return None
    return "" if i % phone == 0 else "alt"


def bar_chart(items: list[tuple[str, float | None]], title: str, ident: str = "bar") -> Markup:
    """Horizontal bars of percentages (0..100), one per label; None is drawn as "–".

    Each label sits on its own line(s) above its bar, so a long unit name has the whole width."""
    if not items:
        return _empty(title, ident)
    body, parts, y = [], [], 0
    for label, value in items:
        lines, shortened = wrap_label(label)
        shown = "–" if value is None else f"{number(value, 1)}%"
        parts.append(f"{label}: {shown}")
        tip = f"<title>{escape(label)}</title>" if shortened else ""
        spans = "".join(
            f'<tspan x="0" dy="{0 if n == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        body.append(f'<text x="0" y="{y + FONT_SIZE}" fill="{INK}">{tip}{spans}</text>')
        bar_y = y + LINE_HEIGHT * len(lines) + 3
        share = BAR_SPAN * max(min(value or 0, 100), 0) / 100
        body.append(
            f'<rect x="0" y="{bar_y}" width="{BAR_SPAN}%" height="12" fill="{TRACK}"/>'
            f'<rect x="0" y="{bar_y}" width="{share:.2f}%" height="12" fill="{BRAND}"/>'
            f'<text x="{share:.2f}%" dx="6" y="{bar_y + 11}" fill="{INK}">{shown}</text>'
        )
        y = bar_y + 12 + 10
    return _svg(y, title, "; ".join(parts), body, ident)


@functools.lru_cache(maxsize=64)
def _month_name(month: int, locale: str) -> str:
    """A month's short name in ``locale`` ("Jan", "Mei"): formatted once per process."""
    return format_date(date(2000, month, 1), "LLL", locale=locale).rstrip(".")


def line_chart(points: list[tuple[date, int]], title: str, ident: str = "line") -> Markup:
    """Completions per month: a line with a dot per month, its count above and the month below
    (the year under January and under the first month)."""
    if not points:
        return _empty(title, ident)
    height, top, bottom = 210, 26, 44
    peak = max(n for _, n in points) or 1
    base = height - bottom
    count = len(points)
    shown = {n: number(n, 0) for n in {n for _, n in points}}  # a year of mostly equal counts
    values = [shown[n] for _, n in points]
    locale = str(get_locale() or "id")
    months = [_month_name(m.month, locale) for m, _ in points]
    widest = max(len(s) for s in [*values, *months])
    desk, phone = _spacing(count, widest)

    def x_of(i: int) -> float:
        return 50.0 if count == 1 else 3 + 94 * i / (count - 1)

    def y_of(n: int) -> float:
        return top + (base - top) * (1 - n / peak)

    body = [f'<line x1="0" y1="{base}" x2="100%" y2="{base}" stroke="{GRID}"/>']
    for i in range(1, count):
        body.append(
            f'<line x1="{x_of(i - 1):.2f}%" y1="{y_of(points[i - 1][1]):.1f}" '
            f'x2="{x_of(i):.2f}%" y2="{y_of(points[i][1]):.1f}" stroke="{BRAND}" '
            f'stroke-width="2"/>'
        )
    parts = []
    for i, (month, n) in enumerate(points):
        x, y = x_of(i), y_of(n)
        spoken = f"{months[i]} {month.year}: {values[i]}"
        parts.append(spoken)
        body.append(
            f'<circle cx="{x:.2f}%" cy="{y:.1f}" r="3.5" fill="{BRAND}">'
            f"<title>{escape(spoken)}</title></circle>"
        )
        kind = _label_class(i, desk, phone)
        if kind is None:
            continue
        anchor = "start" if i == 0 and count > 1 else "end" if i == count - 1 else "middle"
        cls = ' class="alt"' if kind else ""
        common = f'x="{x:.2f}%" text-anchor="{anchor}"{cls}'
        year = (
            f'<tspan x="{x:.2f}%" dy="{LINE_HEIGHT}">{month.year}</tspan>'
            if i == 0 or month.month == 1
            else ""
        )
        body.append(
            f'<text {common} y="{y - 8:.1f}" fill="{INK}">{values[i]}</text>'
            f'<text {common} y="{base + 17}" fill="{MUTED}">{escape(months[i])}{year}</text>'
        )
    return _svg(height, title, "; ".join(parts), body, ident)


def histogram(
    buckets: list[tuple[str, int]], title: str, ident: str = "hist", warn: int | None = None
) -> Markup:
    """Vertical bars: how many people fall in each JP bucket (the last one, the target met, in
    the brand colour). ``warn``: how many leading buckets take the warning colour (default all
    but the last; 0 for PPPK, whose 24 JP is a ceiling, not a target). Every bar keeps its
    count; bucket labels ("10–19") leave out "JP", which the caption says, so that they fit a
    phone."""
    warn = len(buckets) - 1 if warn is None else warn
    if not buckets:
        return _empty(title, ident)
    height, top, bottom = 200, 24, 30
    peak = max(n for _, n in buckets) or 1
    slot = 100 / len(buckets)
    desk, phone = _spacing(len(buckets), max(len(label) for label, _ in buckets))
    body = [
        f'<line x1="0" y1="{height - bottom}" x2="100%" y2="{height - bottom}" stroke="{GRID}"/>'
    ]
    parts = []
    for i, (label, n) in enumerate(buckets):
        h = (height - top - bottom) * n / peak
        x, centre = slot * i + slot * 0.15, slot * i + slot * 0.5
        y = height - bottom - h
        fill = ACCENT if i < warn else BRAND
        spoken = f"{label} JP: {number(n, 0)}"
        parts.append(spoken)
        body.append(
            f'<rect x="{x:.2f}%" y="{y:.1f}" width="{slot * 0.7:.2f}%" height="{h:.1f}" '
            f'fill="{fill}"><title>{escape(spoken)}</title></rect>'
            f'<text x="{centre:.2f}%" y="{y - 5:.1f}" text-anchor="middle" fill="{INK}">'
            f"{number(n, 0)}</text>"
        )
        kind = _label_class(i, desk, phone)
        if kind is not None:
            cls = ' class="alt"' if kind else ""
            body.append(
                f'<text x="{centre:.2f}%" y="{height - bottom + 18}" text-anchor="middle" '
                f'fill="{MUTED}"{cls}>{escape(label)}</text>'
            )
    return _svg(height, title, "; ".join(parts), body, ident)
