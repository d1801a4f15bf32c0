"""A course's quiz.gift as a list of items the question-by-question editor changes one at a time.

The text is cut where GIFT cuts it, at blank lines, and each block is read on its own as
:func:`lms.authoring.bundle.gift_problems` reads it, so a broken block is one item (kept as it is)
rather than the end of the list. Every change rewrites only the block it concerns, through
:func:`lms.quiz.gift.write_gift`; the other blocks, the blank lines between them, comments and
``$CATEGORY:`` lines stay byte for byte. A block's leading comments and its ``$CATEGORY:`` line
belong to the place, not to the item: they stay where they are when an item moves away.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass

from lms.quiz.gift import GiftError, Question
from lms.quiz.gift_export import write_gift
from lms.quiz.gift_reader import PLACEHOLDER_RE, Block

#: Blank lines (what separates GIFT blocks: nothing but white space), with the line break
#: before them; and those at the start of the text.
_SEPARATOR_RE = re.compile(r"\n(?:[^\S\n]*\n)+")
_HEAD_RE = re.compile(r"(?:[^\S\n]*\n)*")


@dataclass
class Item:
    """One question, description or unreadable block of the bank, numbered from 1."""

    number: int
    question: Question | None  # None when the block cannot be read
    source: str  # the block's text (without its leading comments and category line)
    problem: str = ""  # why it cannot be read

    @property
    def kind(self) -> str:
        return self.question.type if self.question else "broken"


@dataclass
class _Chunk:
    prefix: str  # leading comment lines and a $CATEGORY: line
    body: str  # the item's text ("" for a block of comments or a category only)
    separator: str  # the blank lines after the block

    def block(self) -> str:
        return self.prefix + ("\n" if self.prefix and self.body else "") + self.body


class Bank:
    """quiz.gift cut into blocks; :meth:`text` puts it back together."""

    def __init__(self, text: str) -> None:
        self.original = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.chunks: list[_Chunk] = []
        self.head = _HEAD_RE.match(self.original).group()
        rest = self.original[len(self.head) :]
        pos = 0
        for match in _SEPARATOR_RE.finditer(rest):
            self._add(rest[pos : match.start()], match.group())
            pos = match.end()
        last = rest[pos:].rstrip()
        if last:
            self._add(last, rest[pos + len(last) :])
        elif self.chunks:
            self.chunks[-1].separator += rest[pos:]
        else:
            self.head += rest[pos:]
        self.items = self._read()

    def _add(self, block: str, separator: str) -> None:
        lines = block.split("\n")
        cut = 0
        while cut < len(lines) and lines[cut].lstrip().startswith("//"):
            cut += 1
        if cut < len(lines) and lines[cut].lstrip().startswith("$CATEGORY:"):
            cut += 1
            while cut < len(lines) and lines[cut].lstrip().startswith("//"):
                cut += 1
        self.chunks.append(_Chunk("\n".join(lines[:cut]), "\n".join(lines[cut:]), separator))

    def _read(self) -> list[Item]:
        items: list[Item] = []
        category: str | None = None
        line = 1 + self.head.count("\n")
        for chunk in self.chunks:
            block = chunk.block()
            numbered = list(enumerate(block.split("\n"), start=line))
            line += block.count("\n") + chunk.separator.count("\n")
            found: list[Question] = []
            problem = ""
            stray = PLACEHOLDER_RE.search(block)
            try:
                if stray:
                    problem = f"karakter U+{ord(stray.group()):X} tidak boleh dipakai"
                else:
                    category = Block(numbered, "quiz.gift", True).parse(category, found)
            except GiftError as exc:
                problem = exc.message
            if chunk.body.strip():
                question = found[0] if found else None
                items.append(Item(len(items) + 1, question, chunk.body, problem))
        return items

    # -- reading ------------------------------------------------------------------------------

    def text(self) -> str:
        return self.head + "".join(c.block() + c.separator for c in self.chunks)

    def item(self, number: int) -> Item | None:
        return self.items[number - 1] if 1 <= number <= len(self.items) else None

    def _with_body(self) -> list[_Chunk]:
        return [c for c in self.chunks if c.body.strip()]

    # -- changing -----------------------------------------------------------------------------

    def replace(self, number: int, question: Question) -> None:
        """Write ``question`` where item ``number`` is (its comments and category stay)."""
        self._with_body()[number - 1].body = block_text(question)

    def append(self, question: Question) -> None:
        """Add ``question`` at the end of the bank."""
        if self.chunks:
            last = self.chunks[-1]
            last.body = last.body.rstrip("\n")
            last.separator = "\n\n"
        self.chunks.append(_Chunk("", block_text(question), "\n"))

    def remove(self, number: int) -> None:
        """Drop item ``number``; a block with a category line keeps the line."""
        chunk = self._with_body()[number - 1]
        if chunk.prefix.strip():
            chunk.body = ""
            return
        index = self.chunks.index(chunk)
        if index == len(self.chunks) - 1 and index > 0:
            self.chunks[index - 1].separator = chunk.separator or "\n"
        del self.chunks[index]

    def move(self, number: int, step: int) -> None:
        """Swap item ``number`` with the one ``step`` (-1 or 1) places away, if there is one."""
        bodies = self._with_body()
        target = number - 1 + step
        if 0 <= target < len(bodies) and 1 <= number <= len(bodies):
            this, other = bodies[number - 1], bodies[target]
            this.body, other.body = other.body, this.body


def block_text(question: Question) -> str:
    """One question as the GIFT writer writes it, without a category (the place gives it)."""
    return write_gift([dataclasses.replace(question, category=None)]).rstrip("\n")


def read_block(text: str) -> Question:
    """The question a block of GIFT (written by :func:`block_text`) reads back as."""
    found: list[Question] = []
    Block(list(enumerate(text.split("\n"), start=1)), "quiz.gift", True).parse(None, found)
    if len(found) != 1:
        raise GiftError("quiz.gift", 1, "blok tidak berisi tepat satu soal")
    return found[0]


def digest(text: str) -> str:
    """A short fingerprint of the bank, so a form made from an older bank is not applied."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]
