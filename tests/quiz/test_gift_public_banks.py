"""Public GIFT banks written by others, read as Moodle's importer reads them.

``tests/quiz/data/public/manifest.json`` lists every bank tried: where it comes from (repository,
path, commit, licence), its SHA-256, what Moodle's importer makes of it (``question/format/gift/
format.php`` with the import defaults: stop on error, grades must be listed) and whether Sinau
reads the same. Banks whose licence allows it are committed next to the manifest and checked
here on every run; the others are checked when a folder holding them is named in
``LMS_GIFT_CORPUS`` (their results are recorded in ``tests/quiz/data/public/README.md``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lms.quiz.gift import GiftError, Question, read_gift
from lms.quiz.gift_export import write_gift

PUBLIC = Path(__file__).parent / "data" / "public"
MANIFEST: list[dict[str, Any]] = json.loads((PUBLIC / "manifest.json").read_text("utf-8"))["banks"]
COMMITTED = [e for e in MANIFEST if e["committed"]]
ELSEWHERE = [e for e in MANIFEST if not e["committed"]]
CORPUS = os.environ.get("LMS_GIFT_CORPUS")


def dump(items: list[Question]) -> list[dict[str, Any]]:
    return [{k: v for k, v in q.to_dict().items() if k != "line"} for q in items]


def check_bank(entry: dict[str, Any], data: bytes) -> None:
    """Sinau reads the bank as the manifest says: Moodle's meaning, or the named line."""
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    text = data.decode("utf-8")
    sinau = entry["sinau"]
    if sinau["error_line"] is not None:
        with pytest.raises(GiftError) as caught:
            read_gift(text, entry["file"])
        assert caught.value.line == sinau["error_line"]
        return
    items = read_gift(text, entry["file"])
    assert len(items) == sinau["items"]
    if sinau["verdict"] in ("same", "fixed"):
        assert dict(Counter(q.type for q in items)) == entry["moodle"]["types"]
        for sample in entry["samples"]:
            check_sample(items[sample["index"]], sample)
    # Export and import again: the same items.
    assert dump(read_gift(write_gift(items))) == dump(items)


def check_sample(q: Question, sample: dict[str, Any]) -> None:
    assert q.type == sample["type"]
    assert " ".join(q.text.split())[:60].rstrip() == " ".join(sample["text"].split())[:60].rstrip()
    if "answers" in sample:
        assert [[a.text, round(a.fraction, 7)] for a in q.answers] == sample["answers"]
    if "answer" in sample:
        assert q.answer is sample["answer"]
    if "pairs" in sample:
        assert [[p.left, p.right] for p in q.pairs] == sample["pairs"]
    if "ranges" in sample:
        assert [[a.min, a.max, a.fraction] for a in q.answers] == sample["ranges"]


@pytest.mark.parametrize("entry", COMMITTED, ids=lambda e: e["file"])
def test_committed_bank_reads_as_moodle_reads_it(entry: dict[str, Any]) -> None:
    check_bank(entry, (PUBLIC / entry["file"]).read_bytes())


@pytest.mark.parametrize("entry", ELSEWHERE, ids=lambda e: e["file"])
def test_bank_kept_outside_the_repository(entry: dict[str, Any]) -> None:
    if not CORPUS:
        pytest.skip("set LMS_GIFT_CORPUS to a folder holding the banks of the manifest")
    path = Path(CORPUS) / entry["file"]
    if not path.exists():
        pytest.skip(f"{path} is not there")
    check_bank(entry, path.read_bytes())


def test_manifest_covers_what_the_issue_asks() -> None:
    assert len(MANIFEST) >= 25
    assert {e["language"] for e in MANIFEST} >= {"es", "fr", "ru", "en", "pt"}
    # Only banks whose licence allows it are committed.
    committed = {e["file"] for e in COMMITTED}
    assert committed == {
        p.name for p in PUBLIC.iterdir() if p.name not in ("manifest.json", "README.md")
    }
    assert all(e["license"] != "unknown (no licence file)" for e in COMMITTED)
    # Every difference from Moodle is explained.
    assert all(e["sinau"]["note"] for e in MANIFEST if e["sinau"]["verdict"] != "same")


def test_readme_table_lists_every_bank_with_its_verdict() -> None:
    readme = (PUBLIC / "README.md").read_text("utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in readme.splitlines()
        if line.startswith("| `")
    }
    assert set(rows) == {e["file"] for e in MANIFEST}
    for e in MANIFEST:
        row = rows[e["file"]]
        assert e["repo"] in row and e["sinau"]["verdict"] in row
        assert f"| {e['moodle']['items']} |" in row


# --- The committed banks, with Moodle's meaning written out ------------------------------------


def read(name: str) -> list[Question]:
    return read_gift((PUBLIC / name).read_text("utf-8"), name)


def test_gl02_projet_descriptions_ride_on_the_missing_word_questions() -> None:
    items = read("en_gl02_projet_test.gift")
    assert [q.type for q in items] == ["description", "multichoice"] * 3
    q = items[1]
    assert (q.name, q.text) == ("U U5 p35 Gra3.2", "Most of my friends _____ fast food regularly.")
    assert (q.text_before, q.text_after) == ("Most of my friends", "fast food regularly.")
    assert [(a.text, a.fraction) for a in q.answers] == [("eats", 0.0), ("eat", 1.0)]


def test_moodle_export_from_ruby_parser_keeps_categories_feedback_and_escapes() -> None:
    items = read("en_ruby-moodle-gift-parser_example.gift")
    assert [(q.name, q.type, q.format) for q in items] == [
        ("2017.1-U4S1-Q01", "multichoice", "html"),
        ("2017.1-U4S1-Q02", "multichoice", "html"),
        ("2017.1-Q03", "multichoice", "html"),
    ]
    first, _, third = items
    assert first.category == "$system$/Default/Example Category/Sub Category"
    assert third.category == "$system$/Default/Example Category 2/Sub Category 2"
    assert first.text.startswith("<p><span>Example 1</span></p>\n<p><span>Therefore: </span></p>")
    assert first.answers[2].feedback == "<p><span>Reason.</span></p>"
    assert 'src="http://missing.png"' in third.text
    assert third.general_feedback == "<p>Generic comment!.</p>"


def test_matching_with_html_on_the_left_and_a_repeated_left_side() -> None:
    choice, match = read("en_yohanesgultom_example.gift")
    assert [(a.text, a.fraction) for a in choice.answers][:2] == [
        ("<p>Ir. Sukarno</p>", 1.0),
        ("<p>Moh. Hatta</p>", 0.0),
    ]
    assert match.type == "matching"
    assert [p.right for p in match.pairs] == [
        "Mercury",
        "Saturn",
        "Venus",
        "Jupiter",
        "Mars",
        "Titan",
    ]
    assert match.pairs[0].left == match.pairs[5].left == "<p>Saturn’s largest moon<br></p>"


def test_gl02_fork_exam_reads_every_type() -> None:
    items = read("fr_GL02_fork_examen.gift")
    assert [q.type for q in items] == ["multichoice", "shortanswer", "truefalse", "numerical"]
    assert [(a.text, a.fraction) for a in items[1].answers] == [("4", 1.0)]
    assert items[2].answer is False
    assert [(a.min, a.max) for a in items[3].answers] == [(15.0, 15.0)]


def test_istofel_examples_read_as_moodle_including_its_surprises() -> None:
    items = read("pt_istofel_exemplos_originais.gift")
    assert [q.type for q in items] == [
        "multichoice", "multiresponse", "truefalse", "shortanswer", "numerical", "shortanswer",
        "matching", "shortanswer", "essay", "description", "multichoice", "shortanswer",
        "shortanswer", "multichoice",
    ]  # fmt: skip
    benefits = items[1]
    assert [a.fraction for a in benefits.answers] == [-0.5, 0.5, 0.5, -0.5]
    # "{=42:0 ... =%50%41:1}" has no leading '#': for Moodle these are short answers "42:0".
    assert [(a.text, a.fraction) for a in items[5].answers] == [("42:0", 1.0), ("41:1", 0.5)]
    # "[html]::name::" puts the marker before the name, so Moodle keeps "::name::" as text.
    assert (items[11].format, items[11].text.split("\n")[0]) == ("html", "::Questão sobre HTML::")
    assert [a.text for a in items[12].answers] == ["*"]  # Moodle's wildcard: any answer
    assert [(a.text, a.fraction) for a in items[13].answers] == [
        ("=2+2", 0.0),
        ("=2+3", 1.0),
        ("=2+4", 0.0),
    ]
