"""Markdown rendering and the HTML sanitizing policy (a security boundary: keep it strict)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from lms.courses.markdown import (
    asset_name,
    inspect_markdown,
    render_inline_text,
    render_markdown,
    sanitize_html,
    slugify,
    split_title,
)


class _Collect(HTMLParser):
    """All tags and attributes of an HTML fragment, with entities decoded like a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)


def parse(html: str) -> _Collect:
    collector = _Collect()
    collector.feed(html)
    collector.close()
    return collector


def urls(html: str) -> list[str]:
    return [v for _, name, v in parse(html).attrs if name in ("href", "src")]


def assert_safe(html: str) -> None:
    """No script element, no event handler, no URL with a dangerous scheme."""
    doc = parse(html)
    assert "script" not in doc.tags
    assert not [name for _, name, _ in doc.attrs if name.startswith("on")]
    assert not [name for _, name, _ in doc.attrs if name == "style"]
    for url in urls(html):
        # browsers ignore ASCII whitespace and control characters inside the scheme
        squashed = re.sub(r"[\x00-\x20]", "", url).lower()
        assert not squashed.startswith(("javascript:", "vbscript:", "data:")), url


# --- XSS: raw HTML in Markdown ------------------------------------------------------------

RAW_HTML_ATTACKS = [
    "<script>alert(1)</script>",
    "Teks <script>alert(1)</script> biasa",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">klik</a>',
    "<iframe src=https://contoh.go.id></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
]


@pytest.mark.parametrize("source", RAW_HTML_ATTACKS)
def test_raw_html_in_markdown_is_shown_as_text(source: str) -> None:
    html = render_markdown(source)
    assert_safe(html)
    assert "<" not in html.replace("<p>", "").replace("</p>", "")


def test_raw_html_block_is_escaped_not_executed() -> None:
    html = render_markdown("<script>\nalert(1)\n</script>\n\nsetelahnya")
    assert "&lt;script&gt;" in html
    assert_safe(html)


# --- XSS: sanitize_html fed directly -------------------------------------------------------


def test_sanitize_drops_script_with_its_content() -> None:
    html = sanitize_html("<p>aman</p><script>alert('xss')</script><style>p{}</style>")
    assert html == "<p>aman</p>"


@pytest.mark.parametrize(
    "source",
    [
        "<img src=x onerror=alert(1)>",
        '<a href="https://contoh.go.id" onclick="alert(1)">x</a>',
        '<p onmouseover="alert(1)">x</p>',
        "<body onload=alert(1)>x",
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
        "<ScRiPt>alert(1)</sCrIpT>",
        '<img src="x" """ onerror=alert(1)>',
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_sanitize_removes_scripts_and_event_handlers(source: str) -> None:
    html = sanitize_html(source)
    assert_safe(html)
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x61;script:alert(1)",
        "&#106;avascript:alert(1)",
        "java&#x09;script:alert(1)",
        "  javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_sanitize_removes_dangerous_link_urls(url: str) -> None:
    html = sanitize_html(f'<a href="{url}">x</a><img src="{url}">')
    assert_safe(html)
    assert urls(html) == []


def test_sanitize_removes_data_urls_in_images() -> None:
    html = sanitize_html('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">')
    assert urls(html) == []
    assert 'alt="x"' in html


def test_sanitize_keeps_safe_urls_and_adds_rel() -> None:
    html = sanitize_html(
        '<a href="https://sinau.jatimprov.go.id/">a</a> <a href="mailto:bkd@jatimprov.go.id">b</a>'
        ' <a href="materi.pdf">c</a> <a href="/kursus/x">d</a> <a href="#fn1">e</a>'
    )
    assert urls(html) == [
        "https://sinau.jatimprov.go.id/",
        "mailto:bkd@jatimprov.go.id",
        "materi.pdf",
        "/kursus/x",
        "#fn1",
    ]
    assert html.count('rel="noopener noreferrer"') == 5


def test_sanitize_drops_other_schemes() -> None:
    html = sanitize_html(
        '<a href="ftp://x/y">a</a><a href="tel:123">b</a><img src="file:///etc/x">'
    )
    assert urls(html) == []


def test_sanitize_drops_unsafe_tags_but_keeps_text() -> None:
    html = sanitize_html(
        "<form action=/x><input name=a><button>Kirim</button></form>"
        "<object data=x></object><embed src=x><iframe src=x></iframe><h1>Judul</h1>"
    )
    assert set(parse(html).tags) == set()
    assert "Kirim" in html
    assert "Judul" in html


def test_sanitize_filters_classes_styles_and_comments() -> None:
    html = sanitize_html(
        '<p class="btn btn-primary" style="color:red">a</p><!-- rahasia -->'
        '<code class="language-python evil">b</code><li class="footnote-item x">c</li>'
    )
    assert 'class="btn' not in html
    assert "style" not in html
    assert "rahasia" not in html
    assert '<code class="language-python">' in html
    assert '<li class="footnote-item">' in html


def test_sanitize_keeps_allowed_table_alignment_only() -> None:
    html = sanitize_html(
        '<table><tr><td align="right">1</td><td align="javascript">2</td></tr></table>'
    )
    assert '<td align="right">1</td>' in html
    assert "<td>2</td>" in html


# --- XSS through Markdown syntax -----------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](jav&#x61;script:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "![x](JAVASCRIPT:alert(1))",
        "![x](jav&#x61;script:alert(1))",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        '![x](a.png" onerror="alert(1))',
        '[x](https://contoh.go.id "judul\\" onclick=\\"alert(1)")',
    ],
)
def test_markdown_links_and_images_cannot_carry_scripts(source: str) -> None:
    html = render_markdown(source)
    assert_safe(html)
    assert_safe(render_markdown(source, asset_url=lambda name: f"/aset/{name}"))


def test_markdown_data_image_keeps_alt_text_but_no_src() -> None:
    html = render_markdown("![grafik](data:image/png;base64,iVBORw0KGgo=)")
    assert urls(html) == []
    assert 'alt="grafik"' in html


def test_markdown_links_get_rel() -> None:
    html = render_markdown("[situs](https://jatimprov.go.id)")
    assert html == (
        '<p><a href="https://jatimprov.go.id" rel="noopener noreferrer">situs</a></p>\n'
    )


# --- features ------------------------------------------------------------------------------


def test_tables_render_with_alignment_and_no_style() -> None:
    html = render_markdown("| Nama | Nilai |\n|:-----|------:|\n| Ani | 90 |\n")
    assert "<table>" in html
    assert '<th align="left">Nama</th>' in html
    assert '<td align="right">90</td>' in html
    assert "style" not in html


def test_strikethrough() -> None:
    assert "<s>lama</s>" in render_markdown("~~lama~~ baru")


def test_footnotes_render() -> None:
    html = render_markdown("Teks utama.[^1]\n\n[^1]: Sumber: Perpres 95/2018.")
    assert '<section class="footnotes">' in html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<li id="fn1" class="footnote-item">' in html
    assert "Sumber: Perpres 95/2018." in html
    assert 'href="#fnref1"' in html


def test_heading_anchors_on_h2_and_h3_only() -> None:
    html = render_markdown("## Apa itu AI?\n\n### Risiko & Manfaat\n\n#### Rincian\n")
    assert '<h2 id="apa-itu-ai">Apa itu AI?</h2>' in html
    assert '<h3 id="risiko-manfaat">Risiko &amp; Manfaat</h3>' in html
    assert "<h4>Rincian</h4>" in html


def test_heading_anchors_are_unicode_friendly_and_unique() -> None:
    html = render_markdown("## Über Ärger\n\n## Über Ärger\n\n## 人工知能\n\n## !!!\n")
    assert 'id="über-ärger"' in html
    assert 'id="über-ärger-1"' in html
    assert 'id="人工知能"' in html
    assert 'id="bagian"' in html


def test_fenced_code_is_escaped_and_keeps_language() -> None:
    html = render_markdown("```python\nif a < b and c > d:\n    print('<b>')\n```\n")
    assert '<pre><code class="language-python">' in html
    assert "if a &lt; b and c &gt; d:" in html
    assert "<b>" not in html


def test_fenced_code_language_cannot_inject() -> None:
    html = render_markdown('```"><script>alert(1)</script>\nx\n```\n')
    assert_safe(html)
    assert "<code>" in html


def test_raw_html_is_text_in_inline_code() -> None:
    assert "<code>&lt;b&gt;</code>" in render_markdown("Tag `<b>` menebalkan.")


# --- asset URLs ----------------------------------------------------------------------------


def asset(name: str) -> str:
    return f"/kursus/dasar-ai/aset/{name}"


def test_relative_urls_are_rewritten_through_asset_url() -> None:
    html = render_markdown(
        "![a](diagram.png) ![b](./gambar/alur.svg) [c](materi.pdf#page=2) ![d](<foto baru.jpg>)",
        asset_url=asset,
    )
    assert urls(html) == [
        "/kursus/dasar-ai/aset/diagram.png",
        "/kursus/dasar-ai/aset/gambar/alur.svg",
        "/kursus/dasar-ai/aset/materi.pdf#page=2",
        "/kursus/dasar-ai/aset/foto baru.jpg",
    ]


def test_non_relative_urls_are_left_alone() -> None:
    source = (
        "[a](https://x.go.id/a.png) [b](/kursus) [c](#bagian) [d](mailto:a@b.id)"
        " [e](//cdn.go.id/x.png) [f](../luar.png)"
    )
    html = render_markdown(source, asset_url=asset)
    assert urls(html) == [
        "https://x.go.id/a.png",
        "/kursus",
        "#bagian",
        "mailto:a@b.id",
        "//cdn.go.id/x.png",
        "../luar.png",
    ]


def test_without_asset_url_relative_urls_stay_relative() -> None:
    assert urls(render_markdown("![a](diagram.png)")) == ["diagram.png"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("diagram.png", ("diagram.png", "")),
        ("./gambar/a.png", ("gambar/a.png", "")),
        ("gambar/../a.png", ("a.png", "")),
        ("foto%20baru.jpg", ("foto baru.jpg", "")),
        ("materi.pdf#page=2", ("materi.pdf", "#page=2")),
        ("materi.pdf?v=2", ("materi.pdf", "?v=2")),
        ("../luar.png", ("../luar.png", "")),
        ("https://x.go.id/a.png", None),
        ("mailto:a@b.id", None),
        ("C:/Users/a.png", None),
        ("/abs.png", None),
        ("//host/a.png", None),
        ("#bagian", None),
        ("?q=1", None),
        ("", None),
    ],
)
def test_asset_name(url: str, expected: tuple[str, str] | None) -> None:
    assert asset_name(url) == expected


# --- render_inline_text --------------------------------------------------------------------


def test_render_inline_text_escapes_and_keeps_line_breaks() -> None:
    html = render_inline_text('Rencana <b>aksi</b> & "tindak lanjut"\r\nbaris dua\nbaris tiga')
    assert html == (
        "Rencana &lt;b&gt;aksi&lt;/b&gt; &amp; &quot;tindak lanjut&quot;<br>\n"
        "baris dua<br>\nbaris tiga"
    )


def test_render_inline_text_with_script() -> None:
    html = render_inline_text("<script>alert(1)</script><img src=x onerror=alert(1)>")
    assert parse(html).tags == []


# --- split_title / inspect_markdown / slugify ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Pengantar\n\nIsi", ("Pengantar", "\nIsi", 1)),
        ("\n\n  # Pengantar AI ##  \nIsi", ("Pengantar AI", "Isi", 3)),
        ("# Bahasa C#\nIsi", ("Bahasa C#", "Isi", 1)),
        ("Tanpa judul\n# Judul", (None, "Tanpa judul\n# Judul", 1)),
        ("\n\n## Subjudul\nIsi", (None, "\n\n## Subjudul\nIsi", 3)),
        ("#Judul\nIsi", (None, "#Judul\nIsi", 1)),
        ("#\nIsi", (None, "#\nIsi", 1)),
        ("# ##\nIsi", (None, "# ##\nIsi", 1)),
        ("    # kode\n", (None, "    # kode\n", 1)),
        ("", (None, "", 1)),
        ("\n  \n", (None, "\n  \n", 1)),
    ],
)
def test_split_title(text: str, expected: tuple[str | None, str, int]) -> None:
    assert split_title(text) == expected


def test_inspect_markdown_lines_and_words() -> None:
    text = (
        "Satu dua tiga.\n"  # 1
        "\n"
        "![a](x.png) lalu\n"  # 3
        "paragraf ![b](x.png) sama ![c](y.png)\n"  # 4
        "\n"
        "[ref][r] dan [^1]\n"  # 6
        "\n"
        "# Judul lain\n"  # 8
        "\n"
        "| k | v |\n"  # 10
        "|---|---|\n"
        "| [t](tabel.pdf) | 1 |\n"  # 12
        "\n"
        "[r]: <ref file.pdf>\n"  # 14
        "\n"
        "[^1]: Catatan ![f](foot.png)\n"  # 16
        "```\nkode satu\n```\n"
    )
    info = inspect_markdown(text)
    assert [(ref.kind, ref.url, ref.line) for ref in info.links] == [
        ("image", "x.png", 3),
        ("image", "x.png", 4),
        ("image", "y.png", 4),
        ("link", "ref%20file.pdf", 14),
        ("link", "tabel.pdf", 12),
        ("image", "foot.png", 16),
    ]
    assert info.h1_lines == [8]
    assert info.words == 17  # code counts too: reading it takes time


def test_inspect_markdown_counts_words_without_syntax() -> None:
    info = inspect_markdown(
        "## Judul *bagian*\n\n- **satu** dua\n- [tiga](https://a.id/empat-lima)\n"
    )
    assert info.words == 5  # judul bagian satu dua tiga: URLs and markup are not words


def test_slugify() -> None:
    assert slugify("  Apa itu AI?  ") == "apa-itu-ai"
    assert slugify("Langkah 1 — Persiapan_Data") == "langkah-1-persiapan-data"
    assert slugify("Ｆｕｌｌｗｉｄｔｈ") == "fullwidth"
    assert slugify("???") == "bagian"


def test_policy_keeps_everything_the_renderer_emits() -> None:
    from lms.courses.markdown import _MD  # the bare renderer, before sanitizing

    source = (
        "## Bagian\n\nTeks[^1] ~~x~~ `k` **t** *m*  \nbaris\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```py\nx < 1\n```\n\n3. tiga\n4. empat\n\n- butir\n\n> kutipan\n\n---\n\n"
        '![g](a.png "judul") [t](https://a.id "j")\n\n#### Kecil\n\n[^1]: Catatan\n'
    )
    raw, clean = parse(_MD.render(source)), parse(render_markdown(source))
    assert clean.tags == raw.tags
    assert [a for a in clean.attrs if a[1] != "rel"] == raw.attrs
    assert sanitize_html(render_markdown(source)) == render_markdown(source)
