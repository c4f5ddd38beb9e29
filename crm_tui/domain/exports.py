"""Every workbook and CSV the project writes, written one way: each cell (headers, file and sheet
names included) as text that a spreadsheet shows and never runs.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a carriage return, or the
full-width forms some keyboards type) is a formula to Excel and LibreOffice: ``=HYPERLINK(...)``
in a client's name, in a column header or in the name of an imported file would become a live
link, or worse, in the errors file a manager opens. A workbook stores every text as a text cell
(an inline string: the spreadsheet shows ``=HYPERLINK(...)`` as typed and never runs it); a CSV,
which has no cell types, writes such text with a leading apostrophe, the spreadsheets' own mark
for "this is text" (OWASP's advice for CSV injection). Control characters are dropped as
everywhere text leaves the system (``crm_tui.domain.values.cells.drop_controls``; a workbook cannot
hold them). Numbers, dates and empty cells are written as they are; a workbook's column may
carry a number format (``MONEY_FORMAT``, ``SHARE_FORMAT``), so a sum reads as roubles and a
share as a percentage while staying a number to add up.

The errors file of an import (``crm_tui.importers.files.error_file``) is written here; so is
any report, call list or list of non-responders: a writer of its own would be a hole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from crm_tui.domain.values.cells import Cell, cell_text, drop_controls
from crm_tui.storage.private_files import open_private, private_folder

FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
"""What makes a spreadsheet read a cell as a formula (or, for tab and CR, hide one after)."""

MONEY_FORMAT = '#,##0.00\\ "₽"'
"""Roubles with kopecks, thousands grouped (Excel in a Russian locale shows "4 316 900,41 ₽")."""
SHARE_FORMAT = "0.0%"
"""A share of 0..1 as a percentage with one decimal ("33,3%")."""
DATE_FORMAT = "DD.MM.YYYY"
DURATION_FORMAT = "[h]:mm:ss"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
MONTH_FORMAT = "MM.YYYY"

CSV_DELIMITER = ";"
"""Excel in a Russian locale splits a CSV at semicolons (the comma is the decimal mark)."""


_NUMBERS = (int, float, Decimal)
"""What a file holds as a number (a Decimal too: a sum read exactly is still a number)."""
_MOMENTS = (datetime, date, time, timedelta)
"""What a file holds as a date, a time or a duration."""


def export_cell(value: object) -> Cell | Decimal:
    """``value`` as one cell of a file we write: text that cannot run, or a number or a date.

    A value is taken by what it is (``isinstance``), so a subclass (freezegun's or pendulum's
    datetime, a library's Decimal) is a moment or a number like its base class. Text is checked
    after its leading spaces too (" =1+2" is a formula to LibreOffice)."""
    if value is None or isinstance(value, (bool, *_NUMBERS, *_MOMENTS)):
        return value
    text = _text(value)
    if text[:1] in FORMULA_STARTS or text.lstrip(" \u00a0")[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def _text(value: object) -> str:
    return drop_controls(value if isinstance(value, str) else cell_text(value), multiline=True)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name, the header and the rows, and each column's number
    format (``MONEY_FORMAT``...; None or no entry: the general one)."""

    title: str
    header: Sequence[object]
    rows: Iterable[Sequence[object]]
    formats: Sequence[str | None] = ()


def write_workbook(
    target: Path | IO[bytes],
    title: str,
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    formats: Sequence[str | None] = (),
) -> None:
    """An .xlsx with one sheet named ``title``: ``header``, then ``rows``; text as text cells
    (never a formula), numbers and dates as they are, in the number format ``formats`` gives
    their column (``MONEY_FORMAT``...; None or no entry: the general one); into the file
    ``target`` names (0600, its folder made 0700 if need be:
    ``crm_tui.storage.private_files``) or into a binary file already open (one created with
    the permissions the caller wants)."""
    write_sheets(target, [Sheet(title, header, rows, formats)])


def write_sheets(target: Path | IO[bytes], sheets: Sequence[Sheet]) -> None:
    """An .xlsx of several sheets (a report with parts of different columns: the funnel's
    stages, lost reasons and forecast), each written as ``write_workbook`` writes its one.

    XlsxWriter in its constant-memory mode writes each row as it comes: a report of 100,000 rows
    took openpyxl's write-only workbook 16.6 s of CPU (its cell objects), over the 10 s budget."""
    if isinstance(target, Path):
        private_folder(target.parent)
        with open_private(target, "wb") as out:
            write_sheets(out, sheets)
        return
    import xlsxwriter  # a heavy import, for the commands that write a workbook

    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    styles: dict[str, Any] = {}

    def style(number_format: str | None) -> Any:
        if number_format is None:
            return None
        if number_format not in styles:
            styles[number_format] = book.add_format({"num_format": number_format})
        return styles[number_format]

    titles: set[str] = set()
    for part in sheets:
        sheet = book.add_worksheet(_unique(_sheet_title(part.title), titles))
        formats = part.formats
        for column, value in enumerate(part.header):
            _write(sheet, 0, column, value, None, style)
        for number, row in enumerate(part.rows, start=1):
            for column, value in enumerate(row):
                fmt = formats[column] if column < len(formats) else None
                _write(sheet, number, column, value, fmt, style)
    book.close()


_DEFAULT_FORMATS: dict[type, str] = {
    datetime: DATETIME_FORMAT,
    date: DATE_FORMAT,
    time: "HH:MM",
    timedelta: DURATION_FORMAT,
}
"""A moment or a duration without a column format still reads as one (not as Excel's number)."""


def default_format(value: date | time | timedelta) -> str:
    """The number format of a moment or a duration in a column without one: the format of the
    nearest class in the value's MRO, so a datetime subclass (freezegun's FakeDatetime,
    pendulum's DateTime) reads as a datetime, not as a KeyError (and a datetime, itself a date,
    keeps its hours)."""
    for kind in type(value).__mro__:
        found = _DEFAULT_FORMATS.get(kind)
        if found is not None:
            return found
    raise TypeError(f"not a moment or a duration: {type(value).__name__}")


def _write(sheet: Any, row: int, column: int, value: object, number_format: str | None, style: Any) -> None:
    """One cell: text as a text cell (shown as typed even when it starts with "=", never run),
    a number or a date in its format."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, _NUMBERS):
        sheet.write_number(row, column, float(value), style(number_format))
    elif isinstance(value, _MOMENTS):
        if isinstance(value, datetime | time) and value.tzinfo is not None:
            raise TypeError("a workbook's moments are local: the caller converts them")
        sheet.write_datetime(row, column, value, style(number_format or default_format(value)))
    else:
        sheet.write_string(row, column, _text(value))


def _unique(title: str, taken: set[str]) -> str:
    """A sheet's name not used yet in the workbook (a spreadsheet refuses two of one name)."""
    name, n = title, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = title[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _sheet_title(title: object) -> str:
    """A sheet's name as a spreadsheet takes it: at most 31 characters, none of ``[]:*?/\\``."""
    text = _text(title)
    return "".join("-" if ch in "[]:*?/\\" else ch for ch in text)[:31] or "Sheet"


def write_csv(
    target: Path | IO[str],
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    formats: Sequence[str | None] = (),
) -> None:
    """A CSV that Excel in a Russian locale opens as it is: UTF-8 with a BOM, semicolons,
    ``header`` then ``rows``, every text cell through ``export_cell``; numbers, dates and
    durations as that Excel reads them back as numbers and dates (``csv_number``), each column
    in the format ``formats`` gives it (as ``write_workbook``'s: money with two decimals);
    rows written one at a time (constant memory); into the file ``target`` names (0600) or into
    a text file already open (with ``newline=""``, as the csv module wants)."""
    write_csv_sheets(target, [Sheet("", header, rows, formats)])


def write_csv_sheets(target: Path | IO[str], sheets: Sequence[Sheet]) -> None:
    """``write_csv`` of a report of several parts (the dashboard's figures, its managers, its
    days): a CSV has one sheet, so each part follows the one before it after an empty row,
    under a row of its title; a report of one part is that part alone, no title."""
    if isinstance(target, Path):
        private_folder(target.parent)
        with open_private(target, "w", encoding="utf-8-sig", newline="") as out:
            write_csv_sheets(out, sheets)
        return
    writer = csv.writer(target, delimiter=CSV_DELIMITER)
    for n, part in enumerate(sheets):
        if len(sheets) > 1:
            if n:
                writer.writerow([])
            writer.writerow([_csv_text(part.title)])
        writer.writerow([_csv_text(cell) for cell in part.header])
        formats = part.formats
        for row in part.rows:
            writer.writerow(
                [_csv_text(value, formats[k] if k < len(formats) else None) for k, value in enumerate(row)]
            )


def _csv_text(value: object, number_format: str | None = None) -> str:
    safe = export_cell(value)
    if safe is None:
        return ""
    if isinstance(safe, bool | str):
        return cell_text(safe)
    return csv_number(safe, number_format)


def csv_number(
    value: int | float | Decimal | date | datetime | time | timedelta, number_format: str | None = None
) -> str:
    """A number, a date or a duration as Excel in a Russian locale reads it from a CSV: a decimal
    comma and no grouping ("4316900,41": a dot or a space would make it text), money with its two
    decimals, a share as the fraction it is ("0,3333", as ``--json`` has it), a day as
    "05.12.2026", a moment as "05.12.2026 14:30:00", a duration as "1:02:03"."""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if number_format == MONEY_FORMAT:
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return cell_text(value).replace(".", ",")
