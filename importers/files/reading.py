"""Opening a manager's file: guard rails first (``file_kind``), then rows as plain lists of
cell values.

Spreadsheets are hostile input: a file is checked by its first bytes before any parser runs,
and a sheet by how far it reaches before any reader holds it. Excel formats are read by
calamine (Rust, fast, reads .xlsx/.xlsm/.xlsb/.xls/.ods and never evaluates formulas: a formula
cell gives its cached value, a text "=HYPERLINK(...)" stays text), a big .xlsx sheet as a
stream (``xlsx_sheet``); CSV and text exports by ``crm_tui.importers.files.csv_reading``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import cast

import python_calamine

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.cells import Cell, UnreadFormula, storable_text
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import N_, Quoted
from crm_tui.importers.files.csv_reading import (
    TooBig,
    csv_rows,
    detect_encoding,
    read_sample,
    sniff_delimiter,
)
from crm_tui.importers.files.file_kind import (
    DEFAULT_LIMITS,
    MB,
    FileKind,
    Limits,
    detect_kind,
    display_name,
    encrypted,
)
from crm_tui.importers.files.handover import Background, handed_over
from crm_tui.importers.files.sheet_extent import Extent, xlsx_extent
from crm_tui.importers.files.xlsx_sheet import SheetReader
from crm_tui.importers.files.xlsx_stream import Unreadable, XlsxPackage

NARROW_COLUMNS = 26
"""Columns a sheet is taken to span when none of its filled cells is past Z (not counted)."""


@dataclass(frozen=True)
class SheetRows:
    """The rows of one sheet: ``(row number as the spreadsheet shows it, cell values)``.

    ``first_column`` is the 0-based sheet column the first value of each row sits in (calamine
    drops empty leading columns). Iterate ``rows`` once; for CSV it holds the file open until
    exhausted or closed.
    """

    file: str
    sheet: str
    kind: FileKind
    first_column: int
    rows: Iterator[tuple[int, list[Cell]]]


def _unreadable(name: str, exc: BaseException) -> ImportFileError:
    if isinstance(exc, python_calamine.PasswordError):
        return encrypted(name)
    return ImportFileError(
        name, "unreadable", N_("{file}: cannot be read as a spreadsheet: {reason}"), reason=str(exc)
    )


def _open_workbook(path: Path, kind: FileKind, name: str) -> python_calamine.CalamineWorkbook:
    suffixes = {FileKind.XLSX: {".xlsx", ".xlsm"}, FileKind.XLSB: {".xlsb"}, FileKind.XLS: {".xls"}}
    try:
        if path.suffix in suffixes.get(kind, {".ods"}):
            return python_calamine.CalamineWorkbook.from_path(path)
        with path.open("rb") as f:  # a name that lies about the format: let calamine sniff bytes
            return python_calamine.CalamineWorkbook.from_filelike(f)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine signals broken files by errors and by Rust panics
        raise _unreadable(name, exc) from exc


def list_sheets(path: str | PathLike[str], limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Sheet names in workbook order (a CSV has one sheet named after the file)."""
    path = Path(path)
    kind = detect_kind(path, limits)
    if kind is FileKind.CSV:
        return [path.stem]
    workbook = _open_workbook(path, kind, display_name(path))
    try:
        return list(workbook.sheet_names)
    finally:
        workbook.close()


def _choose_sheet(name: str, sheets: list[str], wanted: str | int | None, default: int) -> int:
    if wanted is None:
        return default
    if isinstance(wanted, int):
        if 0 <= wanted < len(sheets):
            return wanted
    else:
        if wanted in sheets:
            return sheets.index(wanted)
        folded = [s.strip().casefold() for s in sheets]
        if wanted.strip().casefold() in folded:
            return folded.index(wanted.strip().casefold())
    listed = Quoted(list(sheets))
    raise ImportFileError(
        name,
        "unknown_sheet",
        N_("{file}: no sheet {sheet!r}; the sheets are {sheets}"),
        sheet=wanted,
        sheets=listed,
    )


def _calamine_rows(
    sheet: python_calamine.CalamineSheet, formulas: frozenset[tuple[int, int]] = frozenset()
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows calamine read; the cells of ``formulas`` (row, 1-based column: formulas saved
    without a value, which calamine reads as empty) are ``UnreadFormula``."""
    start = sheet.start
    if start is None:  # an empty sheet; iter_rows() would panic
        return
    # iter_rows() yields blank rows for the empty area above the data, so its count is the row.
    rows = islice(enumerate(sheet.iter_rows(), start=1), start[0], None)
    if not formulas:
        for number, row in rows:
            yield number, cast(list[Cell], row)  # calamine's cell types are a subset of Cell
        return
    places: dict[int, list[int]] = {}
    for row_number, column in formulas:
        places.setdefault(row_number, []).append(column - 1 - start[1])
    for number, row in rows:
        cells = cast(list[Cell], row)
        for index in places.get(number, ()):
            if 0 <= index < len(cells) and cells[index] == "":
                cells[index] = UnreadFormula()
        yield number, cells


def read_sheet(
    path: str | PathLike[str],
    sheet: str | int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    soon: bool = False,
) -> SheetRows:
    """Rows of one sheet (by name, by 0-based index, or the first visible one).

    ``soon``: the first rows of an .xlsx sheet come as soon as they are read, not after the
    whole sheet (``handover``); for a reader that will go through every row: calamine reads the
    whole sheet in a thread meanwhile."""
    path = Path(path)
    name = display_name(path)
    kind = detect_kind(path, limits)
    if kind is FileKind.CSV:
        _choose_sheet(name, [path.stem], sheet, 0)
        encoding = detect_encoding(path)
        delimiter = sniff_delimiter(read_sample(path, encoding))
        rows = csv_rows(
            path,
            encoding,
            delimiter,
            max_record_chars=limits.max_record_chars,
            max_columns=limits.max_columns,
            max_cells=limits.max_cells,
        )
        return SheetRows(name, storable_text(path.stem).value, kind, 0, _guarded_csv(name, rows))
    if kind is FileKind.XLSX:
        streamed = _streamed(path, name, sheet, limits, soon=soon)
        if streamed is not None:
            return streamed
    return _calamine_sheet(path, kind, name, sheet, limits)


def _calamine_sheet(
    path: Path,
    kind: FileKind,
    name: str,
    sheet: str | int | None,
    limits: Limits,
    *,
    with_formulas: bool = True,
) -> SheetRows:
    """The sheet as calamine reads it: the whole of it, before the first row. ``with_formulas=False``:
    the sheet holds none, so its XML is not read again for the formulas calamine reads as empty
    (the caps were checked on the stream's pass)."""
    workbook = _open_workbook(path, kind, name)
    try:
        names = list(workbook.sheet_names)
        visible = [
            i
            for i, meta in enumerate(workbook.sheets_metadata)
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        index = _choose_sheet(name, names, sheet, visible[0] if visible else 0)
        formulas: frozenset[tuple[int, int]] = frozenset()
        if kind is FileKind.XLSX and with_formulas:
            extent = xlsx_extent(path, index)
            _check_extent(name, extent, limits)
            formulas = extent.unread_formulas if extent is not None else formulas
        data = workbook.get_sheet_by_index(index)
        _check_extent(name, Extent(data.height, data.width, data.height), limits)
    except ImportFileError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise _unreadable(name, exc) from exc
    finally:
        workbook.close()
    first_column = data.start[1] if data.start else 0
    return SheetRows(name, names[index], kind, first_column, _calamine_rows(data, formulas))


STREAM_AHEAD_ROWS = 20_000
"""Rows of a sheet read ``soon`` that the stream gives at most while calamine reads: about as
many as the importing process loads in the time calamine takes (a 5,000-row chunk in ~0.3 s,
calamine ~1 s per 100,000 rows); past them the stream waits for calamine rather than spend
twice its CPU a row on a busy machine, where calamine's thread finishes later."""
STREAM_FROM_BYTES = 128 * MB
"""Sheets whose XML unpacks to this much or more are read as a stream. calamine reads a sheet
about twice as fast but holds all of it (100,000 rows of the bench file: 99 MB of XML, ~100 MB
held; a million: 1.1 GB); below this size the speed is worth the memory, above it the memory
is not."""


def _streamed(
    path: Path, name: str, sheet: str | int | None, limits: Limits, *, soon: bool = False
) -> SheetRows | None:
    """The sheet of a big .xlsx read as a stream (``xlsx_sheet``: a million rows in a fraction
    of the memory calamine's whole-sheet grid takes), or of a smaller one asked for ``soon``
    (streamed until calamine has read it, ``handover``); ``None`` for a file left to calamine
    (a smaller sheet, or one that reader does not expect)."""
    try:
        book = XlsxPackage(path)
    except Exception:  # whatever this reader cannot make sense of, calamine reads or names
        return None
    try:
        names = [s.name for s in book.sheets]
        visible = [i for i, s in enumerate(book.sheets) if s.visible and s.worksheet]
        index = _choose_sheet(name, names, sheet, visible[0] if visible else 0)
        part = book.part(book.sheets[index].part)
        small = part is None or book.archive.getinfo(part).file_size < STREAM_FROM_BYTES
        if part is None or (small and not soon):
            book.close()
            return None
        reader = SheetReader(book, book.sheets[index])
        _check_extent(name, reader.extent, limits)
    except ImportFileError:
        book.close()
        raise
    except Exception:
        book.close()
        return None
    except BaseException:
        book.close()
        raise
    rows = _stream_rows(name, reader, book)
    if small:
        calamine = Background(
            lambda: _calamine_sheet(path, FileKind.XLSX, name, index, limits, with_formulas=reader.formulas)
        )

        def later() -> Iterator[tuple[int, list[Cell]]] | None:
            try:
                read = calamine.result()
            except Exception:  # the stream goes on; if it cannot, its own error is the one told
                return None
            same = read.sheet == names[index] and read.first_column == reader.first_column
            return read.rows if same else None

        rows = handed_over(rows, later, lambda: calamine.done, most=STREAM_AHEAD_ROWS)
    return SheetRows(name, names[index], FileKind.XLSX, reader.first_column, rows)


def _stream_rows(name: str, reader: SheetReader, book: XlsxPackage) -> Iterator[tuple[int, list[Cell]]]:
    """The streamed rows; a sheet found broken half-way is refused in calamine's words' place."""
    try:
        yield from reader.rows()
    except Unreadable as exc:
        raise ImportFileError(
            name,
            "unreadable",
            N_("{file}: the sheet is damaged near row {row}: {detail}")
            if exc.row
            else N_("{file}: the sheet is damaged: {detail}"),
            row=exc.row,
            detail=exc.detail,
        ) from exc
    except Exception as exc:  # a sheet found broken half-way: refused in one line
        raise _unreadable(name, exc) from exc
    finally:
        book.close()


def _check_extent(name: str, extent: Extent | None, limits: Limits) -> None:
    """Refuse a sheet wider than ``max_columns`` or spanning more than ``max_cells`` (calamine
    would hold every one of them, empty or not)."""
    if extent is None:
        return
    if extent.columns > limits.max_columns:
        raise too_big(name, TooBig("columns", extent.widest_row, extent.columns, limits.max_columns))
    cells = extent.rows * max(extent.columns, NARROW_COLUMNS)
    if cells > limits.max_cells:
        raise ImportFileError(
            name,
            "too_large",
            N_("{file}: the sheet reaches row {rows}: {cells} cells, over the limit of {limit}: refused"),
            rows=extent.rows,
            cells=cells,
            limit=limits.max_cells,
        )


def too_big(name: str, problem: TooBig) -> ImportFileError:
    """The refusal of a row or a sheet over a cap (``Limits``), naming the file and the row."""
    if problem.what == "record_chars":
        return ImportFileError(
            name,
            "too_large",
            N_("{file}: row {row} is longer than {limit} MB: refused (is it a CSV file?)"),
            row=problem.row,
            limit=problem.limit // MB,
        )
    if problem.what == "columns":
        return ImportFileError(
            name,
            "too_wide",
            N_("{file}: row {row} has {found} columns, over the limit of {limit}: refused"),
            row=problem.row,
            found=problem.found,
            limit=problem.limit,
        )
    return ImportFileError(
        name,
        "too_large",
        N_("{file}: over {limit} cells by row {row}: refused; split the file"),
        row=problem.row,
        limit=problem.limit,
    )


def _guarded_csv(name: str, rows: Iterator[tuple[int, list[Cell]]]) -> Iterator[tuple[int, list[Cell]]]:
    try:
        yield from rows
    except TooBig as exc:
        raise too_big(name, exc) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(
            name, "unreadable", N_("{file}: broken CSV: {reason}"), reason=str(exc)
        ) from exc
    except OSError as exc:
        raise ImportFileError(
            name, "unreadable", N_("{file}: cannot be read: {reason}"), reason=file_reason(exc)
        ) from exc
