"""The risk rules (lms/aiuse/risk.py): every combination of answers, and what each level means."""

from __future__ import annotations

import itertools

import pytest

from lms.aiuse.models import DataCategory, Decisions, Location, Risk
from lms.aiuse.risk import RULES, assess, needs_dpia

# The expected level of each combination, written from the rules as README states them:
# specific personal data is high; an automated decision with personal data is high, without
# it medium; general personal data abroad (or not known where) or supporting a decision is
# medium; everything else is low. Rows: data category; columns: decision; cells: location
# indonesia / abroad / unknown.
EXPECTED = {
    ("tidak_ada", "tidak"): ("rendah", "rendah", "rendah"),
    ("tidak_ada", "mendukung"): ("rendah", "rendah", "rendah"),
    ("tidak_ada", "memutuskan"): ("sedang", "sedang", "sedang"),
    ("umum", "tidak"): ("rendah", "sedang", "sedang"),
    ("umum", "mendukung"): ("sedang", "sedang", "sedang"),
    ("umum", "memutuskan"): ("tinggi", "tinggi", "tinggi"),
    ("spesifik", "tidak"): ("tinggi", "tinggi", "tinggi"),
    ("spesifik", "mendukung"): ("tinggi", "tinggi", "tinggi"),
    ("spesifik", "memutuskan"): ("tinggi", "tinggi", "tinggi"),
}
LOCATIONS = ("indonesia", "luar_negeri", "tidak_diketahui")
COMBINATIONS = list(itertools.product(DataCategory, Decisions, Location))


def test_the_table_names_every_combination_of_answers():
    assert len(COMBINATIONS) == 27
    assert {(d.value, c.value) for d, c, _ in COMBINATIONS} == set(EXPECTED)
    assert set(LOCATIONS) == {loc.value for loc in Location}


@pytest.mark.parametrize(("data", "decisions", "location"), COMBINATIONS)
def test_each_combination_gets_its_level(data, decisions, location):
    expected = EXPECTED[(data.value, decisions.value)][LOCATIONS.index(location.value)]
    assert assess(data, decisions, location).level == expected


def test_the_issues_example_is_high():
    """Specific personal data + decisions about citizens + processing abroad = high."""
    found = assess(DataCategory.SPECIFIC, Decisions.MAKES, Location.ABROAD)
    assert found.level == Risk.HIGH and "Pasal 10" in str(found.reason)


def test_each_level_says_why():
    reasons = {str(assess(d, c, loc).reason) for d, c, loc in COMBINATIONS}
    assert len(reasons) == len(RULES)  # every rule is reached, and each has its own words


def test_the_last_rule_matches_everything():
    assert all(RULES[-1].matches(d, c, loc) for d, c, loc in COMBINATIONS)


def test_only_high_risk_needs_a_dpia():
    assert needs_dpia(Risk.HIGH) and not needs_dpia(Risk.MEDIUM) and not needs_dpia(Risk.LOW)
