"""NIP structure checks (see shared/DOMAIN.md)."""

from __future__ import annotations

from datetime import date

import pytest

from lms.accounts.nip import NipError, clean_nip, validate_nip

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _ctx(app):
    """Messages go through Flask-Babel, which needs an app context."""


@pytest.mark.parametrize(
    "raw",
    [
        "199003152015032002",
        "'199003152015032002",
        " 19900315 201503 2 002 ",
        "19900315.201503.2.002",
    ],
)
def test_valid_pns_nip_is_cleaned(raw):
    assert validate_nip(raw, today=TODAY) == "199003152015032002"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "wajib"),
        ("12345", "18 digit"),
        ("1990031520150320021", "18 digit"),
        ("19900315201503200A", "18 digit"),
        ("1.98703E+17", "18 digit"),
        ("199002302015032002", "Tanggal lahir"),  # 30 February
        ("199003152015132002", "Bulan TMT"),  # month 13
        ("199003152015033002", "jenis kelamin"),
        ("199003152030032002", "TMT"),  # appointed in the future
        ("200503152010032002", "terlalu dekat"),  # appointed at five years old
        ("203003152050032002", "Tanggal lahir"),  # born in the future
    ],
)
def test_malformed_nip_says_what_is_wrong(raw, fragment):
    with pytest.raises(NipError, match=fragment):
        validate_nip(raw, today=TODAY)


def test_pppk_number_checks_only_dates_that_parse():
    # Structure of PPPK numbers is not confirmed: a non-date prefix is accepted ...
    assert validate_nip("999999992021091234", "PPPK", today=TODAY) == "999999992021091234"
    # ... but a date that parses must still make sense.
    with pytest.raises(NipError):
        validate_nip("199003152030092001", "PPPK", today=TODAY)


def test_clean_nip_strips_excel_apostrophe_and_spaces():
    assert clean_nip("\u2019 1990 0315-2015 032002") == "199003152015032002"
