"""What an .xlsx cell's stored value means, as calamine (and so the rest of the import) reads it.

A number is a date when its cell's number format says so: one of Excel's built-in date formats
by id, or a format code with day, month, year, hour or second letters outside quotes, brackets
and escapes (``[h]:mm`` is a duration). The serial number counts days from 1899-12-30 (from
1904-01-01 in the 1904 system), with Excel's phantom 1900-02-29 below 60; what python-calamine
makes of it: a time below 1, a date when whole, else a datetime; a number when out of range.
Written after calamine's ``formats.rs`` and ``datatype.rs`` (MIT), checked against it by
``tests/importers/test_xlsx_stream.py``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from crm_tui.domain.values.cells import Cell

OTHER, DATE, DURATION = 0, 1, 2
_BUILTIN = {"14", "15", "16", "17", "18", "19", "20", "21", "22", "45", "47"}
_EPOCH = datetime(1899, 12, 30)
_DAY_MS = 86_400_000
_1904_DAYS = 1462.0
_EXCEL_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2})_")


def format_kind(format_id: str | None, custom: dict[str | None, str]) -> int:
    """``DATE``, ``DURATION`` or ``OTHER`` for a cell style's ``numFmtId``."""
    if format_id is None:
        return OTHER
    if format_id in custom:
        return custom_format_kind(custom[format_id])
    if format_id in _BUILTIN:
        return DATE
    return DURATION if format_id == "46" else OTHER


def _same_letter(a: str, b: str) -> bool:
    return a == b or (a.isascii() and b.isascii() and a.lower() == b.lower())


def custom_format_kind(code: str) -> int:
    """Whether a format code shows a date, a duration or something else (its first section)."""
    escaped = quoted = ap = hms = False
    brackets = 0
    prev = " "
    for ch in code:
        if escaped:
            escaped = False
        elif ch in "_\\*":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == ";":
            return OTHER
        elif ch == "[":
            brackets += 1
        elif ch == "]" and brackets == 1 and hms:
            return DURATION
        elif ch == "]":
            brackets = max(brackets - 1, 0)
        elif ch in "aA" and not ap and brackets == 0:
            ap = True
        elif (ap and brackets == 0 and ch in "pm/PM") or (not ap and brackets == 0 and ch in "dmhysDMHYS"):
            return DATE
        elif not (hms and _same_letter(ch, prev)):
            hms = prev == "[" and ch in "mhsMHS"
        prev = ch
    return OTHER


def _round(value: float) -> int:
    """Half away from zero, as Rust's ``f64::round``."""
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


def excel_date(value: float, kind: int, is_1904: bool) -> Cell:
    """The cell a number stored under a date or duration format becomes."""
    if not math.isfinite(value):
        return value
    try:
        if kind == DURATION:
            return timedelta(milliseconds=_round(value * _DAY_MS))
        serial = value + _1904_DAYS if is_1904 else value
        if serial < 60.0:
            serial += 1.0
        ms = _round(serial * _DAY_MS)
        if value < 1.0:
            of_day = ms % _DAY_MS
            return time(of_day // 3_600_000, of_day // 60_000 % 60, of_day // 1000 % 60, of_day % 1000 * 1000)
        moment = _EPOCH + timedelta(milliseconds=ms)
    except (OverflowError, ValueError):
        return value
    return moment.date() if value == math.floor(value) else moment


def iso_value(text: str) -> Cell:
    """A ``t="d"`` cell (an ISO 8601 text): a datetime, a time or a date; the text if none."""
    try:
        if "T" in text:
            return datetime.fromisoformat(text).replace(tzinfo=None)
        if ":" in text:
            return time.fromisoformat(text)
        return date.fromisoformat(text)
    except ValueError:
        return text


def unescape_excel(text: str) -> str:
    """Excel's ``_x000D_``-style escapes of characters XML cannot carry, undone."""
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
