"""Opening a manager's file: guard rails first, then rows as plain lists of cell values.

Spreadsheets are hostile input. Before any parser runs, the file is checked by its first bytes
(not its name): too large, empty, not a spreadsheet at all, an Excel file saved with a password,
or a zip whose entries unpack to gigabytes (a "zip bomb") are refused with one line that names
the file. Excel formats are read by calamine (Rust, fast, reads .xlsx/.xlsm/.xlsb/.xls/.ods and
never evaluates formulas: a formula cell gives its cached value, a text "=HYPERLINK(...)" stays
text); CSV and text exports by ``crm_tui.importers.files.csv_reading``.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import cast

import python_calamine

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.cells import Cell, UnreadFormula, storable_text
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import N_, Message, Phrase, Quoted
from crm_tui.importers.files.csv_reading import (
    TooBig,
    csv_rows,
    detect_encoding,
    read_sample,
    sniff_delimiter,
)
from crm_tui.importers.files.ole2 import OLE2_MAGIC, is_encrypted_package
from crm_tui.importers.files.sheet_extent import Extent, xlsx_extent
from crm_tui.importers.files.xlsx_sheet import SheetReader
from crm_tui.importers.files.xlsx_stream import Unreadable, XlsxPackage

MB = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 8192
_BIG_ENTRY = MB  # small parts may compress well; only big ones are checked for the ratio
_KNOWN_BINARIES = {
    b"\x89PNG": N_("a PNG image"),
    b"\xff\xd8\xff": N_("a JPEG image"),
    b"GIF8": N_("a GIF image"),
    b"%PDF": N_("a PDF document"),
    b"Rar!": N_("a RAR archive"),
    b"7z\xbc\xaf": N_("a 7-Zip archive"),
}
NARROW_COLUMNS = 26
"""Columns a sheet is taken to span when none of its filled cells is past Z (not counted)."""
_CSV_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods", ".xls"}


class FileKind(StrEnum):
    XLSX = "xlsx"
    XLSB = "xlsb"
    XLS = "xls"
    ODS = "ods"
    CSV = "csv"


@dataclass(frozen=True)
class Limits:
    """Caps for hostile input; the defaults fit any honest client base."""

    max_file_bytes: int = 200 * MB
    max_unpacked_bytes: int = 2048 * MB
    max_compression_ratio: float = 100.0
    max_zip_entries: int = 10_000
    max_columns: int = 1000
    """Columns a row may have: a client list has tens."""
    max_cells: int = 30_000_000
    """Cells a sheet may span (rows times columns, empty ones too): 100,000 clients of 300
    columns; memory follows this, not the file's size."""
    max_record_chars: int = 16 * MB
    """Characters one CSV record may have."""


DEFAULT_LIMITS = Limits()


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


def _display(path: Path) -> str:
    """The file as messages, the errors file and the base name it: a name whose bytes are not
    UTF-8 has them as U+FFFD (``storable_text``)."""
    return storable_text(path.name or str(path)).value


def _not_spreadsheet(name: str, what: str | Message) -> ImportFileError:
    """The refusal of a file that is something else: ``what`` (a msgid, or a message naming a
    value) says what it is."""
    return ImportFileError(
        name,
        "not_spreadsheet",
        N_("{file}: not a spreadsheet ({what}); expected .xlsx, .xls, .ods or .csv"),
        what=Phrase(what) if isinstance(what, str) else what,
    )


def _inspect_zip(path: Path, name: str, limits: Limits) -> FileKind:
    """Refuse zip bombs by the central directory, then tell .xlsx/.xlsb from .ods."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_zip_entries:
                raise ImportFileError(
                    name,
                    "zip_bomb",
                    N_("{file}: refused: {count} parts inside (a zip bomb?)"),
                    count=len(entries),
                )
            unpacked = sum(e.file_size for e in entries)
            if unpacked > limits.max_unpacked_bytes:
                raise ImportFileError(
                    name,
                    "zip_bomb",
                    N_("{file}: refused: unpacks to {size} MB, over the {limit} MB limit (a zip bomb?)"),
                    size=unpacked // MB,
                    limit=limits.max_unpacked_bytes // MB,
                )
            for entry in entries:
                ratio = entry.file_size / max(entry.compress_size, 1)
                if entry.file_size > _BIG_ENTRY and ratio > limits.max_compression_ratio:
                    raise ImportFileError(
                        name,
                        "zip_bomb",
                        N_("{file}: refused: part {part} is compressed {ratio:.0f}:1 (a zip bomb?)"),
                        part=entry.filename,
                        ratio=ratio,
                    )
            names = {e.filename for e in entries}
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                if b"opendocument.spreadsheet" in archive.read("mimetype"):
                    return FileKind.ODS
                raise _not_spreadsheet(name, N_("an OpenDocument file that is not a spreadsheet"))
    except zipfile.BadZipFile as exc:
        raise _not_spreadsheet(
            name, Message("file.damaged_zip", N_("a damaged zip: {reason}"), reason=str(exc))
        ) from exc
    except (OSError, RuntimeError, NotImplementedError) as exc:
        raise ImportFileError(
            name, "unreadable", N_("{file}: cannot be read: {reason}"), reason=str(exc)
        ) from exc
    if "xl/workbook.bin" in names:
        return FileKind.XLSB
    if any(n.startswith("xl/workbook") for n in names):
        return FileKind.XLSX
    if any(n.startswith("word/") for n in names):
        raise _not_spreadsheet(name, N_("a Word document"))
    raise _not_spreadsheet(name, N_("a zip archive without a workbook"))


def _text_kind(path: Path, name: str, head: bytes) -> FileKind:
    """Text is read as CSV unless its name promises a binary workbook."""
    suffix = path.suffix.lower()
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\0" in head and not utf16:
        raise _not_spreadsheet(name, N_("binary data of an unknown kind"))
    start = head.lstrip().lower()
    if start.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
        raise _not_spreadsheet(name, N_("an HTML or XML page; open it in Excel and save it as .xlsx"))
    # 1C and bank clients save tab-separated text as .xls; only .xls gets that benefit of doubt.
    if suffix in _EXCEL_SUFFIXES and suffix != ".xls":
        raise _not_spreadsheet(
            name,
            Message("file.text_named_excel", N_("text, although the name ends in {suffix}"), suffix=suffix),
        )
    return FileKind.CSV


def detect_kind(path: str | PathLike[str], limits: Limits = DEFAULT_LIMITS) -> FileKind:
    """What the file is, by its content; raises ``ImportFileError`` for anything refused."""
    path = Path(path)
    name = _display(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportFileError(name, "unreadable", N_("{file}: not a file"))
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
            if size == 0 or not head:
                raise ImportFileError(name, "empty", N_("{file}: the file is empty"))
            if size > limits.max_file_bytes:
                raise ImportFileError(
                    name,
                    "too_large",
                    N_("{file}: the file is too large ({size:.1f} MB; the limit is {limit:.1f} MB)"),
                    size=size / MB,
                    limit=limits.max_file_bytes / MB,
                )
            if head.startswith(OLE2_MAGIC):
                if is_encrypted_package(f, size):
                    raise _encrypted(name)
                return FileKind.XLS
    except OSError as exc:
        raise ImportFileError(
            name, "unreadable", N_("{file}: cannot be opened: {reason}"), reason=file_reason(exc)
        ) from exc
    if head.startswith(_ZIP_MAGIC):
        return _inspect_zip(path, name, limits)
    for magic, what in _KNOWN_BINARIES.items():
        if head.startswith(magic):
            raise _not_spreadsheet(name, what)
    return _text_kind(path, name, head)


def _unreadable(name: str, exc: BaseException) -> ImportFileError:
    if isinstance(exc, python_calamine.PasswordError):
        return _encrypted(name)
    return ImportFileError(
        name, "unreadable", N_("{file}: cannot be read as a spreadsheet: {reason}"), reason=str(exc)
    )


def _encrypted(name: str) -> ImportFileError:
    return ImportFileError(
        name, "encrypted", N_("{file}: the file is password-protected; save it without a password")
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
    workbook = _open_workbook(path, kind, _display(path))
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
    path: str | PathLike[str], sheet: str | int | None = None, limits: Limits = DEFAULT_LIMITS
) -> SheetRows:
    """Rows of one sheet (by name, by 0-based index, or the first visible one)."""
    path = Path(path)
    name = _display(path)
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
        streamed = _streamed(path, name, sheet, limits)
        if streamed is not None:
            return streamed
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
        if kind is FileKind.XLSX:
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


STREAM_FROM_BYTES = 128 * MB
"""Sheets whose XML unpacks to this much or more are read as a stream. calamine reads a sheet
about twice as fast but holds all of it (100,000 rows of the bench file: 99 MB of XML, ~100 MB
held; a million: 1.1 GB); below this size the speed is worth the memory, above it the memory
is not."""


def _streamed(path: Path, name: str, sheet: str | int | None, limits: Limits) -> SheetRows | None:
    """The sheet of a big .xlsx read as a stream (``xlsx_sheet``: a million rows in a fraction
    of the memory calamine's whole-sheet grid takes); ``None`` for a file left to calamine (a
    sheet under ``STREAM_FROM_BYTES``, or one that reader does not expect)."""
    try:
        book = XlsxPackage(path)
    except Exception:  # whatever this reader cannot make sense of, calamine reads or names
        return None
    try:
        names = [s.name for s in book.sheets]
        visible = [i for i, s in enumerate(book.sheets) if s.visible and s.worksheet]
        index = _choose_sheet(name, names, sheet, visible[0] if visible else 0)
        part = book.part(book.sheets[index].part)
        if part is None or book.archive.getinfo(part).file_size < STREAM_FROM_BYTES:
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
    return SheetRows(name, names[index], FileKind.XLSX, reader.first_column, _stream_rows(name, reader, book))


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
