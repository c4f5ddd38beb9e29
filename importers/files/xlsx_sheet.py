"""One .xlsx sheet's rows, cut out of its XML a megabyte at a time (see ``xlsx_stream``).

Two passes over the sheet's part. The first finds the columns the sheet spans (calamine's rows
run from the first to the last column any cell fills, which the first row cannot tell) and
checks what the second relies on: every cell names its place first (``<c r="B7"``) and every
row its number, in increasing order, as Excel, LibreOffice and the libraries that write .xlsx
do; a sheet that does not is left to calamine (``Unsupported``). The second pass gives rows out
as each megabyte is read. A pattern match per cell does the scanning; Python looks at each
match once.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from crm_tui.domain.values.cells import Cell, UnreadFormula
from crm_tui.importers.files.sheet_extent import Extent
from crm_tui.importers.files.xlsx_stream import (
    MAIN_NS,
    SharedStrings,
    SheetInfo,
    Texts,
    Unreadable,
    Unsupported,
    XlsxPackage,
    prefix_of,
    rich_text,
    unescape_many,
)
from crm_tui.importers.files.xlsx_values import excel_date, iso_value, unescape_excel

_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _letters(number: int) -> bytes:
    """Column letters of a 1-based column number."""
    out = b""
    while number:
        number, rest = divmod(number - 1, 26)
        out = bytes([65 + rest]) + out
    return out


class _Patterns:
    """The sheet's regular expressions for its namespace prefix (``b""`` or ``b"x:"``)."""

    def __init__(self, p: bytes) -> None:
        self.p = p
        self.row_number = re.compile(rb'<%srow\b[^>]*?\sr="(\d+)"' % p)
        # Groups: row number | column letters, style, type, other attributes, value, an inline
        # string's preserve flag and text, whatever else the cell holds.
        self.item = re.compile(
            rb'<%srow\b[^>]*?\sr="(\d+)"'
            rb'|<%sc r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?([^>]*?)'
            rb"(?:/>|>(<%sf\b[^>]*?(?:/>|>[^<]*</%sf>))?(?:<%sv>([^<]*)</%sv>)?"
            rb'(?:<%sis><%st( xml:space="preserve")?>([^<]*)</%st></%sis>)?(.*?)</%sc>)'
            % (p, p, p, p, p, p, p, p, p, p, p),
            re.S,
        )
        # A cell whose first attribute is not its place, a row without its number.
        self.misplaced = re.compile(rb'<%sc(?:>|\s(?!r="))|<%srow\b(?![^>]*?\sr=")' % (p, p))
        self.row_end = b"</%srow>" % p

    def filled(self, columns: bytes) -> re.Pattern[bytes]:
        """A cell in one of ``columns`` (a character class body or alternatives) that holds
        something: not self-closed, not closed at once."""
        p = self.p
        return re.compile(rb'<%sc r="(%s)(\d+)"[^>]*?(?<!/)>(?!</%sc>)' % (p, columns, p))


def _pieces(archive: zipfile.ZipFile, part: str, cut: bytes) -> Iterator[bytes]:
    """The part unpacked a megabyte at a time, each piece ending just after the last ``cut``
    in it (an element never straddles two pieces); the last piece is the rest."""
    rest = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            data = rest + chunk
            end = data.rfind(cut) + len(cut)
            if end < len(cut):
                rest = data
                continue
            rest = data[end:]
            yield data[:end]
    if rest:
        yield rest


def _outside(patterns: _Patterns, first: int, last: int) -> tuple[re.Pattern[bytes], bool]:
    """A filled cell left of ``first`` or right of ``last`` (1-based columns), and whether the
    pattern is that exactly (a sheet reaching past Z, or starting past it, is matched whole)."""
    if first > 26 or last >= 26:
        return patterns.filled(b"[A-Z]{1,3}"), False
    choices = [b"[A-Z]{2,3}", *(_letters(n) for n in range(1, first))]
    if last < 26:
        choices.append(b"[%s-Z]" % _letters(last + 1))
    return patterns.filled(b"|".join(choices)), True


def _span(
    archive: zipfile.ZipFile, part: str, patterns: _Patterns
) -> tuple[tuple[int, int, int, int] | None, bool]:
    """The first and last column (0-based) any cell fills, the last row and the row of the
    furthest cell, or ``None`` for an empty sheet; and whether the sheet may hold formulas
    (``f>`` ends a formula's tag; in text ``>`` is written ``&gt;``). Also checks the places
    and row numbers (``Unsupported``)."""
    first = last = widest_row = 0  # 1-based; 0 while nothing is found
    last_row = 0
    formulas = False
    outside, exact = patterns.filled(b"[A-Z]{1,3}"), False
    for data in _pieces(archive, part, b">"):
        formulas = formulas or b"f>" in data
        if patterns.misplaced.search(data):
            raise Unsupported
        numbers = patterns.row_number.findall(data)
        for number in map(int, numbers):
            if number <= last_row:
                raise Unsupported
            last_row = number
        while found := outside.findall(data):
            for letters, row in found:
                column = _column_number(letters)
                first = column if not first else min(first, column)
                if column > last:
                    last, widest_row = column, int(row)
            if not exact:  # matched every filled cell: nothing further to find in this piece
                outside, exact = _outside(patterns, first, last)
                break
            outside, exact = _outside(patterns, first, last)
    return (None if not first else (first - 1, last - 1, last_row, widest_row)), formulas


class _Row:
    """The row being read, and the rows finished since the last piece was given out."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.number = 0
        self.cells: list[Cell] | None = None
        self.emitted = 0
        self.out: list[tuple[int, list[Cell]]] = []

    def close(self) -> None:
        """The row is complete: out with it (and the blank rows since the last one), if it
        holds anything."""
        if self.cells is None:
            return
        if self.emitted:
            self.out.extend((blank, [""] * self.width) for blank in range(self.emitted + 1, self.number))
        self.out.append((self.number, self.cells))
        self.emitted = self.number
        self.cells = None


_OTHER_STYLE = re.compile(rb'\ss="(\d+)"')
_OTHER_TYPE = re.compile(rb'\st="(\w+)"')


class SheetReader:
    """One sheet's rows, in order, as ``(row number, cells)``; ``first_column`` is the sheet
    column of each row's first cell. Iterate ``rows()`` once."""

    def __init__(self, workbook: XlsxPackage, info: SheetInfo) -> None:
        self._book = workbook
        part = workbook.part(info.part)
        if part is None:
            raise Unsupported
        self._part = part
        with workbook.archive.open(part) as stream:
            head = stream.read(4096)
        self._patterns = _Patterns(prefix_of(head, b"worksheet"))
        found, self.formulas = _span(workbook.archive, part, self._patterns)
        """``formulas``: whether the sheet may hold formulas (calamine, reading the same sheet,
        needs their places only then)."""
        self.span = found[:2] if found else None
        self.first_column = found[0] if found else 0
        self.extent = Extent(found[2], found[1] + 1, found[3]) if found else Extent(0, 0, 0)
        """How far the sheet reaches, for the caps on cells and columns."""
        self._styles = {str(i).encode(): kind for i, kind in enumerate(workbook.formats)}
        self._columns: dict[bytes, int] = {}
        self._strings = workbook.shared_strings() if self.span else SharedStrings()
        self._texts = Texts(self._patterns.p)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        if self.span is None:
            return
        row = _Row(self.span[1] - self.span[0] + 1)
        for data in _pieces(self._book.archive, self._part, self._patterns.row_end):
            yield from self._piece(data, row)
        row.close()
        yield from row.out

    def _piece(self, data: bytes, row: _Row) -> list[tuple[int, list[Cell]]]:
        """The rows a piece of the sheet completes (the last one it opens stays in ``row``).
        One long loop on purpose: it runs for every cell of the file."""
        strings = self._strings
        styles = self._styles
        columns = self._columns
        first = self.first_column
        is_1904 = self._book.is_1904
        escaped: list[bytes] = []
        escaped_places: list[tuple[list[Cell], int, bool]] = []
        for item in self._patterns.item.findall(data):
            row_number, letters, style, kind, other, formula, value, preserve, text, rest = item
            if row_number:
                row.close()
                row.number = int(row_number)
                continue
            if other:
                style, kind = _other_order(other, style, kind)
            index = columns.get(letters)
            if index is None:
                index = columns[letters] = _column_number(letters) - 1 - first
            cell: Cell
            later = False
            if kind == b"inlineStr":
                if rest:
                    cell = self._odd_cell(rest, kind)
                elif b"&" in text or b"\r" in text:
                    cell, later = "", True
                    escaped.append(text)
                else:
                    if not preserve:
                        text = text.strip(b" \t\n")
                    cell = unescape_excel(text.decode("utf-8")) if b"_x00" in text else text.decode("utf-8")
            elif kind == b"s":
                if not value:
                    continue
                cell = strings[int(value)]
            elif not kind or kind == b"n":
                if value:
                    try:
                        cell = float(value)
                    except ValueError:
                        if kind:
                            raise Unreadable(row.number, value.decode("utf-8", "replace")) from None
                        cell = value.decode("utf-8")
                elif rest:
                    cell = self._odd_cell(rest, kind)
                    if cell == "":
                        if not formula:
                            continue
                        cell = UnreadFormula()  # a number formula saved without its number
                elif formula:
                    cell = UnreadFormula()
                else:
                    continue
                if style and type(cell) is float:
                    form = styles.get(style, 0)
                    if form:
                        cell = excel_date(cell, form, is_1904)
            elif kind == b"str":  # an empty <v></v> is a formula's empty text, as Excel saves it
                if b"&" in value or b"\r" in value or rest:
                    cell = self._odd_cell(b"<v>%s</v>%s" % (value, rest) if value else rest, kind)
                else:
                    cell = value.decode("utf-8")
            elif kind == b"b":
                if not value:
                    continue
                cell = value != b"0"
            elif kind == b"e":
                cell = ""
            elif kind == b"d":
                if not value:
                    continue
                cell = iso_value(value.decode("utf-8"))
            else:
                raise Unreadable(row.number, f"t={kind.decode('utf-8', 'replace')}")
            cells = row.cells
            if cells is None:
                cells = row.cells = [""] * row.width
            if not 0 <= index < len(cells):
                if index < 0:
                    raise Unreadable(row.number, letters.decode())
                cells.extend([""] * (index + 1 - len(cells)))
            cells[index] = cell
            if later:
                escaped_places.append((cells, index, bool(preserve)))
        if escaped:
            for (target, index, keep), decoded in zip(escaped_places, unescape_many(escaped), strict=True):
                text_value = decoded if keep else decoded.strip(" \t\r\n")
                target[index] = unescape_excel(text_value) if "_x00" in text_value else text_value
        done, row.out = row.out, []
        return done

    def _odd_cell(self, inner: bytes, kind: bytes) -> Cell:
        """A cell whose content the quick pattern does not cover (CDATA, rich text, entities in
        a formula's text, extra elements): parsed as XML, read as calamine reads it."""
        p = self._patterns.p
        declare = b' xmlns:%s="%s"' % (p[:-1], MAIN_NS.encode()) if p else b""
        try:
            cell = ElementTree.fromstring(b'<c xmlns="%s"%s>%s</c>' % (MAIN_NS.encode(), declare, inner))
        except ElementTree.ParseError as exc:
            raise Unreadable(0, str(exc)) from exc
        found: Cell = ""
        for child in cell:
            if child.tag == f"{{{MAIN_NS}}}is":
                found = rich_text(child)
            elif child.tag == f"{{{MAIN_NS}}}v" and kind not in (b"inlineStr", b"is"):
                text = child.text or ""
                if kind == b"str":
                    found = text
                elif text:
                    try:
                        found = float(text)
                    except ValueError:
                        found = text
        return found


def _other_order(other: bytes, style: bytes, kind: bytes) -> tuple[bytes, bytes]:
    """The style and type of a cell whose attributes come in another order (rare)."""
    if not style and (found := _OTHER_STYLE.search(other)):
        style = found.group(1)
    if not kind and (found := _OTHER_TYPE.search(other)):
        kind = found.group(1)
    return style, kind
