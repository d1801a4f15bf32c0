"""The XML of an XLSX: parts parsed safely, text unescaped, the shared strings read.

Whole parts go through defusedxml (no DTD, no entities); a piece of a sheet goes through the C
parser inside a wrapper element, where no DTD can stand. Text comes out as an XML parser returns
it: line ends normalised, character and entity references replaced.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import fromstring as parse_fragment

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


class XlsxError(ValueError):
    """The workbook's structure or a sheet's XML is damaged."""


def parse(data: bytes) -> Element:
    """A whole part, parsed by defusedxml (no DTD, no entities)."""
    try:
        return fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise XlsxError(str(exc)) from exc


def namespace(tag: str) -> str:
    """The namespace of an element's ``{namespace}name`` tag ("" without one)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def unescape(raw: str) -> str:
    """Character data as an XML parser returns it: line ends normalised, references replaced."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _REFERENCE.sub(_replace, raw) if "&" in raw else raw


_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _replace(m: re.Match) -> str:
    if m[3]:
        return _ENTITIES[m[3]]
    return chr(int(m[1], 16) if m[1] else int(m[2]))


def rich_text(node: Element) -> str:
    """openpyxl's ``Text.content``: the plain text, then each run's text; no phonetic runs."""
    ns = namespace(node.tag)
    parts = [node.findtext(f"{{{ns}}}t") or ""]
    parts += [run.findtext(f"{{{ns}}}t") or "" for run in node.iterfind(f"{{{ns}}}r")]
    return "".join(parts)


#: A string item or inline string that is one plain ``<t>``: most of them.
_PLAIN = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>\s*|<(?:\w+:)?t\s*/>\s*")
_ITEM = re.compile(r"<((?:\w+:)?)si(?:\s[^>]*)?>(.*?)</\1si>|<(?:\w+:)?si\s*/>", re.S)


def shared_strings(data: bytes) -> list[str]:
    """The shared string table of ``sharedStrings.xml``, in order."""
    text = data.decode("utf-8")
    if "<!" in text or "<?" in text[5:]:  # comments, CDATA, a DTD: let the XML parser read it
        root = parse(data)
        items = root.iterfind(f"{{{namespace(root.tag)}}}si")
        return [rich_text(si).replace("x005F_", "") for si in items]
    strings = []
    for match in _ITEM.finditer(text):
        body = match[2] or ""
        plain = _PLAIN.fullmatch(body)
        if plain is not None:
            value = unescape(plain[1] or "")
        else:
            prefix = match[1] or ""
            value = rich_text(fragment(f"<{prefix}si>{body}</{prefix}si>", prefix))
        strings.append(value.replace("x005F_", ""))  # as openpyxl does
    return strings


def fragment(xml: str, prefix: str, declarations: str = "") -> Element:
    """Parse a piece of a part in the main namespace (``prefix`` bound to it)."""
    name = prefix[:-1]
    if not declarations:
        declarations = f'xmlns:{name}="{MAIN}"' if name else f'xmlns="{MAIN}"'
    try:
        # The C parser: no DTD can stand inside an element, so no entity can be declared.
        return parse_fragment(f"<wrap {declarations}>{xml}</wrap>")[0]  # noqa: S314
    except (ParseError, IndexError) as exc:
        raise XlsxError(str(exc)) from exc
