"""CSV and text exports: which encoding, which separator, then rows one at a time.

Russian Excel saves "CSV" in cp1251 with ``;`` (the comma is the decimal mark); Google Sheets
and web CRMs save UTF-8, with or without a BOM, with ``,``; "Unicode text" from Excel is UTF-16
with tabs. Nothing in a CSV says which, so UTF-8 is tried strictly over the whole file (cheap,
and cp1251 text is almost never valid UTF-8); otherwise the one-byte Cyrillic encodings Russian
files come in (cp1251 from Windows, KOI8-R from old Unix and mail systems, cp866 from DOS and
1C exports) are each tried on the file's head, and the one whose text reads most like Russian
wins: its letters are the common ones of Russian and it has no characters Russian text has not
(a KOI8-R «ООО Жёлудь» read as cp1251 is «ппп цЈМХДШ»: rare letters, and «Ј»). Letters are
compared lower-cased, so a text in capitals or in mixed case reads as well. The separator is the one
that splits the first lines into the same number of fields most consistently.

Rows are read one record at a time and the memory one takes is bounded by its shape, not only by
the file's size: a record longer than ``max_record_chars``, or with more than ``max_columns``
fields, is refused before the csv module splits it (a 40 MB line of 20 million empty fields
made a list of 20 million strings, 2 GB), and so is a file past ``max_cells`` cells.
"""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from crm_tui.domain.values.cells import Cell

DELIMITERS = (";", ",", "\t", "|")
ONE_BYTE_CYRILLIC = ("cp1251", "koi8_r", "cp866")
"""Tried in this order; the first wins a tie (Windows' is the commonest)."""
_LETTER_SHARE = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81, 2.62,
         2.01, 1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32,
         0.26, 0.04, 0.04),
        strict=True,
    )
)  # fmt: skip
"""How often each Russian letter comes in Russian text, per cent: a wrong decoding swaps the
common letters for rare ones (KOI8-R's «о» read as cp1251 is «П»), whatever the case."""
_FINE = frozenset("«»—–№…“”„’‘ ")
_SAMPLE_CHARS = 64 * 1024
_CHUNK = 1024 * 1024


def detect_encoding(path: Path) -> str:
    """``utf-16``, ``utf-8-sig``, ``utf-8`` or ``cp1251`` for a text file."""
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            f.seek(0)
            return _likeliest_cyrillic(f.read(_SAMPLE_CHARS * 4))
    return encoding


def _likeliest_cyrillic(head: bytes) -> str:
    """Of ``ONE_BYTE_CYRILLIC``, the encoding in which ``head`` reads most like Russian text."""
    best, best_score = ONE_BYTE_CYRILLIC[0], float("-inf")
    for encoding in ONE_BYTE_CYRILLIC:
        score = russian_score(head.decode(encoding, errors="replace"))
        if score > best_score:
            best, best_score = encoding, score
    return best


def russian_score(text: str) -> float:
    """How much ``text`` reads like Russian: the mean share (in Russian text) of its letters,
    compared lower-cased so capitals and mixed case read as well, less a penalty for each
    non-ASCII character that is neither a Russian letter nor Russian punctuation."""
    total, letters, foreign = 0.0, 0, 0
    for ch in text.lower():
        if ord(ch) < 128 or ch in _FINE:
            continue
        share = _LETTER_SHARE.get(ch)
        if share is None:
            foreign += 1
        else:
            total += share
            letters += 1
    return (total - 10.0 * foreign) / ((letters + foreign) or 1)


def sniff_delimiter(sample: str) -> str:
    """The separator that gives most lines the same number (> 1) of fields."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(sample) >= _SAMPLE_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be cut too
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        counts = Counter(w for w in widths if w > 1)
        if not counts:
            continue
        width, rows = counts.most_common(1)[0]
        if (rows, width) > best_score:
            best, best_score = delimiter, (rows, width)
    return best


class TooBig(Exception):
    """A record or a file over a cap: ``what`` is ``record_chars``, ``columns`` or ``cells``,
    ``row`` the record it was found in, ``found`` how many (at least) and ``limit`` the cap."""

    def __init__(self, what: str, row: int, found: int, limit: int) -> None:
        super().__init__(what, row, found, limit)
        self.what, self.row, self.found, self.limit = what, row, found, limit


class _Lines:
    """The file's lines as the csv module pulls them, one record's worth at a time, with the
    record's size and its fields counted before it is split (``start`` begins a record).

    Fields are at most the separators outside quotes plus one; while the separators of the
    whole record are few, nothing more is looked at (two ``str.count`` a line)."""

    def __init__(self, handle: IO[str], delimiter: str, max_chars: int, max_columns: int) -> None:
        self.handle, self.delimiter = handle, delimiter
        self.max_chars, self.max_columns = max_chars, max_columns
        self.row = 0
        self.start()

    def start(self) -> None:
        self.chars = 0
        self.separators = 0
        self.lines: list[str] = []
        self.row += 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.handle.readline(self.max_chars - self.chars + 1)
        if not line:
            raise StopIteration
        self.chars += len(line)
        if self.chars > self.max_chars:
            raise TooBig("record_chars", self.row, self.chars, self.max_chars)
        self.separators += line.count(self.delimiter)
        self.lines.append(line)
        if self.separators >= self.max_columns:
            fields = _fields_at_most("".join(self.lines), self.delimiter)
            if fields > self.max_columns:
                raise TooBig("columns", self.row, fields, self.max_columns)
        return line


def _fields_at_most(record: str, delimiter: str) -> int:
    """Fields in ``record`` by its separators outside double quotes (``""`` inside a quoted
    field toggles twice): what the csv module would make of it, or more."""
    parts = record.split('"')
    return 1 + sum(part.count(delimiter) for part in parts[::2])


def csv_rows(
    path: Path,
    encoding: str,
    delimiter: str,
    *,
    max_record_chars: int = 16 * _CHUNK,
    max_columns: int = 1000,
    max_cells: int = 30_000_000,
) -> Iterator[tuple[int, list[Cell]]]:
    """``(record number, fields)`` for every record; the number is the row a spreadsheet shows.

    Raises ``csv.Error`` (with the record number added) for a malformed file and ``TooBig`` for
    a record or a file over a cap.
    """
    errors = "strict" if encoding.startswith("utf") else "replace"  # cp1251 leaves 0x98 undefined
    with path.open(encoding=encoding, errors=errors, newline="") as f:
        lines = _Lines(f, delimiter, max_record_chars, max_columns)
        reader = csv.reader(lines, delimiter=delimiter)
        cells = 0
        try:
            for row in reader:
                number = lines.row
                if len(row) > max_columns:  # quotes that fooled the count above
                    raise TooBig("columns", number, len(row), max_columns)
                cells += len(row)
                if cells > max_cells:
                    raise TooBig("cells", number, cells, max_cells)
                lines.start()
                fields: list[Cell] = list(row)
                yield number, fields
        except csv.Error as exc:
            raise csv.Error(f"record {lines.row}: {exc}") from exc


def read_sample(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        return f.read(_SAMPLE_CHARS)
