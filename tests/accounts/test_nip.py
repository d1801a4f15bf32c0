"""NIP structure checks (see shared/DOMAIN.md)."""

from __future__ import annotations

from datetime import date

import pytest

from lms.accounts.nip import NipError, clean_nip, nip_from_cell, validate_nip

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


@pytest.mark.parametrize(
    "cell",
    [
        199003152015032002,  # a numeric XLSX cell
        1.99003152015032e17,
        "1.99003E+17",
        "1,99003E+17",
        "199003152015032002.0",
        "199,003,152,015,032,000",
        "199003152015032000",  # the last digits came back as zeros
    ],
)
def test_nip_that_excel_turned_into_a_number_asks_for_a_text_column(cell):
    with pytest.raises(NipError, match=r"NIP tersimpan sebagai angka oleh Excel.*Teks"):
        nip_from_cell(cell, today=TODAY)


def test_nip_in_scientific_notation_is_named_as_such():
    with pytest.raises(NipError, match=r"notasi ilmiah, 1\.99003E\+17"):
        nip_from_cell(" 1.99003E+17 ", today=TODAY)


def test_nip_cell_is_cleaned_and_checked_like_a_typed_nip():
    assert nip_from_cell("\u2019199003152015032002 ", today=TODAY) == "199003152015032002"
    assert nip_from_cell("'19900315 201503 2 002", today=TODAY) == "199003152015032002"
    with pytest.raises(NipError, match="wajib"):
        nip_from_cell(None, today=TODAY)
    with pytest.raises(NipError, match="jenis kelamin"):
        nip_from_cell("199003152015033002", today=TODAY)
    assert nip_from_cell("999999992021091234", "PPPK", TODAY) == "999999992021091234"
