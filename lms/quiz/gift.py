"""Parser for Moodle's GIFT quiz format (https://docs.moodle.org/en/GIFT_format).

Follows the documentation and Moodle's own importer (``question/format/gift/format.php``):

* Questions are separated by blank lines; every line is trimmed; a line whose first non-blank
  characters are ``//`` is a comment. A UTF-8 BOM is ignored and ``\\r\\n`` is accepted.
* ``$CATEGORY: path`` sets the category of the questions that follow it.
* ``::name::`` must open the question; without it the name is the first 40 characters of the
  text. ``[moodle]``, ``[html]``, ``[plain]`` or ``[markdown]`` right before the text sets its
  format (default ``moodle``); answers and feedback share the question's format.
* The answer block ``{...}`` is one per question. If text follows it, the question is a
  "missing word" one: ``text`` gets ``_____`` where the block was, and ``text_before`` /
  ``text_after`` hold the two halves (Moodle applies this rule to every type, so
  ``{#3.14:0.01}.`` with a final full stop is a missing-word question too).
* Escapes: ``\\~ \\= \\# \\{ \\} \\:`` give the character, ``\\\\`` a backslash, ``\\n`` a newline;
  any other backslash is kept as is.
* The type is chosen the way Moodle does: ``{#...}`` numerical; any ``~`` multiple choice;
  ``=`` together with ``->`` matching; ``T``/``TRUE``/``F``/``FALSE`` true/false; anything else
  short answer. ``#text`` after an answer is its feedback and ``####text`` at the end of the
  block is the general feedback.

Decisions where the documentation leaves room:

* Multiple response: Moodle turns a choice question into "several answers may be chosen"
  whenever no answer uses ``=``. Here a choice question without ``=`` is ``multiresponse`` when
  at least two answers have a positive ``~%n%`` weight, and those weights must add up to 100%
  (within one percentage point). A single positive answer of exactly ``~%100%`` keeps the
  question ``multichoice`` (radio buttons); anything else has no correct answer and is an error.
* ``=%n%answer`` in a choice question carries weight n (Moodle would keep ``%n%`` in the text);
  a ``multichoice`` question needs at least one answer worth 100%.
* True/false feedback: ``{T#first#second}`` -- the first text is shown to a learner who answers
  wrongly, the second to one who answers rightly (as the documentation says). They are stored
  by the learner's answer: ``feedback_true`` is shown after "true", ``feedback_false`` after
  "false". ``T``, ``TRUE``, ``F`` and ``FALSE`` are recognised in any letter case.
* Format tags are recognised in any letter case; a different format on an answer or feedback
  than on the question text is rejected, because only one format is stored per question.
* Matching: ``= -> extra`` (empty left side) adds an extra wrong choice, as in Moodle; at least
  two real pairs are needed (Moodle asks for three).

Not supported, each reported as a :class:`GiftError` with file and line: essay ``{}`` and
description (text without an answer block) items, which cannot be graded automatically, and
the numerical "any other answer" feedback ``{#... ~#feedback}``.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
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
]

BLANK = "_____"
FORMATS = ("moodle", "html", "plain", "markdown")

# While a block is parsed, escaped characters are swapped for code points from the end of the
# last private-use plane, so that ``\{`` never counts as a brace; they are put back afterwards.
_ESCAPABLE = "~=#{}:n\\"
_PLACEHOLDER = {char: chr(0x10FFF0 + i) for i, char in enumerate(_ESCAPABLE)}
_RESTORE = str.maketrans({ph: ("\n" if char == "n" else char) for char, ph in _PLACEHOLDER.items()})
_PLACEHOLDER_RE = re.compile("[" + "".join(_PLACEHOLDER.values()) + "]")
_ESCAPE_RE = re.compile(r"\\([~=#{}:n\\])")

_BRACE_RE = re.compile(r"[{}]")
_FORMAT_RE = re.compile(r"\[(moodle|html|plain|markdown)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE = ("T", "TRUE")
_FALSE = ("F", "FALSE")


@dataclass
class Answer:
    """A choice or short answer; ``fraction`` is the credit from -1 to 1."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass
class NumericAnswer:
    """An accepted numeric range, bounds included."""

    min: float
    max: float
    fraction: float
    feedback: str = ""


@dataclass
class Pair:
    """A matching pair; an empty ``left`` is an extra wrong choice on the right."""

    left: str
    right: str


@dataclass
class Question:
    """One auto-gradable question read from a GIFT file."""

    type: str  # multichoice | multiresponse | truefalse | shortanswer | numerical | matching
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
        return data


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


def parse_gift(text: str, filename: str = "<gift>") -> list[Question]:
    """Parse GIFT text into questions; raise :class:`GiftError` at the first problem."""
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    questions: list[Question] = []
    category: str | None = None
    block: list[tuple[int, str]] = []
    # The extra empty line at the end flushes the last block.
    for number, raw in enumerate([*lines, ""], start=1):
        line = raw.strip()
        if line:
            stray = _PLACEHOLDER_RE.search(line)
            if stray:
                message = f"karakter U+{ord(stray.group()):X} tidak boleh dipakai"
                raise GiftError(filename, number, message)
            block.append((number, line))
        elif block:
            category = _Block(block, filename).parse(category, questions)
            block = []
    return questions


def parse_gift_file(path: str | os.PathLike[str]) -> list[Question]:
    """Read a UTF-8 GIFT file (a BOM is allowed) and parse it."""
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
    return parse_gift(text, filename)


def _unescape(masked: str) -> str:
    return masked.translate(_RESTORE)


def _show(masked: str, limit: int = 40) -> str:
    """A short, readable quote of source text for error messages."""
    text = " ".join(_unescape(masked).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _default_name(text: str, fmt: str) -> str:
    plain = re.sub(r"<[^>]*>", " ", text) if fmt == "html" else text
    return " ".join(plain.split())[:40].rstrip()


class _Block:
    """One blank-line separated chunk of the file, with escapes masked."""

    def __init__(self, lines: list[tuple[int, str]], filename: str) -> None:
        self.filename = filename
        # Comment lines become empty rather than disappear, so offsets still map to lines.
        kept = [(n, "" if line.startswith("//") else line) for n, line in lines]
        while kept and not kept[0][1]:
            kept.pop(0)
        self.start = kept[0][0] if kept else lines[0][0]
        raw = "\n".join(line for _, line in kept).rstrip()
        self.m = _ESCAPE_RE.sub(lambda mt: _PLACEHOLDER[mt.group(1)], raw)

    def line(self, offset: int) -> int:
        return self.start + self.m.count("\n", 0, offset)

    def error(self, offset: int, message: str) -> GiftError:
        return GiftError(self.filename, self.line(offset), message)

    def parse(self, category: str | None, out: list[Question]) -> str | None:
        """Append this block's question to ``out``; return the category for what follows."""
        m = self.m
        if not m:
            return category
        pos = 0
        if m.startswith("$CATEGORY:"):
            end = m.find("\n")
            end = len(m) if end == -1 else end
            category = _unescape(m[len("$CATEGORY:") : end]).strip()
            if not category:
                raise self.error(0, "nama kategori kosong setelah '$CATEGORY:'")
            # The docs want a blank line after the category; a question right below is
            # still unambiguous, so it is read rather than rejected.
            pos = len(m) - len(m[end:].lstrip())
            if pos == len(m):
                return category
        out.append(self.question(pos, category))
        return category

    def question(self, pos: int, category: str | None) -> Question:
        m = self.m
        qline = self.line(pos)
        name = ""
        if m.startswith("::", pos):
            end = m.find("::", pos + 2)
            if end == -1:
                raise self.error(pos, "nama soal diawali '::' tetapi tidak ditutup dengan '::'")
            name = " ".join(_unescape(m[pos + 2 : end]).split())
            pos = len(m) - len(m[end + 2 :].lstrip())

        opening, closing = self._braces(pos, qline)
        fmt, before = self._format(m[pos:opening])
        after = m[closing + 1 :]
        if after.strip():
            text = _unescape(before + BLANK + after).strip()
            text_before: str | None = _unescape(before).strip()
            text_after: str | None = _unescape(after).strip()
        else:
            text = _unescape(before).strip()
            text_before = text_after = None
        if not text:
            raise GiftError(self.filename, qline, "teks soal kosong")

        question = Question(
            type="",
            name=name or _default_name(text, fmt),
            text=text,
            line=qline,
            format=fmt,
            category=category,
            text_before=text_before,
            text_after=text_after,
        )
        body_at = opening + 1
        body = m[body_at:closing]
        separator = body.rfind("####")
        if separator != -1:
            question.general_feedback = self._text(body[separator + 4 :], fmt, body_at + separator)
            body = body[:separator]

        stripped = body.strip()
        if not stripped:
            message = "soal esai ({}) tidak didukung karena tidak bisa dinilai otomatis"
            raise GiftError(self.filename, qline, message)
        # Same order as Moodle's importer: the first rule that fits decides the type.
        head = stripped.split("#", 1)[0].strip().upper()
        if stripped.startswith("#"):
            self._numerical(question, body, body_at)
        elif "~" in body:
            self._choice(question, body, body_at)
        elif "=" in body and "->" in body:
            self._matching(question, body, body_at)
        elif head in _TRUE or head in _FALSE:
            self._truefalse(question, body, body_at)
        else:
            self._shortanswer(question, body, body_at)
        return question

    def _braces(self, pos: int, qline: int) -> tuple[int, int]:
        """Find the one answer block; reject missing, unbalanced or extra braces."""
        m = self.m
        opening, closing = m.find("{", pos), m.find("}", pos)
        if opening == -1 and closing == -1:
            message = (
                "teks tanpa blok jawaban {...} adalah deskripsi di Moodle; deskripsi tidak "
                "didukung karena tidak bisa dinilai (pisahkan soal dengan baris kosong, atau "
                "tulis \\{ dan \\} untuk kurung kurawal biasa)"
            )
            raise GiftError(self.filename, qline, message)
        if closing != -1 and (opening == -1 or closing < opening):
            raise self.error(closing, "kurung kurawal '}' tanpa '{' pembuka")
        if closing == -1:
            raise self.error(opening, "kurung kurawal '{' tidak ditutup")
        nested = m.find("{", opening + 1, closing)
        if nested != -1:
            message = f"kurung kurawal '{{' tidak ditutup sebelum '{{' di baris {self.line(nested)}"
            raise self.error(opening, message)
        extra = _BRACE_RE.search(m, closing + 1)
        if extra and extra.group() == "}":
            raise self.error(extra.start(), "kurung kurawal '}' tanpa '{' pembuka")
        if extra:
            message = (
                "soal memiliki lebih dari satu blok jawaban {...}; "
                "pisahkan soal dengan baris kosong"
            )
            raise self.error(extra.start(), message)
        return opening, closing

    @staticmethod
    def _format(before: str) -> tuple[str, str]:
        before = before.lstrip()
        match = _FORMAT_RE.match(before)
        if match:
            return match.group(1).lower(), before[match.end() :]
        return "moodle", before

    def _text(self, masked: str, fmt: str, offset: int) -> str:
        """Answer or feedback text: trimmed, unescaped, an optional same-format tag dropped."""
        text = masked.strip()
        match = _FORMAT_RE.match(text)
        if match:
            own = match.group(1).lower()
            if own != fmt:
                message = (
                    f"format [{own}] berbeda dari format soal [{fmt}]; "
                    "satu soal hanya boleh memakai satu format"
                )
                raise self.error(offset, message)
            text = text[match.end() :]
        return _unescape(text).strip()

    @staticmethod
    def _split(body: str, base: int, markers: str) -> tuple[str, list[tuple[str, str, int]]]:
        """Cut ``body`` at each marker character.

        Returns the text before the first marker and the pieces as (marker, text after it,
        offset of the marker in the block).
        """
        cuts = [i for i, char in enumerate(body) if char in markers]
        lead = body[: cuts[0]] if cuts else body
        pieces = []
        for i, start in enumerate(cuts):
            end = cuts[i + 1] if i + 1 < len(cuts) else len(body)
            pieces.append((body[start], body[start + 1 : end], base + start))
        return lead, pieces

    def _weight(self, piece: str, offset: int) -> tuple[float | None, str]:
        """Read a leading ``%n%`` weight, as a fraction; None when there is none."""
        piece = piece.lstrip()
        if not piece.startswith("%"):
            return None, piece
        match = _WEIGHT_RE.match(piece)
        if not match:
            token = piece.split()[0] if piece.split() else piece
            message = (
                f"bobot persentase tidak valid: {_show(token, 20)} "
                "(tulis misalnya %50% atau %-33.33333%)"
            )
            raise self.error(offset, message)
        value = Decimal(match.group(1))
        if not -100 <= value <= 100:
            message = f"bobot persentase tidak valid: {match.group()} (harus antara -100% dan 100%)"
            raise self.error(offset, message)
        return float(value / 100), piece[match.end() :]

    def _answer(self, piece: str, fmt: str, offset: int) -> tuple[str, str]:
        text, _, feedback = piece.partition("#")
        return self._text(text, fmt, offset), self._text(feedback, fmt, offset)

    def _choice(self, q: Question, body: str, base: int) -> None:
        lead, pieces = self._split(body, base, "~=")
        if lead.strip():
            message = (
                f"teks {_show(lead)} ada sebelum pilihan pertama; setiap pilihan harus diawali "
                "'=' (benar) atau '~' (salah)"
            )
            raise self.error(base + len(lead) - len(lead.lstrip()), message)
        answers: list[Answer] = []
        for marker, piece, offset in pieces:
            weight, rest = self._weight(piece, offset)
            text, feedback = self._answer(rest, q.format, offset)
            if not text:
                raise self.error(offset, f"pilihan jawaban kosong setelah '{marker}'")
            if weight is None:
                weight = 1.0 if marker == "=" else 0.0
            answers.append(Answer(text, weight, feedback))
        q.answers = answers
        if len(answers) < 2:
            message = "pilihan ganda memerlukan minimal dua pilihan jawaban"
            raise GiftError(self.filename, q.line, message)

        no_correct = "pilihan ganda tidak memiliki jawaban benar (=)"
        if any(marker == "=" for marker, _, _ in pieces):
            if not any(a.fraction == 1 for a in answers):
                raise GiftError(self.filename, q.line, no_correct)
            q.type = "multichoice"
            return
        positive = [a.fraction for a in answers if a.fraction > 0]
        if len(positive) >= 2:
            total = sum(positive)
            if abs(total - 1) > 0.01 + 1e-9:
                message = (
                    "jumlah bobot positif soal pilihan jawaban ganda harus 100%, "
                    f"sekarang {round(total * 100, 5):g}%"
                )
                raise GiftError(self.filename, q.line, message)
            q.type = "multiresponse"
        elif positive == [1.0]:
            q.type = "multichoice"
        else:
            raise GiftError(self.filename, q.line, no_correct)

    def _truefalse(self, q: Question, body: str, base: int) -> None:
        head, *feedback = body.split("#", 2)
        wrong = self._text(feedback[0], q.format, base) if feedback else ""
        right = self._text(feedback[1], q.format, base) if len(feedback) > 1 else ""
        q.type = "truefalse"
        q.answer = head.strip().upper() in _TRUE
        if q.answer:
            q.feedback_true, q.feedback_false = right, wrong
        else:
            q.feedback_true, q.feedback_false = wrong, right

    def _shortanswer(self, q: Question, body: str, base: int) -> None:
        lead, pieces = self._split(body, base, "=")
        # A single answer may be written without '=' (docs: "as long as it cannot be
        # confused as True-False"); Moodle keeps such leading text as an answer.
        if lead.strip():
            pieces.insert(0, ("", lead, base))
        answers: list[Answer] = []
        for _, piece, offset in pieces:
            weight, rest = self._weight(piece, offset)
            text, feedback = self._answer(rest, q.format, offset)
            if not text:
                raise self.error(offset, "jawaban singkat kosong setelah '='")
            answers.append(Answer(text, 1.0 if weight is None else weight, feedback))
        q.type = "shortanswer"
        q.answers = answers
        if not any(a.fraction > 0 for a in answers):
            message = "jawaban singkat tidak memiliki jawaban dengan nilai positif"
            raise GiftError(self.filename, q.line, message)

    def _matching(self, q: Question, body: str, base: int) -> None:
        lead, pieces = self._split(body, base, "=")
        if lead.strip():
            message = (
                f"teks {_show(lead)} ada sebelum pasangan pertama; setiap pasangan harus "
                "diawali '='"
            )
            raise self.error(base + len(lead) - len(lead.lstrip()), message)
        pairs: list[Pair] = []
        for _, piece, offset in pieces:
            if "#" in piece:
                message = "soal menjodohkan tidak mendukung umpan balik (#) per pasangan"
                raise self.error(offset + piece.index("#") + 1, message)
            if _WEIGHT_RE.match(piece.lstrip()):
                raise self.error(offset, "soal menjodohkan tidak mendukung bobot persentase")
            left, arrow, right = piece.partition("->")
            if not arrow:
                raise self.error(offset, f"pasangan {_show(piece)} tidak memiliki '->'")
            right_text = _unescape(right).strip()
            if not right_text:
                message = f"pasangan {_show(piece)} tidak punya jawaban setelah '->'"
                raise self.error(offset, message)
            pairs.append(Pair(self._text(left, q.format, offset), right_text))
        q.type = "matching"
        q.pairs = pairs
        if sum(1 for p in pairs if p.left) < 2:
            message = "soal menjodohkan memerlukan minimal dua pasangan"
            raise GiftError(self.filename, q.line, message)

    def _numerical(self, q: Question, body: str, base: int) -> None:
        hash_at = body.index("#")
        body, base = body[hash_at + 1 :], base + hash_at + 1
        if "~" in body:
            message = "umpan balik untuk jawaban lain (~) pada soal numerik tidak didukung"
            raise self.error(base + body.index("~"), message)
        lead, pieces = self._split(body, base, "=")
        if lead.strip():
            pieces.insert(0, ("", lead, base))
        if not pieces:
            raise GiftError(self.filename, q.line, "soal numerik tidak memiliki jawaban")
        answers: list[NumericAnswer] = []
        for _, piece, offset in pieces:
            weight, rest = self._weight(piece, offset)
            value, _, feedback = rest.partition("#")
            low, high = self._range(value, offset)
            fraction = 1.0 if weight is None else weight
            feedback_text = self._text(feedback, q.format, offset)
            answers.append(NumericAnswer(low, high, fraction, feedback_text))
        q.type = "numerical"
        q.answers = answers
        if not any(a.fraction > 0 for a in answers):
            message = "soal numerik tidak memiliki jawaban dengan nilai positif"
            raise GiftError(self.filename, q.line, message)

    def _range(self, value: str, offset: int) -> tuple[float, float]:
        """``a..b``, ``answer:tolerance`` or a single number, as (min, max)."""
        value = value.strip()
        if not value:
            raise self.error(offset, "jawaban numerik kosong")
        # Decimal keeps 3.14 - 0.01 at exactly 3.13 instead of 3.1300000000000003.
        if value.find("..") > 0:
            low_text, _, high_text = value.partition("..")
            low = self._number(low_text, offset, "batas bawah rentang")
            high = self._number(high_text, offset, "batas atas rentang")
            if low > high:
                message = (
                    f"rentang numerik tidak valid: batas bawah {low} lebih besar dari "
                    f"batas atas {high}"
                )
                raise self.error(offset, message)
        elif value.find(":") > 0:
            answer_text, _, tolerance_text = value.partition(":")
            answer = self._number(answer_text, offset, "jawaban numerik")
            tolerance = self._number(tolerance_text, offset, "toleransi numerik")
            if tolerance < 0:
                raise self.error(offset, f"toleransi numerik tidak boleh negatif: {tolerance}")
            low, high = answer - tolerance, answer + tolerance
        else:
            low = high = self._number(value, offset, "jawaban numerik")
        return float(low), float(high)

    def _number(self, masked: str, offset: int, what: str) -> Decimal:
        text = _unescape(masked).strip()
        if _NUMBER_RE.fullmatch(text):
            number = Decimal(text)
            if math.isfinite(float(number)):
                return number
            raise self.error(offset, f"{what} terlalu besar: {_show(text)}")
        hint = ""
        if re.fullmatch(r"[+-]?\d*,\d+", text):
            hint = " (gunakan titik sebagai pemisah desimal, misalnya 3.14)"
        raise self.error(offset, f"{what} bukan angka: {_show(text)}{hint}")
