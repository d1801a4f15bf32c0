"""Moodle's GIFT quiz format (https://docs.moodle.org/en/GIFT_format): read it as Moodle does.

Follows the documentation and Moodle's own importer (``question/format/gift/format.php``);
``tests/quiz/data/moodle_import_tests.gift`` holds the inputs of Moodle's importer tests and
the tests assert Moodle's expected meaning.

* Questions are separated by blank lines; a line whose first non-blank characters are ``//``
  is a comment. Lines keep their indentation and trailing spaces, as in Moodle (``<pre>``
  and Markdown need them). A UTF-8 BOM is ignored and ``\\r\\n`` is accepted.
* ``$CATEGORY: path`` sets the category of the questions that follow it.
* ``::name::`` must open the question; without it the name is the first 40 characters of the
  text (an unclosed ``::`` is dropped, as Moodle does). ``[moodle]``, ``[html]``, ``[plain]``
  or ``[markdown]`` right before the text sets its format (default ``moodle``). The text may be
  empty (``::Question in the name::{=a ~b}``), as Moodle imports it.
* The answer block ``{...}`` is one per question. If text follows it, the question is a
  "missing word" one: ``text`` gets ``_____`` where the block was, and ``text_before`` /
  ``text_after`` hold the two halves (Moodle applies this rule to every type, so
  ``{#3.14:0.01}.`` with a final full stop is a missing-word question too).
* Text without an answer block is a *description* (reading text, no answer); ``{}`` is an
  *essay*.
* Escapes: ``\\~ \\= \\# \\{ \\} \\:`` give the character, ``\\\\`` a backslash, ``\\n`` a newline;
  any other backslash is kept as is.
* The type is chosen the way Moodle does: ``{#...}`` numerical; any ``~`` multiple choice
  (several answers may be ticked, ``multiresponse``, when no answer uses ``=``); ``=``
  together with ``->`` matching; ``T``/``TRUE``/``F``/``FALSE`` true/false; anything else
  short answer. ``#text`` after an answer is its feedback and ``####text`` at the end of the
  block is the general feedback.
* ``%n%`` before an answer is its weight only when it is a number (``{=%reset}`` is the answer
  ``%reset``); choices without text are dropped, as Moodle drops them when it saves the
  question, so ``~=She's right`` is the right answer "She's right".
* Numerical: ``~#feedback`` (everything from the first ``~``) is the "any other answer"
  feedback, and ``*`` is an answer that matches any number; in short answers ``*`` is a
  wildcard (see :mod:`lms.quiz.grading`).
* A format marker on an answer or feedback (``=[html]<b>a</b>``) is dropped and the text
  kept: Sinau keeps one format per question, and Moodle's exporter writes these markers.

Decisions where Moodle leaves room:

* The positive weights of a ``multiresponse`` question must add up to 100% (within one
  percentage point) and a choice question needs an answer with credit; Moodle saves such
  questions with only a warning, and nobody could then score full marks.
* ``=%n%answer`` in a choice question carries weight n (Moodle would keep ``%n%`` in the text);
  a ``multichoice`` question needs at least one answer worth 100%.
* True/false feedback: ``{T#first#second}`` -- the first text is shown to a learner who answers
  wrongly, the second to one who answers rightly (as the documentation says). They are stored
  by the learner's answer: ``feedback_true`` is shown after "true", ``feedback_false`` after
  "false". ``T``, ``TRUE``, ``F``, ``FALSE`` and format markers are recognised in any case.
* Matching: ``= -> extra`` (empty left side) adds an extra wrong choice, as in Moodle; at least
  two real pairs are needed (Moodle asks for three).
* Numbers that are not numbers (``{#abc}``) are errors; Moodle's importer silently turns
  them into ``*`` (any answer is right).

:func:`read_gift` gives every item as Moodle reads it. :func:`parse_gift` gives what a quiz
bank stores: descriptions ride on the question after them (``intro``; after the last
question, ``outro`` of that question); essays are refused unless the caller passes
``essays=True``, as course banks do (a person grades them: lms/teaching).
"""

from __future__ import annotations

import os
from pathlib import Path

from lms.quiz.gift_model import (
    AUTO_TYPES,
    BLANK,
    FORMATS,
    Answer,
    GiftError,
    NumericAnswer,
    Pair,
    Question,
    normalize_short_answer,
)
from lms.quiz.gift_reader import PLACEHOLDER_RE, Block

__all__ = [
    "AUTO_TYPES",
    "BLANK",
    "FORMATS",
    "Answer",
    "GiftError",
    "NumericAnswer",
    "Pair",
    "Question",
    "normalize_short_answer",
    "parse_gift",
    "parse_gift_file",
    "read_gift",
]


def _read(text: str, filename: str, essays: bool) -> list[Question]:
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    items: list[Question] = []
    category: str | None = None
    block: list[tuple[int, str]] = []
    # The extra empty line at the end flushes the last block.
    for number, raw in enumerate([*lines, ""], start=1):
        if raw.strip():
            stray = PLACEHOLDER_RE.search(raw)
            if stray:
                message = f"karakter U+{ord(stray.group()):X} tidak boleh dipakai"
                raise GiftError(filename, number, message)
            block.append((number, raw))
        elif block:
            category = Block(block, filename, essays).parse(category, items)
            block = []
    return items


def read_gift(text: str, filename: str = "<gift>") -> list[Question]:
    """Every item of a GIFT text as Moodle reads it, essays and descriptions included."""
    return _read(text, filename, essays=True)


def parse_gift(text: str, filename: str = "<gift>", *, essays: bool = False) -> list[Question]:
    """The questions of a quiz bank; raise :class:`GiftError` at the first problem.

    Descriptions become the ``intro`` of the question after them (or the ``outro`` of the
    last question). Essays are an error unless ``essays`` is true.
    """
    questions: list[Question] = []
    pending: list[Question] = []
    for item in _read(text, filename, essays):
        if item.type == "description":
            pending.append(item)
            continue
        item.intro, pending = pending, []
        questions.append(item)
    if pending and questions:
        questions[-1].outro = pending
    return questions


def parse_gift_file(path: str | os.PathLike[str], *, essays: bool = False) -> list[Question]:
    """Read a UTF-8 GIFT file (a BOM is allowed) and parse it with :func:`parse_gift`."""
    filename = os.fspath(path)
    data = Path(path).read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "berkas tersimpan sebagai UTF-16 ('Unicode'); simpan ulang sebagai UTF-8"
        raise GiftError(filename, 1, message)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = "berkas bukan teks UTF-8 yang valid; simpan ulang sebagai UTF-8"
        raise GiftError(filename, line, message) from None
    return parse_gift(text, filename, essays=essays)
