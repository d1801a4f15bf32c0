"""Read the blocks of a GIFT file the way Moodle's importer does (``qformat_gift::readquestion``).

Use :func:`lms.quiz.gift.read_gift` or :func:`lms.quiz.gift.parse_gift`; this module holds the
block parser they share.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from lms.quiz.gift_model import (
    BLANK,
    Answer,
    GiftError,
    NumericAnswer,
    Pair,
    Question,
)

# While a block is parsed, escaped characters are swapped for code points from the end of the
# last private-use plane, so that ``\{`` never counts as a brace; they are put back afterwards.
_ESCAPABLE = "~=#{}:n\\"
PLACEHOLDER = {char: chr(0x10FFF0 + i) for i, char in enumerate(_ESCAPABLE)}
_RESTORE = str.maketrans({ph: ("\n" if char == "n" else char) for char, ph in PLACEHOLDER.items()})
PLACEHOLDER_RE = re.compile("[" + "".join(PLACEHOLDER.values()) + "]")
_ESCAPE_RE = re.compile(r"\\([~=#{}:n\\])")

_BRACE_RE = re.compile(r"[{}]")
FORMAT_RE = re.compile(r"\[(moodle|html|plain|markdown)\]", re.IGNORECASE)
# Moodle's own test is /^%\-*([0-9]{1,2})\.?([0-9]*)%/: a weight needs digits, so ``%reset``
# or ``%5 stars`` are answer text.
WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE = ("T", "TRUE")
_FALSE = ("F", "FALSE")
#: The name of a question that has neither a name nor text (Moodle's is "Question name").
UNNAMED = "Soal"
ESSAY_REFUSED = "soal esai ({}) tidak didukung karena tidak bisa dinilai otomatis"


def _unescape(masked: str) -> str:
    return masked.translate(_RESTORE)


def _show(masked: str, limit: int = 40) -> str:
    """A short, readable quote of source text for error messages."""
    text = " ".join(_unescape(masked).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def default_name(text: str, fmt: str) -> str:
    plain = re.sub(r"<[^>]*>", " ", text) if fmt == "html" else text
    return " ".join(plain.split())[:40].rstrip()


class Block:
    """One blank-line separated chunk of the file, with escapes masked."""

    def __init__(self, lines: list[tuple[int, str]], filename: str, essays: bool) -> None:
        self.filename = filename
        self.essays = essays
        # Comment lines become empty rather than disappear, so offsets still map to lines.
        kept = [(n, "" if line.lstrip().startswith("//") else line) for n, line in lines]
        while kept and not kept[0][1]:
            kept.pop(0)
        self.start = kept[0][0] if kept else lines[0][0]
        raw = "\n".join(line for _, line in kept).strip()
        self.m = _ESCAPE_RE.sub(lambda mt: PLACEHOLDER[mt.group(1)], raw)

    def line(self, offset: int) -> int:
        return self.start + self.m.count("\n", 0, offset)

    def error(self, offset: int, message: str) -> GiftError:
        return GiftError(self.filename, self.line(offset), message)

    def parse(self, category: str | None, out: list[Question]) -> str | None:
        """Append this block's item to ``out``; return the category for what follows."""
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
                # Moodle drops the '::' and names the question after its text.
                pos += 2
            else:
                name = " ".join(_unescape(m[pos + 2 : end]).split())
                pos = len(m) - len(m[end + 2 :].lstrip())

        braces = self._braces(pos, qline)
        if braces is None:  # no answer block: Moodle's "description"
            fmt, text = self._format(m[pos:])
            text = _unescape(text).strip()
            name = name or default_name(text, fmt) or UNNAMED
            return Question("description", name, text, qline, fmt, category)
        opening, closing = braces
        fmt, before = self._format(m[pos:opening])
        after = m[closing + 1 :]
        if after.strip():
            text = _unescape(before + BLANK + after).strip()
            text_before: str | None = _unescape(before).strip()
            text_after: str | None = _unescape(after).strip()
        else:
            text = _unescape(before).strip()
            text_before = text_after = None
        # Moodle imports a question whose text is empty ("::Name::{=a ~b}": the question is
        # written in the name), so Sinau reads it too.

        question = Question(
            type="",
            name=name or default_name(text, fmt) or UNNAMED,
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
            question.general_feedback = self._text(body[separator + 4 :])
            body = body[:separator]

        stripped = body.strip()
        # Same order as Moodle's importer: the first rule that fits decides the type.
        head = stripped.split("#", 1)[0].strip().upper()
        if not stripped:
            if not self.essays:
                raise GiftError(self.filename, qline, ESSAY_REFUSED)
            question.type = "essay"
        elif stripped.startswith("#"):
            self._numerical(question, body, body_at)
        elif "~" in body:
            self._choice(question, body, body_at)
        elif "=" in body and "->" in body:
            self._matching(question, body, body_at)
        elif head in _TRUE or head in _FALSE:
            self._truefalse(question, body)
        else:
            self._shortanswer(question, body, body_at)
        return question

    def _braces(self, pos: int, qline: int) -> tuple[int, int] | None:
        """Find the one answer block (None if there is none); reject unbalanced braces."""
        m = self.m
        opening, closing = m.find("{", pos), m.find("}", pos)
        if opening == -1 and closing == -1:
            return None
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
        match = FORMAT_RE.match(before)
        if match:
            return match.group(1).lower(), before[match.end() :]
        return "moodle", before

    @staticmethod
    def _text(masked: str) -> str:
        """Answer or feedback text: trimmed and unescaped, a leading format marker dropped.

        Moodle keeps a format per answer; Sinau keeps one per question, so a marker such as
        ``[html]`` (which Moodle's exporter writes whenever it differs from the question's)
        is removed and the text kept as it is.
        """
        text = masked.strip()
        match = FORMAT_RE.match(text)
        if match:
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
        match = WEIGHT_RE.match(piece)
        if not match:
            return None, piece
        value = Decimal(match.group(1))
        if not -100 <= value <= 100:
            message = f"bobot persentase tidak valid: {match.group()} (harus antara -100% dan 100%)"
            raise self.error(offset, message)
        return float(value / 100), piece[match.end() :]

    def _answer(self, piece: str) -> tuple[str, str]:
        text, _, feedback = piece.partition("#")
        return self._text(text), self._text(feedback)

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
            text, feedback = self._answer(rest)
            # Moodle drops choices with no text when it saves the question, so "~=right"
            # is just the right answer "right", and a stray "~" costs nothing.
            if not text:
                continue
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
        # Moodle: with no '=' several answers may be ticked, whatever the weights.
        positive = [a.fraction for a in answers if a.fraction > 0]
        if not positive:
            raise GiftError(self.filename, q.line, no_correct)
        total = sum(positive)
        if abs(total - 1) > 0.01 + 1e-9:
            message = (
                "jumlah bobot positif soal pilihan jawaban ganda harus 100%, "
                f"sekarang {round(total * 100, 5):g}%"
            )
            raise GiftError(self.filename, q.line, message)
        q.type = "multiresponse"

    def _truefalse(self, q: Question, body: str) -> None:
        head, *feedback = body.split("#", 2)
        wrong = self._text(feedback[0]) if feedback else ""
        right = self._text(feedback[1]) if len(feedback) > 1 else ""
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
            text, feedback = self._answer(rest)
            if text:  # Moodle drops empty answers when it saves the question
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
            # Moodle reads no feedback or weight here: "=a -> b#c" pairs "a" with "b#c".
            left, arrow, right = piece.partition("->")
            if not arrow:
                raise self.error(offset, f"pasangan {_show(piece)} tidak memiliki '->'")
            right_text = _unescape(right).strip()
            if not right_text:
                message = f"pasangan {_show(piece)} tidak punya jawaban setelah '->'"
                raise self.error(offset, message)
            pairs.append(Pair(self._text(left), right_text))
        q.type = "matching"
        q.pairs = pairs
        if sum(1 for p in pairs if p.left) < 2:
            message = "soal menjodohkan memerlukan minimal dua pasangan"
            raise GiftError(self.filename, q.line, message)

    def _numerical(self, q: Question, body: str, base: int) -> None:
        hash_at = body.index("#")
        body, base = body[hash_at + 1 :], base + hash_at + 1
        # As in Moodle, everything from the first '~' is the "any other answer" feedback.
        other = None
        tilde = body.find("~")
        if tilde != -1:
            other = NumericAnswer(None, None, 0.0, self._text(body[tilde + 1 :].partition("#")[2]))
            body = body[:tilde]
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
            answers.append(NumericAnswer(low, high, fraction, self._text(feedback)))
        if other is not None:
            answers.append(other)
        q.type = "numerical"
        q.answers = answers
        if not any(a.fraction > 0 for a in answers):
            message = "soal numerik tidak memiliki jawaban dengan nilai positif"
            raise GiftError(self.filename, q.line, message)

    def _range(self, value: str, offset: int) -> tuple[float | None, float | None]:
        """``a..b``, ``answer:tolerance``, a single number or ``*``, as (min, max)."""
        value = value.strip()
        if not value:
            raise self.error(offset, "jawaban numerik kosong")
        if value == "*":  # Moodle's "any answer"
            return None, None
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
