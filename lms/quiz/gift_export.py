"""Write question banks as GIFT that Moodle's importer and Sinau's own read back unchanged.

The output follows Moodle's exporter (``qformat_gift::writequestion``): special characters
escaped, newlines as ``\\n``, one answer per line, ``~%n%`` weights, ``~#...`` for the
numerical "any other answer". It always writes ``::name::`` so names survive, and writes the
question's own format marker before any text that would otherwise read as a marker.

Limits shared with Moodle's exporter: GIFT has no escape for ``->``, so a matching item whose
left side contains ``->`` (or a short answer containing ``->``) does not read back the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select

from lms.extensions import db
from lms.quiz.gift_model import BLANK, Answer, NumericAnswer, Question
from lms.quiz.gift_reader import FORMAT_RE, WEIGHT_RE
from lms.quiz.models import Question as StoredQuestion

__all__ = ["MOODLE_GRADES", "bank_questions", "export_bank", "unlisted_weights", "write_gift"]

# The grades Moodle's question editor offers (question_bank::fraction_options_full, in %).
# Its GIFT importer refuses any other weight unless the import is told to take the nearest
# ("Cocokkan nilai": "error", the default), so a bank meant for Moodle keeps to these.
MOODLE_GRADES = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40,
    33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0,
)  # fmt: skip

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)


def _esc(text: str) -> str:
    return text.translate(_ESCAPES)


def _text(text: str, fmt: str) -> str:
    """Answer or feedback text; a leading ``[html]``-like word keeps the question's marker."""
    return (f"[{fmt}]" if FORMAT_RE.match(text) else "") + _esc(text)


def _number(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _percent(fraction: float) -> str:
    # repr() is the shortest text that gives the same float back, so 0.3333333 -> 33.33333.
    return format((Decimal(repr(fraction)) * 100).normalize(), "f")


def _weighted(marker: str, fraction: float, default: float, text: str, fmt: str) -> str:
    body = _text(text, fmt)
    if fraction != default or WEIGHT_RE.match(body):
        return f"{marker}%{_percent(fraction)}%{body}"
    return marker + body


def _feedback(feedback: str, fmt: str) -> str:
    return f"#{_text(feedback, fmt)}" if feedback else ""


def _general(q: Question, indent: str) -> str:
    if not q.general_feedback:
        return ""
    return f"{indent}####{_text(q.general_feedback, q.format)}" + ("\n" if indent else "")


def _answers(q: Question) -> str:
    fmt = q.format
    lines: list[str] = []
    if q.type in ("multichoice", "multiresponse"):
        for a in q.answers:
            assert isinstance(a, Answer)
            if q.type == "multichoice" and a.fraction == 1:
                head = _weighted("=", a.fraction, 1.0, a.text, fmt)
            else:
                head = _weighted("~", a.fraction, 0.0, a.text, fmt)
            lines.append(head + _feedback(a.feedback, fmt))
    elif q.type == "shortanswer":
        for a in q.answers:
            assert isinstance(a, Answer)
            lines.append(_weighted("=", a.fraction, 1.0, a.text, fmt) + _feedback(a.feedback, fmt))
    elif q.type == "numerical":
        for i, a in enumerate(q.answers):
            assert isinstance(a, NumericAnswer)
            if a.wildcard and a.fraction == 0 and i == len(q.answers) - 1:
                lines.append("~" + (f"#{_text(a.feedback, fmt)}" if a.feedback else "#"))
                continue
            if a.wildcard:
                value = "*"
            elif a.min == a.max:
                value = _number(a.min)
            else:
                value = f"{_number(a.min)}..{_number(a.max)}"
            lines.append(f"=%{_percent(a.fraction)}%{value}" + _feedback(a.feedback, fmt))
    elif q.type == "matching":
        for p in q.pairs:
            left = _text(p.left, fmt) if p.left else ""
            lines.append(f"={left} -> {_esc(p.right)}")
    return "".join(f"\t{line}\n" for line in lines)


def _block(q: Question) -> str:
    """The answer block ``{...}`` of a question, with its general feedback."""
    if q.type == "essay":
        return "{" + _general(q, "") + "}"
    if q.type == "truefalse":
        right, wrong = (
            (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
        )
        out = "{" + ("TRUE" if q.answer else "FALSE")
        if wrong or right:
            out += "#" + _text(wrong, q.format)
        if right:
            out += "#" + _text(right, q.format)
        return out + _general(q, "") + "}"
    prefix = "{#\n" if q.type == "numerical" else "{\n"
    return prefix + _answers(q) + _general(q, "\t") + "}"


def _item(q: Question) -> str:
    head = f"::{_esc(q.name)}::"
    marker = f"[{q.format}]" if q.format != "moodle" or FORMAT_RE.match(q.text) else ""
    if q.type == "description":
        return head + marker + _esc(q.text)
    if q.text_before is None or q.text_after is None:
        return head + marker + _esc(q.text) + _block(q)
    # Missing word: the block goes where the blank is, with the spaces around it kept.
    middle = q.text[len(q.text_before) : len(q.text) - len(q.text_after)]
    left, _, right = middle.partition(BLANK)
    return head + marker + _esc(q.text_before + left) + _block(q) + _esc(right + q.text_after)


def _flatten(questions: Iterable[Question]) -> Iterable[Question]:
    for q in questions:
        yield from q.intro
        yield q
        yield from q.outro


def write_gift(questions: Iterable[Question], heading: str = "") -> str:
    """GIFT text for ``questions`` (from :func:`~lms.quiz.gift.parse_gift` or the bank).

    Descriptions kept as ``intro``/``outro`` are written as their own items around the
    question, and ``$CATEGORY:`` lines wherever the category changes.
    """
    parts = [f"// {line}\n" for line in heading.splitlines()]
    if parts:
        parts.append("\n")
    category: str | None = None
    for item in _flatten(questions):
        if item.category is not None and item.category != category:
            parts.append(f"$CATEGORY: {item.category}\n\n")
            category = item.category
        parts.append(_item(item) + "\n\n")
    return "".join(parts)


def unlisted_weights(questions: Iterable[Question]) -> list[tuple[Question, float]]:
    """(question, weight in %) for every answer weight Moodle's importer would refuse."""
    found = []
    for q in questions:
        for answer in q.answers:
            fraction = getattr(answer, "fraction", None)
            if fraction is None:
                continue
            percent = abs(fraction) * 100
            # Moodle compares with a tolerance of 0.00001 on the fraction.
            if not any(abs(percent - grade) < 0.001 for grade in MOODLE_GRADES):
                found.append((q, round(fraction * 100, 5)))
    return found


def bank_questions(course_id: int) -> list[Question]:
    """A course's active questions, in their order, as the parser's dataclasses."""
    rows = db.session.scalars(
        select(StoredQuestion)
        .where(StoredQuestion.course_id == course_id, StoredQuestion.retired_at.is_(None))
        .order_by(StoredQuestion.position)
    )
    return [Question.from_dict(row.data) for row in rows]


def export_bank(course_id: int, heading: str = "") -> str:
    """A course's question bank as GIFT text."""
    return write_gift(bank_questions(course_id), heading)
