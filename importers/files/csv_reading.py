"""CSV and text exports: which encoding, which separator, then rows one at a time.

Russian Excel saves "CSV" in cp1251 with ``;`` (the comma is the decimal mark); Google Sheets
and web CRMs save UTF-8, with or without a BOM, with ``,``; "Unicode text" from Excel is UTF-16
with tabs. Nothing in a CSV says which, so UTF-8 is tried strictly over the whole file (cheap,
and cp1251 text is almost never valid UTF-8) and cp1251 is the fallback; the separator is the
one that splits the first lines into the same number of fields most consistently.
"""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from crm_tui.domain.values.cells import Cell

DELIMITERS = (";", ",", "\t", "|")
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
            return "cp1251"
    return encoding


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


def csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    """``(record number, fields)`` for every record; the number is the row a spreadsheet shows.

    Raises ``csv.Error`` (with the record number added) for a malformed file.
    """
    errors = "strict" if encoding.startswith("utf") else "replace"  # cp1251 leaves 0x98 undefined
    with path.open(encoding=encoding, errors=errors, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        number = 0
        try:
            for number, row in enumerate(reader, start=1):
                yield number, list(row)
        except csv.Error as exc:
            raise csv.Error(f"record {number + 1}: {exc}") from exc


def read_sample(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        return f.read(_SAMPLE_CHARS)
