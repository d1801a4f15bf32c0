"""Grade learners' responses to questions parsed by :mod:`lms.quiz.gift`.

Every function returns the credit as a fraction from 0 to 1. Responses come from web forms and
may be missing or tampered with, so bad input (None, a wrong type, an index out of range,
text that is not a number, a question of another type) gives 0 instead of an exception.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from lms.quiz.gift import Answer, NumericAnswer, Question, normalize_short_answer

__all__ = [
    "grade_matching",
    "grade_multichoice",
    "grade_multiresponse",
    "grade_numerical",
    "grade_shortanswer",
    "grade_truefalse",
    "matching_numeric",
    "matching_shortanswer",
    "parse_number",
    "shortanswer_matches",
]

# Moodle's qtype_shortanswer: runs of unescaped asterisks are one wildcard.
_WILDCARD_RE = re.compile(r"(?<!\\)\*+")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _is_index(value: Any, size: int) -> bool:
    # bool is an int subclass, but True is not a choice anyone typed.
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size


def _choices(q: Any, qtype: str) -> list[Answer]:
    if not isinstance(q, Question) or q.type != qtype:
        return []
    return [a for a in q.answers if isinstance(a, Answer)]


def grade_multichoice(q: Question, chosen_index: int | None) -> float:
    """Credit for one chosen answer (0-based); a negative weight counts as 0."""
    answers = _choices(q, "multichoice")
    if not _is_index(chosen_index, len(answers)):
        return 0.0
    return _clamp(answers[chosen_index].fraction)


def grade_multiresponse(q: Question, chosen_indices: Any) -> float:
    """Sum of the chosen answers' weights, kept between 0 and 1.

    ``chosen_indices`` is a list, tuple or set of 0-based indices; a repeated index counts
    once, and any index that is not a valid choice makes the whole response worth 0.
    """
    answers = _choices(q, "multiresponse")
    if not answers or not isinstance(chosen_indices, list | tuple | set | frozenset):
        return 0.0
    chosen = set()
    for index in chosen_indices:
        if not _is_index(index, len(answers)):
            return 0.0
        chosen.add(index)
    return _clamp(sum(answers[i].fraction for i in chosen))


def grade_truefalse(q: Question, value: bool | None) -> float:
    """1 when ``value`` is the right answer, else 0."""
    if not isinstance(q, Question) or q.type != "truefalse" or q.answer is None:
        return 0.0
    if not isinstance(value, bool):
        return 0.0
    return 1.0 if value == q.answer else 0.0


def shortanswer_matches(pattern: str, text: str) -> bool:
    """Whether ``text`` fits a short answer, as Moodle compares them.

    Both are folded by :func:`normalize_short_answer`; in the answer a run of ``*`` stands for
    any characters (none included) and ``\\*`` for an asterisk.
    """
    bits = _WILDCARD_RE.split(normalize_short_answer(pattern))
    regex = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.fullmatch(regex, normalize_short_answer(text), re.DOTALL) is not None


def matching_shortanswer(q: Question, text: str | None) -> Answer | None:
    """The first answer that ``text`` fits (Moodle's order), for its credit and feedback."""
    if not isinstance(text, str) or not normalize_short_answer(text):
        return None
    return next((a for a in _choices(q, "shortanswer") if shortanswer_matches(a.text, text)), None)


def grade_shortanswer(q: Question, text: str | None) -> float:
    """Weight of the first answer that ``text`` fits, or 0."""
    answer = matching_shortanswer(q, text)
    return 0.0 if answer is None else _clamp(answer.fraction)


def parse_number(value: Any) -> float | None:
    """A learner's number, or None; ``3,14`` is read as 3.14 the way Indonesians write it.

    A comma counts as the decimal separator only when there is exactly one and no dot, since
    ``1.234,5`` could mean either 1.2345 or 1234.5.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\u2212", "-")  # a typographic minus from word processors
    if "," in text:
        if text.count(",") > 1 or "." in text:
            return None
        text = text.replace(",", ".")
    if not _NUMBER_RE.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def matching_numeric(q: Question, value_str: str | None) -> NumericAnswer | None:
    """The first answer whose range holds the number typed (Moodle's order); ``*`` holds any."""
    if not isinstance(q, Question) or q.type != "numerical":
        return None
    number = parse_number(value_str)
    if number is None:
        return None
    for answer in q.answers:
        if isinstance(answer, NumericAnswer) and (
            answer.wildcard or answer.min <= number <= answer.max
        ):
            return answer
    return None


def grade_numerical(q: Question, value_str: str | None) -> float:
    """Weight of the first answer whose range holds the number typed, or 0."""
    answer = matching_numeric(q, value_str)
    return 0.0 if answer is None else _clamp(answer.fraction)


def grade_matching(q: Question, mapping: Mapping[int, str] | None) -> float:
    """Equal credit for each pair whose left side (0-based index) got its own right text."""
    if not isinstance(q, Question) or q.type != "matching" or not isinstance(mapping, Mapping):
        return 0.0
    # Pairs with an empty left side are extra wrong choices, not something to match.
    graded = [(i, pair.right) for i, pair in enumerate(q.pairs) if pair.left]
    if not graded:
        return 0.0
    right = 0
    for index, expected in graded:
        chosen = mapping.get(index)
        if isinstance(chosen, str) and chosen.strip() == expected:
            right += 1
    return right / len(graded)
