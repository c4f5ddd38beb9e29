"""An .xlsx sheet read as a stream of rows, never held whole.

calamine builds a sheet as one dense grid before the first row can be read: about 1.2 GB and
ten seconds for a million rows. Here the sheet's XML is unpacked a megabyte at a time and its
rows are cut out with regular expressions (the C engine does the scanning); texts with entities
or odd markup are decoded by the C XML parser in one call per megabyte. What comes out is what
calamine gives for the same file (``tests/importers/test_xlsx_stream.py`` compares the two on
every kind of cell): numbers as floats, dates by the cell's number format (1900 and 1904
systems), booleans, shared and inline strings (rich text joined, phonetic runs left out, trimmed
unless ``xml:space="preserve"``, Excel's ``_x000D_`` escapes), errors and empty cells as ``""``;
rows from the first to the last one holding a value, each from the first to the last column any
row fills, blank rows in between included.

Shared strings are kept as one UTF-8 buffer and offsets (a million-row list has millions of
them: as Python strings they would take several times the space). Anything this reader does not
expect (a workbook part it cannot find, rows out of order) raises ``Unsupported`` before a row
is read, and the caller reads the sheet with calamine as before.
"""

from __future__ import annotations

import re
import zipfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from posixpath import join, normpath
from xml.etree import ElementTree

from crm_tui.importers.files.xlsx_values import (
    format_kind,
    unescape_excel,
)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CHUNK = 1 << 20
_PREFIX = re.compile(rb"<(?:(\w+):)?worksheet\b")


class Unsupported(Exception):
    """The file is not one this reader handles; read it with calamine."""


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str
    visible: bool
    worksheet: bool


class SharedStrings:
    """The workbook's shared strings, as one UTF-8 buffer and where each one starts."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._starts = array("q", [0])

    def add(self, text: bytes) -> None:
        self._data += text
        self._starts.append(len(self._data))

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self._starts) - 1:
            raise Unreadable(0, f"t=s {index}")
        return self._data[self._starts[index] : self._starts[index + 1]].decode("utf-8")


class Unreadable(Exception):
    """A sheet found broken while its rows are read: near ``row`` (0 when not known), ``detail``
    the cell's content or the XML parser's words."""

    def __init__(self, row: int, detail: str) -> None:
        super().__init__(row, detail)
        self.row = row
        self.detail = detail


def _read_xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(archive.read(part))
    except (KeyError, ElementTree.ParseError) as exc:
        raise Unsupported from exc


def _part_name(names: dict[str, str], wanted: str) -> str | None:
    """The zip entry named ``wanted``, compared without case (as calamine finds parts)."""
    return names.get(wanted.lower())


class XlsxPackage:
    """The workbook-wide parts a sheet's cells need: sheets, number formats, date system,
    shared strings (read when a sheet is opened)."""

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        try:
            self._read()
        except BaseException:
            self.archive.close()
            raise

    def _read(self) -> None:
        self._names = {n.lower(): n for n in self.archive.namelist()}
        book_part = _part_name(self._names, "xl/workbook.xml")
        rels_part = _part_name(self._names, "xl/_rels/workbook.xml.rels")
        if book_part is None or rels_part is None:
            raise Unsupported
        book = _read_xml(self.archive, book_part)
        rels = _read_xml(self.archive, rels_part)
        targets: dict[str, tuple[str, str]] = {}
        for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            targets[rel.get("Id", "")] = (part, rel.get("Type", ""))
        self.sheets: list[SheetInfo] = []
        for sheet in book.iter(f"{{{MAIN_NS}}}sheet"):
            part, kind = targets.get(sheet.get(f"{{{_REL_NS}}}id", ""), ("", ""))
            self.sheets.append(
                SheetInfo(
                    sheet.get("name", ""),
                    part,
                    sheet.get("state", "visible") == "visible",
                    kind.endswith("/worksheet"),
                )
            )
        if not self.sheets:  # another namespace (Strict Open XML) or no sheets: calamine's
            raise Unsupported
        found = book.find(f"{{{MAIN_NS}}}workbookPr")
        self.is_1904 = found is not None and found.get("date1904") in ("1", "true")
        self.formats = self._formats()

    def close(self) -> None:
        self.archive.close()

    def part(self, name: str) -> str | None:
        """The zip entry named ``name``, compared without case (as calamine finds parts)."""
        return self._names.get(name.lower())

    def _formats(self) -> list[int]:
        part = _part_name(self._names, "xl/styles.xml")
        if part is None:
            return []
        styles = _read_xml(self.archive, part)
        custom = {
            f.get("numFmtId"): f.get("formatCode", "")
            for f in styles.iter(f"{{{MAIN_NS}}}numFmt")
            if f.get("numFmtId") is not None and f.get("formatCode") is not None
        }
        kinds: list[int] = []
        xfs = styles.find(f"{{{MAIN_NS}}}cellXfs")
        for xf in xfs.iter(f"{{{MAIN_NS}}}xf") if xfs is not None else ():
            kinds.append(format_kind(xf.get("numFmtId"), custom))
        return kinds

    def shared_strings(self) -> SharedStrings:
        strings = SharedStrings()
        part = _part_name(self._names, "xl/sharedStrings.xml")
        if part is None:
            return strings
        with self.archive.open(part) as stream:
            head = stream.read(4096)
            prefix = prefix_of(head, b"sst")
            texts = Texts(prefix)
            item = re.compile(rb"<%ssi\b[^>]*?(?:/>|>(.*?)</%ssi>)" % (prefix, prefix), re.S)
            rest = head
            while True:
                chunk = stream.read(_CHUNK)
                data = rest + chunk
                close = b"</%ssi>" % prefix
                found = data.rfind(close)
                end = len(data) if not chunk else found + len(close) if found >= 0 else 0
                for text in texts.decode(item.findall(data, 0, end)):
                    strings.add(text.encode("utf-8") if isinstance(text, str) else text)
                rest = data[end:]
                if not chunk:
                    break
        return strings


def prefix_of(head: bytes, root: bytes) -> bytes:
    """The namespace prefix (``x:``) a part's elements carry, or ``b""``."""
    found = re.search(rb"<(?:(\w+):)?%s\b" % root, head)
    if found is None:
        raise Unsupported
    return found.group(1) + b":" if found.group(1) else b""


class Texts:
    """Texts of ``<si>`` or ``<is>`` elements (their inner XML), as calamine reads them."""

    def __init__(self, prefix: bytes) -> None:
        self.prefix = prefix
        # The usual string: one <t>, its text plain or with entities only.
        self.simple = re.compile(rb'<%st( xml:space="preserve")?>([^<]*)</%st>\Z' % (prefix, prefix))

    def decode(self, inners: list[bytes]) -> list[str | bytes]:
        """Each inner XML's text: ``bytes`` (UTF-8) when taken as it was, else ``str``."""
        out: list[str | bytes] = []
        rich: list[int] = []
        escaped: list[int] = []
        escaped_texts: list[bytes] = []
        kept: list[bool] = []
        simple = self.simple.match
        for inner in inners:
            found = simple(inner)
            if found is None:
                rich.append(len(out))
                out.append(b"")
                continue
            preserve, text = found.groups()
            if b"&" in text or b"\r" in text:
                escaped.append(len(out))
                escaped_texts.append(text)
                kept.append(bool(preserve))
                out.append(b"")
                continue
            if not preserve:
                text = text.strip(b" \t\n")
            out.append(unescape_excel(text.decode("utf-8")) if b"_x00" in text else text)
        if escaped:
            for index, text, preserve in zip(escaped, unescape_many(escaped_texts), kept, strict=True):
                out[index] = finish_text(text, preserve=preserve)
        if rich:
            for index, text in zip(rich, self._parse([inners[i] for i in rich]), strict=True):
                out[index] = text
        return out

    def _parse(self, inners: list[bytes]) -> list[str]:
        """Rich texts and the like: parsed together by the XML parser."""
        declare = b' xmlns:%s="%s"' % (self.prefix[:-1], MAIN_NS.encode()) if self.prefix else b""
        items = b"</i><i>".join(inners)
        document = b'<all xmlns="%s"%s><i>%s</i></all>' % (MAIN_NS.encode(), declare, items)
        try:
            root = ElementTree.fromstring(document)
        except ElementTree.ParseError as exc:
            raise Unreadable(0, str(exc)) from exc
        return [rich_text(item) for item in root]


_SEPARATOR = "\ue000"
_SEPARATOR_BYTES = _SEPARATOR.encode()


def unescape_many(texts: list[bytes]) -> list[str]:
    """Element texts with entities and line breaks (``&#1050;``, ``&amp;``, CR LF) decoded as an
    XML parser does, all in one call of the C parser: joined by a private-use character, split
    after. A text that holds that character itself is decoded on its own."""
    joined = _SEPARATOR_BYTES.join(texts)
    try:
        whole = ElementTree.fromstring(b"<a>%s</a>" % joined).text or ""
        parts = whole.split(_SEPARATOR)
        if len(parts) == len(texts):
            return parts
        return [ElementTree.fromstring(b"<a>%s</a>" % text).text or "" for text in texts]
    except ElementTree.ParseError as exc:
        raise Unreadable(0, str(exc)) from exc


def finish_text(text: str, *, preserve: bool) -> str:
    """A ``<t>``'s text as calamine keeps it: trimmed unless ``xml:space="preserve"``, Excel's
    escapes undone."""
    if not preserve:
        text = text.strip(" \t\r\n")
    return unescape_excel(text) if "_x00" in text else text


_T = f"{{{MAIN_NS}}}t"
_R = f"{{{MAIN_NS}}}r"
_RPH = f"{{{MAIN_NS}}}rPh"


def _run_text(t: ElementTree.Element) -> str:
    return finish_text("".join(t.itertext()), preserve=t.get(_XML_SPACE) == "preserve")


def rich_text(item: ElementTree.Element) -> str:
    """A string's ``<t>`` texts in order, runs included, phonetic readings (``<rPh>``) not."""
    parts: list[str] = []
    for child in item:
        if child.tag == _T:
            parts.append(_run_text(child))
        elif child.tag == _R:
            parts.extend(_run_text(t) for t in child.iter(_T))
    return "".join(parts)
