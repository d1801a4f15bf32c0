"""What a GIFT file holds: questions, answers, pairs, and the error that points at a line.

Shared by the reader (:mod:`lms.quiz.gift_reader`), the writer (:mod:`lms.quiz.gift_export`)
and grading; :mod:`lms.quiz.gift` is the public face that re-exports these names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

BLANK = "_____"
FORMATS = ("moodle", "html", "plain", "markdown")
#: Types a learner answers and Sinau grades by itself.
AUTO_TYPES = ("multichoice", "multiresponse", "truefalse", "shortanswer", "numerical", "matching")


@dataclass
class Answer:
    """A choice or short answer; ``fraction`` is the credit from -1 to 1.

    A short answer's ``text`` may hold ``*``, Moodle's wildcard for any run of characters
    (``\\*`` is a literal asterisk).
    """

    text: str
    fraction: float
    feedback: str = ""


@dataclass
class NumericAnswer:
    """An accepted numeric range, bounds included; no bounds (None) is Moodle's ``*``.

    ``*`` means "any other answer": it applies only when no range matches, and carries
    Moodle's "completely wrong" feedback (``{#3:2 ~#Completely wrong}``).
    """

    min: float | None
    max: float | None
    fraction: float
    feedback: str = ""

    @property
    def wildcard(self) -> bool:
        """Whether this is the ``*`` answer that matches every number."""
        return self.min is None


@dataclass
class Pair:
    """A matching pair; an empty ``left`` is an extra wrong choice on the right."""

    left: str
    right: str


@dataclass
class Question:
    """One item read from a GIFT file: a question, an essay or a description."""

    #: multichoice | multiresponse | truefalse | shortanswer | numerical | matching, or
    #: essay (``{}``, graded by a person) and description (text without an answer block).
    type: str
    name: str
    text: str
    line: int
    format: str = "moodle"
    category: str | None = None
    general_feedback: str = ""
    answers: list[Answer] | list[NumericAnswer] = field(default_factory=list)
    answer: bool | None = None
    feedback_true: str = ""  # shown to a learner who answers "true"
    feedback_false: str = ""  # shown to a learner who answers "false"
    pairs: list[Pair] = field(default_factory=list)
    text_before: str | None = None
    text_after: str | None = None
    #: Descriptions that came right before this question (reading text, shown above it).
    intro: list[Question] = field(default_factory=list)
    #: Descriptions after the last question of a file, kept on that question.
    outro: list[Question] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready shape: common keys plus only those that belong to the type."""
        data: dict[str, Any] = {
            "type": self.type,
            "name": self.name,
            "text": self.text,
            "line": self.line,
            "format": self.format,
            "category": self.category,
            "general_feedback": self.general_feedback,
        }
        if self.type in ("multichoice", "multiresponse", "shortanswer", "numerical"):
            data["answers"] = [asdict(a) for a in self.answers]
        elif self.type == "truefalse":
            data["answer"] = self.answer
            data["feedback_true"] = self.feedback_true
            data["feedback_false"] = self.feedback_false
        elif self.type == "matching":
            data["pairs"] = [asdict(p) for p in self.pairs]
        if self.text_before is not None:
            data["text_before"] = self.text_before
            data["text_after"] = self.text_after
        if self.intro:
            data["intro"] = [d.to_dict() for d in self.intro]
        if self.outro:
            data["outro"] = [d.to_dict() for d in self.outro]
        return data

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Question:
        """The inverse of :meth:`to_dict` (questions stored as JSON come back for grading)."""
        q = cls(
            type=d["type"],
            name=d["name"],
            text=d["text"],
            line=d["line"],
            format=d.get("format", "moodle"),
            category=d.get("category"),
            general_feedback=d.get("general_feedback", ""),
            answer=d.get("answer"),
            feedback_true=d.get("feedback_true", ""),
            feedback_false=d.get("feedback_false", ""),
            text_before=d.get("text_before"),
            text_after=d.get("text_after"),
            intro=[cls.from_dict(i) for i in d.get("intro", [])],
            outro=[cls.from_dict(i) for i in d.get("outro", [])],
        )
        if d["type"] == "numerical":
            q.answers = [NumericAnswer(**a) for a in d["answers"]]
        elif "answers" in d:
            q.answers = [Answer(**a) for a in d["answers"]]
        if "pairs" in d:
            q.pairs = [Pair(**p) for p in d["pairs"]]
        return q


class GiftError(ValueError):
    """A GIFT file that cannot be imported; ``str(e)`` reads ``file:line: message``."""

    def __init__(self, filename: str, line: int, message: str) -> None:
        super().__init__(f"{filename}:{line}: {message}")
        self.filename = filename
        self.line = line
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # The default would call __init__ with the formatted string only.
        return (type(self), (self.filename, self.line, self.message))


def normalize_short_answer(s: str) -> str:
    """Fold a short answer for comparison: trim, collapse white space, ignore letter case."""
    return " ".join(s.split()).casefold()
