"""A manager's file row by row: the cells of a data row, and the ``ParsedRow`` made of them.

Plain frozen data, so rows can cross from a worker thread to the UI, be written to an error
file or be loaded into the database by code that knows nothing about spreadsheets.

Rows also cross from the parsing process to the importing one, pickled. A slotted dataclass
unpickles through ``dataclasses._dataclass_setstate``, which walks ``fields()`` for every
object: a tenth of the importing process's time on a big file. These classes pickle as their
constructor and its arguments instead, which unpickles in half the time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter
from typing import Any

from crm_tui.domain.values.cells import Cell
from crm_tui.domain.values.emails import Email
from crm_tui.domain.values.phones import Phone
from crm_tui.i18n import N_, Message

NO_NAME_NO_CONTACT = Message("row.no_name_no_contact", N_("no name and no contact data"))


@dataclass(frozen=True, slots=True)
class DataRow:
    """One data row: the sheet row number and its cell values (as the reader gave them, with
    what no database can hold taken out: ``unstorable`` says something was)."""

    number: int
    values: Sequence[Cell]
    unstorable: bool = False
    formulas: tuple[int, ...] = ()
    """The places (0-based, in ``values``) of formula cells saved without their value."""


@dataclass(frozen=True, slots=True)
class RowSource:
    """Where a row came from, for messages and the error file: file, sheet, sheet row number."""

    file: str
    sheet: str
    row: int

    def __str__(self) -> str:
        return str(self.where())

    def where(self) -> Message:
        """The row as a message names it (and a script reads it: file, sheet, row)."""
        return Message(
            "row", N_("{file}, sheet '{sheet}', row {row}"), file=self.file, sheet=self.sheet, row=self.row
        )

    def __reduce__(self) -> tuple[type[RowSource], tuple[Any, ...]]:
        return RowSource, (self.file, self.sheet, self.row)


@dataclass(frozen=True, slots=True)
class RowKeys:
    """What the loader derives from a row alone, computed where the row is parsed.

    Big files are parsed in a second process while the loader, which has one core and the
    database to feed, groups and writes rows; folding names and checking INN checksums there
    would cost it a fifth of its time. ``name`` is the client name to store: the name column,
    else the contact person, else the first phone or e-mail.
    """

    name: str
    name_key: str
    search_text: str
    contact_key: str | None
    inn_valid: bool
    company: str
    """``crm_tui.importers.dedup.names.company_name`` of ``name``: what duplicate rules compare."""
    city_key: str | None = None

    def __reduce__(self) -> tuple[type[RowKeys], tuple[Any, ...]]:
        return RowKeys, _KEY_VALUES(self)


@dataclass(slots=True)
class ParsedRow:
    """One data row: original cells by header, normalised fields, warnings, rejection reason.

    Treat it as read-only. It is not ``frozen`` only because a frozen dataclass of 19 fields
    costs ten times as much to build, and an import builds one per row.

    ``rejection`` is ``None`` when the row can become a client. Phones are
    ``Phone(e164, extension, raw)``, e-mails ``Email(value, raw)``, ``deal_amount`` is in kopecks,
    ``owner`` is the text of the owner column (matching it to a user is the loader's job).
    Warnings name the field and the column: "inn (ИНН): INN '7707083890' fails the checksum";
    they and the rejection are ``Message``s, worded where they are shown (the parsing process
    may be another one).
    """

    source: RowSource
    cells: Mapping[str, Cell]
    name: str | None = None
    legal_form: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    phones: tuple[Phone, ...] = ()
    emails: tuple[Email, ...] = ()
    city: str | None = None
    region: str | None = None
    contact_name: str | None = None
    contact_position: str | None = None
    owner: str | None = None
    next_action: date | None = None
    note: str | None = None
    deal_amount: int | None = None
    warnings: tuple[Message, ...] = ()
    rejection: Message | None = None
    keys: RowKeys | None = None
    """Set on accepted rows by the parser."""
    portrait: tuple[tuple[str, Any], ...] = ()
    """``(portrait field key, typed value)`` of the columns mapped to the portrait."""

    @property
    def ok(self) -> bool:
        return self.rejection is None

    def __reduce__(self) -> tuple[type[ParsedRow], tuple[Any, ...]]:
        return ParsedRow, _ROW_VALUES(self)


_KEY_VALUES = attrgetter(*(f.name for f in fields(RowKeys)))
_ROW_VALUES = attrgetter(*(f.name for f in fields(ParsedRow)))
