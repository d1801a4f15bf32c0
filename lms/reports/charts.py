"""Charts as inline SVG, drawn on the server: no JavaScript, sharp in print, readable aloud.

Every chart carries a <title> and <desc> and writes its numbers as text next to the marks.
Colours are SVG presentation attributes (fill=, stroke=), which the Content-Security-Policy
allows, unlike style="" attributes.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from lms.i18n import number

BRAND = "#0d5c63"
ACCENT = "#f2c14e"
GRID = "#d9dee4"
INK = "#1b2430"
MUTED = "#52606d"


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )
    # Every piece of text in ``body`` went through escape() or is a number we formatted.
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704


def _trim(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def bar_chart(items: list[tuple[str, float | None]], title: str, ident: str = "bar") -> Markup:
    """Horizontal bars of percentages (0..100), one per label; None is drawn as "–"."""
    label_w, bar_w, row_h, top = 230, 380, 22, 10
    height = top + row_h * max(len(items), 1) + 24
    body = []
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="{MUTED}">{tick}%</text>'
        )
    parts = []
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        width = bar_w * max(min(value or 0, 100), 0) / 100
        shown = "–" if value is None else f"{number(value, 1)}%"
        parts.append(f"{label}: {shown}")
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" fill="{INK}">'
            f"{escape(_trim(label))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 8}" '
            f'fill="{BRAND}"/>'
            f'<text x="{label_w + width + 4:.1f}" y="{y + 15}" fill="{INK}">{shown}</text>'
        )
    return _svg(label_w + bar_w + 60, height, title, "; ".join(parts), body, ident)


def line_chart(points: list[tuple[date, int]], title: str, ident: str = "line") -> Markup:
    """Completions per month: a line with a labelled dot per month."""
    width, height, left, right, top, bottom = 640, 240, 40, 20, 20, 40
    peak = max((n for _, n in points), default=0) or 1
    span_x = width - left - right
    span_y = height - top - bottom
    step = span_x / max(len(points) - 1, 1)
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        f'stroke="{GRID}"/>'
    ]
    coords, parts = [], []
    for i, (month, n) in enumerate(points):
        x = left + i * step
        y = top + span_y * (1 - n / peak)
        coords.append(f"{x:.1f},{y:.1f}")
        label = f"{month.month:02d}/{month.year % 100:02d}"
        parts.append(f"{label}: {n}")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BRAND}"/>'
            f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle" fill="{INK}">'
            f"{number(n, 0)}</text>"
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="{MUTED}">'
            f"{label}</text>"
        )
    if coords:
        body.insert(
            1,
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{BRAND}" '
            f'stroke-width="2"/>',
        )
    return _svg(width, height, title, "; ".join(parts) or "–", body, ident)


def histogram(buckets: list[tuple[str, int]], title: str, ident: str = "hist") -> Markup:
    """Vertical bars: how many people fall in each JP bucket."""
    width, height, left, top, bottom = 420, 220, 20, 24, 36
    peak = max((n for _, n in buckets), default=0) or 1
    slot = (width - 2 * left) / max(len(buckets), 1)
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" y2="{height - bottom}" '
        f'stroke="{GRID}"/>'
    ]
    parts = []
    for i, (label, n) in enumerate(buckets):
        h = (height - top - bottom) * n / peak
        x = left + i * slot + slot * 0.15
        y = height - bottom - h
        fill = ACCENT if i < len(buckets) - 1 else BRAND
        parts.append(f"{label} JP: {n}")
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{fill}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'fill="{INK}">{number(n, 0)}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(label)} JP</text>'
        )
    return _svg(width, height, title, "; ".join(parts), body, ident)
