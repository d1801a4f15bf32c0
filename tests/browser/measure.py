"""What the phone layout test measures in the browser, and how it walks the pages.

Kept apart from tests/browser/test_phone_layout.py so that the test reads as a list of checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError

#: Links that download a file or leave the app: not pages to lay out.
NOT_PAGES = re.compile(
    r"\.(csv|xlsx|zip|pdf|svg|png|jpe?g|gif|webp|gift|txt)$|/export|/evidence/|/static/|"
    r"/template\.|/files/|/sso/|/pdf$"
)
#: A crawl that finds more than this many kinds of page has gone astray.
MAX_PAGES = 250

#: Per page: how wide it is (and what sticks out), each visible chart text's rendered size and
#: whether it is clipped, and what the page weighs (the HTML; the stylesheets and scripts named).
MEASURE = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [];
  for (const el of root.scrollWidth > width ? document.body.querySelectorAll('*') : []) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}px`);
    }
  }
  const charts = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      if (!text.checkVisibility()) continue;
      const box = text.getBoundingClientRect();
      const ctm = text.getScreenCTM();
      const scale = Math.min(Math.abs(ctm.a), Math.abs(ctm.d));
      charts.push({
        text: text.textContent.trim(),
        px: parseFloat(getComputedStyle(text).fontSize) * scale,
        clipped: box.left < frame.left - 0.5 || box.right > frame.right + 0.5
          || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5,
      });
    }
  }
  // what a weak connection has to fetch: the page with its stylesheets and scripts
  const html = performance.getEntriesByType('navigation')[0].decodedBodySize;
  const assets = [...document.querySelectorAll('link[rel=stylesheet], script[src]')]
    .map(el => new URL(el.href || el.src).pathname);
  return {scroll: root.scrollWidth, client: width, wide: wide.slice(0, 5), charts, html, assets};
}"""


#: Query arguments that sort or page a list: the same page again.
SAME_PAGE_ARGS = {"sort", "dir", "page"}


def kind_of(url: str) -> str:
    """Pages of one kind share a template: ids, course and lesson slugs, query values, sorting
    and paging do not make a new one."""
    parts = urlsplit(url)
    keys = {pair.split("=", 1)[0] for pair in parts.query.split("&") if pair} - SAME_PAGE_ARGS
    path = re.sub(r"/\d+", "/N", parts.path)
    path = re.sub(r"^/courses/[^/]+", "/courses/S", path)
    path = re.sub(r"/lessons/[^/]+", "/lessons/L", path)
    return path + ("?" + "&".join(sorted(keys)) if keys else "")


def crawl(page, base: str, also: list[str]) -> Iterator[tuple[str, int, dict]]:
    """Visit every kind of page reachable from the dashboard, and the pages ``also`` names;
    yield (url, status, measures)."""
    queue = [f"{base}/", *(base + path for path in also)]
    seen = {kind_of(f"{base}/")}
    while queue:
        url = queue.pop(0)
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a link to a file that NOT_PAGES did not foresee
            if "Download is starting" in str(error):
                continue
            raise
        status = response.status if response else 0
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue
        yield url, status, page.evaluate(MEASURE)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            link = urljoin(url, href).split("#", 1)[0]
            if not link.startswith(base) or NOT_PAGES.search(urlsplit(link).path):
                continue
            kind = kind_of(link)
            if kind not in seen:
                seen.add(kind)
                queue.append(link)
        assert len(seen) <= MAX_PAGES, f"more than {MAX_PAGES} kinds of page: {sorted(seen)}"


#: The focused element's ring and what lies around it: just outside its box (where the ring is
#: drawn, 2 to 5 px out), the first opaque background of whatever the page shows there. A
#: visually hidden control (the menu checkbox) shows its ring on its label.
RING = """() => {
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.id && getComputedStyle(el).opacity === '0') {
    el = document.querySelector(`label[for="${el.id}"]`);
  }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const x = box.left - 4 >= 0 ? box.left - 4 : Math.min(box.right + 4, innerWidth - 1);
  let behind = 'rgb(255, 255, 255)';
  const under = document.elementsFromPoint(x, y).find(node => !el.contains(node));
  for (let up = under; up; up = up.parentElement) {
    const bg = getComputedStyle(up).backgroundColor;
    if (bg !== 'transparent' && !bg.startsWith('rgba(0, 0, 0, 0)')) { behind = bg; break; }
  }
  return {what: el.outerHTML.slice(0, 80), outline: style.outlineColor, style: style.outlineStyle,
          width: parseFloat(style.outlineWidth), inner: style.boxShadow, behind};
}"""


def rgb(css: str) -> tuple[int, int, int]:
    """(r, g, b) of a computed CSS colour such as ``rgb(9, 67, 74)``."""
    return tuple(int(v) for v in re.findall(r"\d+", css)[:3])


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""

    def luminance(rgb):
        parts = [c / 255 for c in rgb]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
