"""One worksheet part, streamed row by row (see :mod:`lms.xlsx` for what a row is).

The decompressed sheet is read a megabyte at a time and cut before its last row start. One
regular expression finds every row and every cell of a batch in the shapes writers use; when its
matches do not account for every row and cell tag of the batch, or the batch holds a comment,
CDATA or an instruction, ``xml.etree`` parses that batch instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Protocol
from xml.etree.ElementTree import Element

from openpyxl.utils.datetime import from_excel
from openpyxl.utils.datetime import from_ISO8601 as from_iso8601

from lms.xlsx.text import XlsxError, fragment, rich_text, unescape

#: How much of the sheet is decompressed at a time; a batch ends at the last row end in it.
CHUNK = 1 << 20


class Book(Protocol):
    """What a sheet reads from its workbook: date styles, the epoch, the shared strings."""

    epoch: Any
    date_styles: set[int]
    timedelta_styles: set[int]

    @property
    def strings(self) -> list[str]: ...


_ROOT = re.compile(r"<((?:[\w.-]+:)?)worksheet\b([^>]*)>")
_SHEET_DATA = re.compile(r"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_DECLARATION = re.compile(r"""\sxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LETTERS = re.compile(r"[A-Za-z]{1,3}")
_ROW_REF = re.compile(r"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")


class SheetReader:
    """One pass over a worksheet part (see the module for what a row is)."""

    def __init__(self, book: Book, source) -> None:
        self.book = book
        self.source = source
        self.columns: dict[str, int] = {}
        #: A cell's attributes other than its leading r="..." -> (type, style).
        self.shapes: dict[str, tuple[str, int]] = {}
        self.number = 0
        self.done = False
        self.tail = b""

    def rows(self) -> Iterator[list[Any]]:
        head, pending = self._head()
        if head is None:
            return
        self.prefix, self.declarations = head
        p = re.escape(self.prefix)
        self.row_start = f"<{self.prefix}row"
        self.closing = f"</{self.prefix}sheetData>"
        # A row's start or end, or a cell in one of the shapes writers use: a value (after a
        # formula, maybe), an inline string of one text, or nothing. Groups: row start, its
        # attributes, "/" if empty; row end; cell column letters, its other attributes, "/>"
        # if empty, value, "<is>" and the inline text, "<is/>".
        self.fast = re.compile(
            rf"(<{p}row)\b([^>]*?)(/?)>|(</{p}row>)"
            rf'|<{p}c(?: r="([A-Z]{{1,3}})\d+")?((?:\s+[\w:]+="[^"]*")*)\s*(?:(/>)|>'
            rf"(?:(?:<{p}f\b[^>]*?(?:/>|>[^<]*</{p}f>))?<{p}v>([^<]*)</{p}v>"
            rf'|(<{p}is>)(?:<{p}t(?: xml:space="preserve")?>([^<]*)</{p}t>|<{p}t/>)</{p}is>'
            rf"|(<{p}is/>))</{p}c>)"
        )
        exhausted = False
        while not (self.done or exhausted):
            chunk = self.source.read(CHUNK)
            if chunk:
                pending += self._decode(chunk)
            exhausted = not chunk
            # Whole rows only; at the end too, the last row apart (past a run of blank rows, it
            # may never be asked for).
            cut = self._last_row_start(pending)
            if cut <= 0 and not exhausted:
                continue
            batches = [pending[:cut], pending[cut:]] if cut > 0 else [pending]
            if not exhausted:
                batches, pending = batches[:1], batches[1]
            for batch in batches:
                if self.done:
                    break
                for number, values in self._batch(batch):
                    if number <= self.yielded:
                        continue  # out of order: openpyxl leaves such a row out too
                    while self.yielded < number - 1:
                        self.yielded += 1
                        yield []
                    self.yielded = number
                    yield values

    yielded = 0

    def _last_row_start(self, text: str) -> int:
        """Where the last row begins: every row before it is complete."""
        start, size = len(text), len(self.row_start)
        while (start := text.rfind(self.row_start, 0, start)) >= 0:
            if text[start + size : start + size + 1] in (" ", "\t", "\r", "\n", "/", ">"):
                return start
        return -1

    def _decode(self, chunk: bytes) -> str:
        """UTF-8 text of the next chunk; a character cut at the chunk's end waits for the next."""
        data = self.tail + chunk
        try:
            text, self.tail = data.decode("utf-8"), b""
        except UnicodeDecodeError as exc:
            if exc.start < len(data) - 3:
                raise XlsxError("not UTF-8") from exc
            text, self.tail = data[: exc.start].decode("utf-8"), data[exc.start :]
        return text

    def _head(self) -> tuple[tuple[str, str] | None, str]:
        """Read up to ``<sheetData>``: ((element prefix, the root's namespace declarations), the
        rest read so far); (None, "") for a sheet without data."""
        text = ""
        while True:
            chunk = self.source.read(64 * 1024)
            text += self._decode(chunk) if chunk else ""
            data = _SHEET_DATA.search(text)
            if data is not None:
                break
            if not chunk or len(text) > 16 * CHUNK:
                return None, ""
        head = text[: data.start()]
        if "<!DOCTYPE" in head:
            raise XlsxError("a DTD in a worksheet")
        if data[2]:  # <sheetData/>
            return None, ""
        root = _ROOT.search(head)
        declarations = " ".join(d.strip() for d in _DECLARATION.findall(root[2])) if root else ""
        return (data[1], declarations), text[data.end() :]

    def _batch(self, batch: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values) of the rows in ``batch``, which ends before a row or at the end."""
        closing = batch.find(self.closing)
        if closing >= 0:
            batch = batch[:closing]
            self.done = True
        if "<!" not in batch and "<?" not in batch:  # no comment, CDATA or instruction
            found = self.fast.findall(batch)
            p = self.prefix
            rows = sum(1 for m in found if m[0])
            ends = sum(1 for m in found if m[3])
            # Every row and every cell matched: otherwise the XML parser reads the batch.
            if (
                rows == batch.count(f"<{p}row")
                and ends == batch.count(f"</{p}row>")
                and len(found) - rows - ends == batch.count(f"<{p}c")
            ):
                yield from self._fast_rows(found)
                return
        yield from self._parsed_rows(batch)

    def _fast_rows(self, found: list[tuple[str, ...]]) -> Iterator[tuple[int, list[Any]]]:
        number = self.number
        values: list[Any] = []
        column = 0
        columns, column_of, shapes = self.columns, self._column, self.shapes
        dates = self.book.date_styles
        for row, row_attributes, empty, end, letters, rest, closed, v, opened, t, empty_is in found:
            if row:
                number = _row_number(row_attributes, number)
                values, column = [], 0
                if empty:
                    yield number, values
                continue
            if end:
                yield number, values
                continue
            if letters:
                column = columns.get(letters) or column_of(letters)
            else:
                column += 1
            shape = shapes.get(rest)
            if shape is None:
                attributes = {m[1]: m[2] or m[3] or "" for m in _ATTRIBUTE.finditer(rest)}
                shape = (attributes.get("t", "n"), int(attributes.get("s") or 0))
                if "r" in attributes:  # r="..." not first: per cell, so never kept
                    column = column_of(_LETTERS.match(attributes["r"])[0])
                else:
                    shapes[rest] = shape
            kind, style = shape
            if kind == "inlineStr":
                value = (unescape(t) if t else "") if (opened or empty_is) else None
            elif closed or not v:
                value = None
            elif kind == "n" and style not in dates:
                value = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
            else:
                value = self._value(kind, style, unescape(v))
            width = len(values)
            if column > width:
                values.extend([None] * (column - width))
            values[column - 1] = value
        self.number = number

    def _column(self, letters: str) -> int:
        index = 0
        for char in letters.upper():
            index = index * 26 + ord(char) - 64
        self.columns[letters] = index
        return index

    def _value(self, kind: str, style: int, raw: str) -> Any:
        """A cell's value from its type, style and (non-empty, unescaped) ``<v>`` text."""
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if style not in self.book.date_styles:
                return number
            try:
                timedelta = style in self.book.timedelta_styles
                return from_excel(number, self.book.epoch, timedelta=timedelta)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date style on a number no date can have
        if kind == "s":
            try:
                return self.book.strings[int(raw)]
            except (IndexError, ValueError) as exc:
                raise XlsxError(f"no shared string {raw}") from exc
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_iso8601(raw)
        return raw  # "str", "e" (an error code such as #N/A), or a type unknown to openpyxl too

    def _parsed_rows(self, batch: str) -> Iterator[tuple[int, list[Any]]]:
        """The XML parser's way, for the rows in a shape the expression above does not know."""
        p = self.prefix
        number = self.number
        for row in fragment(f"<{p}sheetData>{batch}</{p}sheetData>", p, self.declarations):
            if row.tag.rsplit("}", 1)[-1] != "row":
                raise XlsxError(f"unexpected element after row {number}")
            number = _row_number(f' r="{row.get("r")}"' if row.get("r") else "", number)
            yield number, self._element_cells(row)
        self.number = number

    def _element_cells(self, row: Element) -> list[Any]:
        values: list[Any] = []
        column = 0
        for cell in row:
            ns, _, name = cell.tag[1:].partition("}")
            if name != "c":
                continue
            ref = cell.get("r")
            column = self._column(_LETTERS.match(ref)[0]) if ref else column + 1
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                inline = cell.find(f"{{{ns}}}is")
                value = rich_text(inline) if inline is not None else None
            else:
                raw = cell.findtext(f"{{{ns}}}v") or None
                value = None if raw is None else self._value(kind, int(cell.get("s") or 0), raw)
            if column > len(values):
                values.extend([None] * (column - len(values)))
            values[column - 1] = value
        return values


def _row_number(attributes: str, previous: int) -> int:
    """A row's r="...", or the next number when it has none."""
    found = _ROW_REF.search(attributes)
    if found is None:
        return previous + 1
    try:
        return int(found[1])
    except ValueError:
        value = float(found[1])
        if not value.is_integer():
            raise XlsxError(f"{found[1]} is not a row number") from None
        return int(value)
