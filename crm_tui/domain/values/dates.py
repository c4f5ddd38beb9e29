"""Dates in managers' files: Excel day numbers, date cells, and every way of typing one.

Day first, as Russians write it: "05.12.2026", "05.12.26", "5 декабря 2026" (month names in the
genitive, as in speech), ISO "2026-12-05" from web exports, English month names through
dateutil. A string is only taken as a date when every part of it was given: dateutil would
happily fill a missing year from today, which turns "12" into a date.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from dateutil import parser as date_parser  # type: ignore[import-untyped]  # no stubs shipped

from crm_tui.domain.values.cells import Normalised, cell_text, collapse_spaces, is_blank, shorten
from crm_tui.i18n import N_, Message

_LATIN = re.compile(r"[A-Za-z]")
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_TIME_TAIL = r"(?:[ T,]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
_DMY = re.compile(rf"([0-9]{{1,2}})[./-]([0-9]{{1,2}})[./-]([0-9]{{4}}|[0-9]{{2}}){_TIME_TAIL}\s*(?:г\.?)?")
_YMD = re.compile(rf"([0-9]{{4}})[./-]([0-9]{{1,2}})[./-]([0-9]{{1,2}}){_TIME_TAIL}")
_DAY_MONTH_YEAR = re.compile(
    r"([0-9]{1,2})\s+([а-яё]+)\.?,?\s+([0-9]{4}|[0-9]{2})\s*(?:г(?:ода?)?\.?)?", re.IGNORECASE
)
_RU_MONTHS = {
    word: number
    for number, words in enumerate(
        (
            "январь января янв",
            "февраль февраля фев февр",
            "март марта мар",
            "апрель апреля апр",
            "май мая",
            "июнь июня июн",
            "июль июля июл",
            "август августа авг",
            "сентябрь сентября сен сент",
            "октябрь октября окт",
            "ноябрь ноября ноя нояб",
            "декабрь декабря дек",
        ),
        start=1,
    )
    for word in words.split()
}
_PROBE_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _excel_serial(serial: float) -> date | None:
    if not (math.isfinite(serial) and 1 <= serial <= _EXCEL_MAX_SERIAL):
        return None
    return _EXCEL_EPOCH + timedelta(days=int(serial))


_MONTH_FIRST = ("date.month_first", N_("'{text}' read as month/day/year"))
_EXCEL_DAY = ("date.excel_day", N_("'{text}' read as an Excel day number"))


def _parse_date_text(text: str) -> tuple[date | None, tuple[str, str] | None]:
    """``(date, None)``, ``(date, note)`` when it was read with a guess (the note's code and
    msgid), or ``(None, None)``."""
    if match := _DMY.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), _year(match[3])
        try:
            return date(year, month, day), None
        except ValueError:
            try:  # 12/25/2026: written month first
                return date(year, day, month), _MONTH_FIRST
            except ValueError:
                return None, None
    if match := _YMD.fullmatch(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3])), None
        except ValueError:
            return None, None
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        month_number = _RU_MONTHS.get(match[2].lower().replace("ё", "е"))
        if month_number is None:
            return None, None
        try:
            return date(_year(match[3]), month_number, int(match[1])), None
        except ValueError:
            return None, None
    if text.isascii() and text.isdigit():
        if len(text) == 8:
            return _parse_date_text(f"{text[:4]}-{text[4:6]}-{text[6:]}")
        return (_excel_serial(int(text)), _EXCEL_DAY) if len(text) == 5 else (None, None)
    if not _LATIN.search(text):
        return None, None
    try:  # English month names ("5 Dec 2026", "December 5, 2026"): every part must be given
        first, second = (date_parser.parse(text, dayfirst=True, default=d) for d in _PROBE_DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None, None
    return (first.date(), None) if first == second else (None, None)


def normalise_date(value: object) -> Normalised[date | None]:
    """A date from a date cell, an Excel day number, "05.12.2026", "05.12.26", ISO or
    "5 декабря 2026" (day first). Blank -> ``None``; a time of day is dropped."""
    raw = cell_text(value)
    if is_blank(value):
        return Normalised(None, raw)
    if isinstance(value, datetime):
        return Normalised(value.date(), raw)
    if isinstance(value, date):
        return Normalised(value, raw)
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _excel_serial(value)
        if day is None:
            return _not_a_date(raw)
        return Normalised(day, raw)
    if not isinstance(value, str) or len(value) > 64:
        return _not_a_date(raw)
    day, note = _parse_date_text(collapse_spaces(value))
    if day is None:
        return _not_a_date(raw)
    return Normalised(day, raw, (Message(*note, text=shorten(raw)),) if note else ())


def _not_a_date(raw: str) -> Normalised[date | None]:
    return Normalised(None, raw, (Message("date.invalid", N_("'{text}' is not a date"), text=shorten(raw)),))
