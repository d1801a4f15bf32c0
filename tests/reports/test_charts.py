"""The server-drawn charts: text that is never scaled down, names that are never clipped.

How they look on a 390 px phone and in print is measured in Chromium
(tests/browser/test_phone_layout.py); these check what the server writes.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import force_locale

from lms.reports import charts

LONG = "Badan Penanggulangan Bencana Daerah dan Perlindungan Masyarakat Provinsi Jawa Timur"


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_a_short_label_stays_whole_on_one_line():
    assert charts.wrap_label("Dinas Kesehatan") == (["Dinas Kesehatan"], False)


def test_a_long_name_wraps_to_two_lines_and_ends_in_an_ellipsis():
    lines, shortened = charts.wrap_label(LONG)
    assert shortened and len(lines) == 2
    assert all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert lines[0] == "Badan Penanggulangan Bencana Daerah"
    assert lines[1].endswith("…") and LONG.startswith(" ".join(lines)[:-1].rstrip())


def test_a_word_longer_than_a_line_is_cut():
    lines, shortened = charts.wrap_label("x" * 50)
    assert shortened and lines == ["x" * (charts.LABEL_CHARS - 1) + "…"]


def test_chart_text_keeps_its_size_instead_of_shrinking_with_the_chart(ctx):
    for svg in (
        charts.bar_chart([("Dinas Kesehatan", 50.0)], "Penyelesaian"),
        charts.line_chart([(date(2026, 1, 1), 3)], "Per bulan"),
        charts.histogram([("0", 1), ("20+", 2)], "JP"),
    ):
        assert "viewBox" not in svg  # a viewBox scales its text with the chart's width
        assert 'font-size="13"' in svg and 'width="100%"' in svg


def test_a_long_unit_name_is_shown_on_two_lines_with_the_whole_name_as_its_title(ctx):
    svg = charts.bar_chart([(LONG, 62.5), ("Dinas Kesehatan", None)], "Penyelesaian", "b")
    assert f"<title>{LONG}</title>" in svg
    assert svg.count("<tspan") == 3  # two lines for the long name, one for the short one
    assert "62,5%" in svg and ">–</text>" in svg
    assert f"{LONG}: 62,5%" in svg  # the description read aloud has every whole name


def test_names_are_escaped(ctx):
    svg = charts.bar_chart([("<script>alert(1)</script>", 10.0)], "Judul <b>", "x")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Judul &lt;b&gt;" in svg


def test_a_year_of_months_leaves_every_other_label_to_wider_screens(ctx):
    months = [(date(2026, m, 1), 10 * m) for m in range(1, 13)]
    svg = charts.line_chart(months, "Kursus diselesaikan per bulan", "l")
    assert svg.count("<circle") == 12
    labels = re.findall(r'<text [^>]*fill="#52606d"[^>]*>([^<]+)', svg)
    assert labels[:3] == ["Jan", "Feb", "Mar"] and "Des" in labels
    hidden = re.findall(r'<text [^>]*class="alt"[^>]*fill="#52606d"[^>]*>([^<]+)', svg)
    assert 0 < len(hidden) < 12  # a phone still shows some months, a desk all of them
    assert "Des 2026: 120" in svg  # every month in the description and the dot's title


def test_many_months_label_only_some_even_on_a_desk(ctx):
    months = [(date(2020 + m // 12, m % 12 + 1, 1), m) for m in range(60)]
    svg = charts.line_chart(months, "Per bulan", "l")
    labels = re.findall(r'<text [^>]*fill="#52606d"[^>]*>', svg)
    assert 0 < len(labels) < 30


def test_an_empty_chart_says_so(ctx):
    assert "Belum ada data." in charts.bar_chart([], "Penyelesaian")
    assert "Belum ada data." in charts.line_chart([], "Per bulan")


def test_a_histogram_of_four_buckets_shows_every_count_and_label_even_on_a_phone(ctx):
    buckets = [("0", 29), ("1–9", 150), ("10–19", 105), ("20+", 2)]
    svg = charts.histogram(buckets, "Sebaran JP PNS", "h")
    assert 'class="alt"' not in svg
    texts = re.findall(r"<text [^>]*>([^<]+)</text>", svg)
    assert texts == ["29", "0", "150", "1–9", "105", "10–19", "2", "20+"]
    assert "10–19 JP: 105" in svg  # the unit is in the title and the description


def test_month_names_and_counts_follow_the_language_of_each_chart(app):
    """Month names are kept per process and counts formatted once per distinct value: still in
    the language of the request drawing the chart, Indonesian then English then Indonesian."""
    months = [(date(2026, m, 1), 1200 if m in (5, 8) else 0) for m in range(1, 13)]
    cases = [("id", "Mei", "Agu", "1.200"), ("en", "May", "Aug", "1,200")]
    with app.test_request_context():
        for locale, may, august, count in [*cases, cases[0]]:
            with force_locale(locale):
                svg = charts.line_chart(months, "Per bulan", "l")
            assert f"{may} 2026: {count}" in svg and f"{august} 2026: {count}" in svg, locale
            assert "Jan 2026: 0" in svg
