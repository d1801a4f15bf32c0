"""Report cells' numbers: a whole number is grouped with its locale's symbols (kept per
process) exactly as babel's pattern formats it, in the language of each request."""

from __future__ import annotations

import pytest
from babel.core import Locale
from babel.numbers import parse_pattern
from flask_babel import force_locale

from lms.i18n import number

WHOLE = [0, 7, -7, 999, 1000, -1000, 12345, 999999, 1000000, -1234567, 10**12 + 5]


@pytest.mark.parametrize("digits", [0, 1, 2])
def test_whole_numbers_are_formatted_as_babel_formats_them_in_each_language(app, digits):
    pattern = parse_pattern("#,##0" if digits == 0 else "#,##0." + "#" * digits)
    with app.test_request_context():
        for locale in ("id", "en", "id"):  # back again: nothing of English kept for Indonesian
            with force_locale(locale):
                for value in WHOLE:
                    assert number(value, digits) == pattern.apply(value, Locale.parse(locale))


def test_the_right_separators_for_each_language(app):
    with app.test_request_context():
        with force_locale("id"):
            assert (number(1234567, 0), number(-1234, 0), number(1234.5)) == (
                "1.234.567", "-1.234", "1.234,5",
            )  # fmt: skip
        with force_locale("en"):
            assert (number(1234567, 0), number(-1234, 0), number(1234.5)) == (
                "1,234,567", "-1,234", "1,234.5",
            )  # fmt: skip
        assert number(None) == ""
