"""What a file is, told by its first bytes (not its name), and the caps hostile files meet.

Before any parser runs, a file too large, empty, not a spreadsheet at all, an Excel file saved
with a password, or a zip whose entries unpack to gigabytes (a "zip bomb") is refused with one
line that names the file (``detect_kind``); ``reading`` then reads the sheet.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from enum import StrEnum
from os import PathLike
from pathlib import Path

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.cells import storable_text
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import N_, Message, Phrase
from crm_tui.importers.files.ole2 import OLE2_MAGIC, is_encrypted_package

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


def display_name(path: Path) -> str:
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
    name = display_name(path)
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
                    raise encrypted(name)
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


def encrypted(name: str) -> ImportFileError:
    return ImportFileError(
        name, "encrypted", N_("{file}: the file is password-protected; save it without a password")
    )
