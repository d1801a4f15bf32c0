"""The cell values of an XLSX workbook, streamed row by row.

openpyxl's read-only mode took 27 s of a loaded machine for a 100,000-row staff list, most of it
in Python callbacks per XML element (it parses through defusedxml's pure-Python parser). This
reader gives the values openpyxl's ``iter_rows(values_only=True)`` gives (``data_only``: a
formula's cached result), about ten times faster, for what an import needs: strings (shared and
inline, rich text joined, phonetic runs left out), numbers (an int when written without '.' or
an exponent, else a float), booleans, error codes as text, dates and times by the cell's number
format, with openpyxl's own functions for those. Row numbers are the sheet's: a row the sheet
leaves out comes back as an empty list, and a row stops at its last cell, missing cells None.

The decompressed sheet is read a megabyte at a time and cut before its last row start. One
regular expression finds every row and every cell of a batch in the shapes writers use (a value,
after a formula maybe; an inline string of one text; nothing). When its matches do not account
for every row and cell tag of the batch, or the batch holds a comment, CDATA or an instruction,
``xml.etree`` parses that batch instead, so every well-formed sheet reads the same either way,
and one that is not well-formed is an error. Reading stops as soon as the caller stops asking for
rows; whoever calls this limits the unpacked size first (:func:`lms.tabular.read_table` does).
Whole parts (workbook, styles, relationships) go through defusedxml: no DTD, no entities.
Here: the workbook and its parts; a sheet's rows in :mod:`lms.xlsx.sheet`; the XML's text and
the shared strings in :mod:`lms.xlsx.text`.

python-calamine (Rust) reads the same workbook in about 2 s of CPU but builds each sheet as a
dense grid from its first to its last cell before returning anything: a 1.4 KB workbook with
cells in A1 and XFD1048576 makes it allocate 512 GiB and abort the process, which no limit on
the unpacked size catches. Hence this reader, and no new dependency.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from lms.xlsx.sheet import SheetReader
from lms.xlsx.text import XlsxError, namespace, parse, shared_strings

__all__ = ["Sheet", "Workbook", "XlsxError"]

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str


# -- the workbook --------------------------------------------------------------------------------


class Workbook:
    """An XLSX opened from a zip archive: its worksheets, shared strings and date styles."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = set(archive.namelist())
        try:
            book = parse(archive.read("xl/workbook.xml"))
            rels = _relationships(archive, "xl/workbook.xml", names)
        except KeyError as exc:
            raise XlsxError("no workbook part") from exc
        ns = namespace(book.tag)
        props = book.find(f"{{{ns}}}workbookPr")
        date1904 = props is not None and props.get("date1904", "").lower() in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.sheets: list[Sheet] = []
        for node in book.iterfind(f"{{{ns}}}sheets/{{{ns}}}sheet"):
            kind, part = rels.get(node.get(f"{{{REL}}}id", ""), ("", ""))
            if kind.endswith("/worksheet") and part in names:
                self.sheets.append(Sheet(node.get("name", ""), part))
        by_kind = {kind.rsplit("/", 1)[-1]: part for kind, part in rels.values()}
        self._strings_part = by_kind.get("sharedStrings")
        self._strings: list[str] | None = None
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()
        styles = by_kind.get("styles")
        if styles in names:
            self._read_styles(parse(archive.read(styles)))

    def _read_styles(self, root: Element) -> None:
        """The cell formats (``s`` of a cell) whose number format shows a date or a duration."""
        ns = namespace(root.tag)
        custom = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "")
            for f in root.iterfind(f"{{{ns}}}numFmts/{{{ns}}}numFmt")
        }
        for index, xf in enumerate(root.iterfind(f"{{{ns}}}cellXfs/{{{ns}}}xf")):
            number = int(xf.get("numFmtId", "0"))
            code = custom[number] if number in custom else builtin_format_code(number)
            if is_date_format(code):
                self.date_styles.add(index)
            if is_timedelta_format(code):
                self.timedelta_styles.add(index)

    @property
    def strings(self) -> list[str]:
        """The shared string table, read on first use."""
        if self._strings is None:
            self._strings = []
            if self._strings_part and self._strings_part in self.archive.namelist():
                with self.archive.open(self._strings_part) as source:
                    self._strings = shared_strings(source.read())
        return self._strings

    def rows(self, sheet: Sheet) -> Iterator[list[Any]]:
        """Every row of ``sheet`` from row 1 on, as lists of cell values (see the module)."""
        with self.archive.open(sheet.part) as source:
            yield from SheetReader(self, source).rows()


def _relationships(archive: zipfile.ZipFile, part: str, names: set[str]) -> dict:
    """Relationship id -> (type, part name) of ``part``."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in names:
        return {}
    out = {}
    for rel in parse(archive.read(rels_part)).iter(f"{{{PACKAGE_REL}}}Relationship"):
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out
