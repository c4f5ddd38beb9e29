"""How far an .xlsx sheet reaches, read from its XML before calamine loads it.

calamine holds a sheet as one dense grid from its first filled cell to its last: a sheet with a
value in A1 and another in ZZ200000 is 140 million cells, 4.5 GB, whatever the file's size (a
few kilobytes), and the process dies of it. The sheet's ``<dimension>`` may claim anything; the
cells' own references are what count. They are read here, streaming, from the sheet's part in
the zip: the furthest column of a cell that holds something (an empty styled cell,
``<c r="XFD5" s="1"/>``, holds nothing and is not counted) and, for a sheet wider than Z, the
last row any row or cell names.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from posixpath import join, normpath

_CHUNK = 1 << 20
_TAIL = 256
"""Bytes of one chunk kept before the next, so a tag cut in two is found whole."""
# A row's number and a cell's reference: the row numbers of both (a cell may name any row).
_ROW_NUMBER = re.compile(rb' r="[A-Z]{0,3}(\d{1,9})"')
# Cells in columns of two or three letters only (one letter is at most column 26): found by their
# literal start, so a sheet of narrow rows costs one quick scan.
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})(\d{1,9})"[^>]*?(/?)>')
# A formula cell saved without its value (no ``<v>``, or an empty one), of a type that is not
# text (Excel saves a formula's empty text as ``t="str"`` with ``<v></v>``): calamine reads it
# as an empty cell, which an import must not take for one.
_UNREAD_FORMULA = re.compile(
    rb'<(?:\w+:)?c r="([A-Z]{1,3})(\d{1,9})"(?![^>]*?\bt="(?:str|s|inlineStr)")[^>]*?>\s*'
    rb"<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*"
    rb"</(?:\w+:)?c>"
)
_SHEET = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]+)"')
_REL = re.compile(rb"<Relationship\b[^>]*>")


@dataclass(frozen=True)
class Extent:
    """The last row and the furthest filled column (1-based), and the row that column is in."""

    rows: int
    columns: int
    widest_row: int
    unread_formulas: frozenset[tuple[int, int]] = frozenset()
    """(row, 1-based column) of the formula cells saved without a value (``_UNREAD_FORMULA``)."""


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_part(archive: zipfile.ZipFile, index: int) -> str | None:
    """The zip part of the ``index``-th sheet in workbook order, or ``None`` if not found."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    ids = _SHEET.findall(workbook)
    if index >= len(ids):
        return None
    wanted = ids[index]
    for tag in _REL.findall(rels):
        found_id = re.search(rb'\bId="([^"]+)"', tag)
        target = re.search(rb'\bTarget="([^"]+)"', tag)
        if found_id and target and found_id.group(1) == wanted:
            name = target.group(1).decode("utf-8", "replace")
            return name.lstrip("/") if name.startswith("/") else normpath(join("xl", name))
    return None


def xlsx_extent(path: Path, index: int) -> Extent | None:
    """How far the ``index``-th sheet of the .xlsx at ``path`` reaches; ``None`` when the sheet
    cannot be found this way (calamine then says what is wrong).

    A sheet no wider than Z spans at most 27 million cells (26 columns of 1,048,576 rows), under
    the cap: its rows are not counted (``rows`` is 0), which keeps the usual file to one quick
    pass. Only a sheet with cells past Z has its rows read, in a second pass."""
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, index)
        if part is None or part not in archive.namelist():
            return None
        columns = widest_row = rows = 0
        formulas: set[tuple[int, int]] = set()
        for data in _chunks(archive, part):
            for letters, row, closed in _WIDE_CELL.findall(data):
                column = column_number(letters)
                if column > columns and not closed:
                    columns, widest_row = column, int(row)
            # the same pass finds the formulas when there are any; ">" in text is written &gt;, so "f>"
            # is a formula's tag's end (else the scan just runs; lone self-closing shared ones are missed)
            if b"f>" in data:
                formulas.update(
                    (int(row), column_number(letters)) for letters, row in _UNREAD_FORMULA.findall(data)
                )
        if columns:
            for data in _chunks(archive, part):
                numbers = _ROW_NUMBER.findall(data)
                if numbers:
                    rows = max(rows, *map(int, numbers))
    return Extent(rows, columns, widest_row, frozenset(formulas))


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part, unpacked a chunk at a time, each with the end of the one before."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            yield data
            tail = data[-_TAIL:]
