"""Markdown rendering and HTML sanitizing for course content and short user text.

Everything that ends up as HTML on a page goes through one sanitizing policy
(:func:`sanitize_html`). Markdown is rendered with raw HTML disabled *and* then
sanitized, so a bug or a surprise in one layer is caught by the other.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

__all__ = [
    "ALLOWED_URL_SCHEMES",
    "LinkRef",
    "MarkdownInfo",
    "asset_name",
    "inspect_markdown",
    "render_inline_text",
    "render_markdown",
    "sanitize_html",
    "scrollable_tables",
    "slugify",
    "split_title",
    "url_scheme",
]

ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# --- sanitizing policy -------------------------------------------------------

_ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "hr", "br",
    "del", "s", "sup", "sub", "section", "div", "span",
}  # fmt: skip

_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "img": {"src", "alt", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start", "class"},
    "li": {"id", "class"},
    "sup": {"class"},
    "section": {"class"},
    "hr": {"class"},
    "code": {"class"},
}

# Table alignment is kept as the (obsolete but universally supported) ``align``
# attribute instead of ``style``: no CSS from content ever reaches the page.
_ALLOWED_ATTRIBUTE_VALUES = {
    "th": {"align": {"left", "center", "right"}},
    "td": {"align": {"left", "center", "right"}},
}

# Only the classes our own renderer emits (footnotes, code languages) survive, so
# content cannot borrow the site's CSS classes to dress up as UI (fake buttons, alerts).
_ALLOWED_CLASSES = {
    "a": {"footnote-backref"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "section": {"footnotes"},
    "hr": {"footnotes-sep"},
}
_CODE_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$")


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Keep only known class names; nh3's ``allowed_classes`` cannot express ``language-*``."""
    if attribute != "class":
        return value
    if element == "code":
        kept = [c for c in value.split() if _CODE_CLASS_RE.match(c)]
    else:
        allowed = _ALLOWED_CLASSES.get(element, set())
        kept = [c for c in value.split() if c in allowed]
    return " ".join(kept) or None


_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    # script/style are dropped with their content: their text is never meant to be read.
    clean_content_tags={"script", "style"},
    attributes=_ALLOWED_ATTRIBUTES,
    tag_attribute_values=_ALLOWED_ATTRIBUTE_VALUES,
    attribute_filter=_filter_attribute,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html_text: str) -> str:
    """Clean an HTML fragment with the site-wide policy (tags, attributes, URL schemes)."""
    return _CLEANER.clean(html_text)


_TABLE_RE = re.compile(r"<table>.*?</table>", re.DOTALL)


def scrollable_tables(clean_html: str, label: str) -> Markup:
    """Put each table of *sanitized* HTML in a box that scrolls sideways on its own, so a wide
    table never widens the page on a phone. The box can take focus (keyboard scrolling) and is
    a region named ``label``. Done when the page is shown, so lessons stored before need no
    new sync."""
    opening = f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(label)}">'
    wrapped = _TABLE_RE.sub(lambda m: opening + m.group(0) + "</div>", clean_html)
    return Markup(wrapped)  # noqa: S704 - the input is sanitize_html() output, the label escaped


def render_inline_text(text: str) -> str:
    """Render short plain user text as HTML: everything escaped, line breaks kept as ``<br>``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>\n".join(html.escape(line) for line in lines)


# --- Markdown ----------------------------------------------------------------


def slugify(title: str) -> str:
    """Heading id from its text; keeps letters of any script (``Ümlaut`` → ``ümlaut``)."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = re.sub(r"[^\w\s-]", "", text)  # \w is Unicode-aware
    text = re.sub(r"[\s_-]+", "-", text).strip("-")
    return text or "bagian"


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
    return md


# One shared parser: MarkdownIt keeps per-call state in its StateCore/env objects,
# and we never mutate rules after construction, so sharing is safe.
_MD = _build_parser()

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_TITLE_RE = re.compile(r"^ {0,3}#(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")


def url_scheme(url: str) -> str | None:
    """Lower-cased scheme of ``url`` (``"https"``), or None for a relative URL."""
    m = _SCHEME_RE.match(url)
    return m.group(0)[:-1].lower() if m else None


def asset_name(url: str) -> tuple[str, str] | None:
    """Split a relative file URL into (file name inside the course folder, ``?query#frag``).

    Returns None for URLs that are not references to a course file: absolute URLs,
    ``/paths``, ``//host`` URLs, ``#anchors`` and query-only URLs. The name is
    percent-decoded (Markdown-it encodes it) and normalised (``./a.png`` → ``a.png``);
    it may still start with ``..`` — callers decide what to do with that.
    """
    if not url or url_scheme(url) or url.startswith(("/", "#", "?", "\\")):
        return None
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path, suffix = url[:cut], url[cut:]
    if not path:
        return None
    return posixpath.normpath(unquote(path)), suffix


def split_title(md: str) -> tuple[str | None, str, int]:
    """Split a lesson into (title, body, title_line).

    The first non-blank line must be an ATX level-1 heading (``# Judul``). Then the
    body is the text after that line, so body line *n* is file line ``title_line + n``.
    Otherwise the title is None, the body is the whole text and ``title_line`` is the
    first non-blank line (1 for an empty text).
    """
    lines = md.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        m = _TITLE_RE.match(line)
        title = (m.group(1) or "").strip() if m else ""
        if not title or set(title) == {"#"}:  # "# #" is an empty heading in CommonMark
            return None, md, index + 1
        return title, "\n".join(lines[index + 1 :]), index + 1
    return None, md, 1


def _rewrite_tokens(tokens: list[Token], asset_url: Callable[[str], str] | None) -> None:
    """Point relative file URLs at ``asset_url`` and turn table ``style`` into ``align``."""
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style", None)
                token.attrSet("align", style.removeprefix("text-align:"))
        if token.children:
            _rewrite_tokens(token.children, asset_url)
        if asset_url is None:
            continue
        attr = {"image": "src", "link_open": "href"}.get(token.type)
        if attr is None:
            continue
        found = asset_name(str(token.attrGet(attr) or ""))
        # a name escaping the folder is not an asset: leave it alone (the loader reports it)
        if found and not found[0].startswith(".."):
            token.attrSet(attr, asset_url(found[0]) + found[1])


def render_markdown(text: str, *, asset_url: Callable[[str], str] | None = None) -> str:
    """Render Markdown to sanitized HTML; relative file URLs go through ``asset_url``.

    ``asset_url`` gets the decoded file name inside the course folder
    (``"gambar/foto baru.jpg"``) and must return a ready URL (quoted, as ``url_for`` does).
    """
    env: dict[str, object] = {}
    tokens = _MD.parse(text, env)
    _rewrite_tokens(tokens, asset_url)
    return sanitize_html(_MD.renderer.render(tokens, _MD.options, env))


# --- inspection (used by the course loader to report authoring mistakes) -----------


@dataclass(frozen=True)
class LinkRef:
    """A link or image in Markdown: its URL (as markdown-it normalised it) and its line."""

    kind: Literal["image", "link"]
    url: str
    line: int


@dataclass
class MarkdownInfo:
    """What the loader needs to know about a Markdown text besides its HTML."""

    words: int = 0
    links: list[LinkRef] = field(default_factory=list)
    h1_lines: list[int] = field(default_factory=list)


def _candidates(url: str) -> list[str]:
    """Spellings under which ``url`` may appear in the source, most specific first."""
    found = asset_name(url)
    spellings = [url, unquote(url)]
    if found:
        spellings.append(found[0])
    return [s for s in dict.fromkeys(spellings) if s]


def _locate(lines: list[str], url: str, start: int, end: int, cursor: list[int]) -> int:
    """0-based line where ``url`` is written, searching its block first, then the whole text.

    ``cursor`` (line, column) moves past each hit so repeated URLs in one block
    get their own lines. Reference-style links are found at their definition.
    """
    for spelling in _candidates(url):
        line, col = cursor
        for index in range(max(line, start), min(end, len(lines))):
            pos = lines[index].find(spelling, col if index == line else 0)
            if pos >= 0:
                cursor[:] = [index, pos + len(spelling)]
                return index
    for spelling in _candidates(url):
        for index, text in enumerate(lines):
            if spelling in text:
                return index
    return start


def inspect_markdown(text: str) -> MarkdownInfo:
    """Count words and list links, images and level-1 headings (1-based lines in ``text``)."""
    info = MarkdownInfo()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    words: list[str] = []
    for token in _MD.parse(text):
        if token.type == "heading_open" and token.tag == "h1" and token.map:
            info.h1_lines.append(token.map[0] + 1)
        if token.type in ("fence", "code_block"):
            words.append(token.content)
        if token.type != "inline" or not token.children:
            continue
        start, end = token.map or (0, len(lines))
        cursor = [start, 0]
        for child in token.children:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("image", "link_open"):
                kind: Literal["image", "link"] = "image" if child.type == "image" else "link"
                url = str(child.attrGet("src" if kind == "image" else "href") or "")
                line = _locate(lines, url, start, end, cursor)
                info.links.append(LinkRef(kind, url, line + 1))
    info.words = len(_WORD_RE.findall(" ".join(words)))
    return info
