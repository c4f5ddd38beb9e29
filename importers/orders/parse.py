"""An order export's rows as documents, or as rejected rows with their reason.

The sheet is read like a client file (the header found by itself, blank and totals rows
skipped), with the trade system's own vocabulary; every cell the row had is kept so that a
rejected or unmatched document can be written out as it came.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from crm_tui.domain.imports.errors import ImportFileError, MappingError
from crm_tui.domain.imports.mapping import IGNORE
from crm_tui.domain.values.amounts import normalise_amount
from crm_tui.domain.values.cells import Cell, is_blank
from crm_tui.domain.values.dates import normalise_date
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.legal_forms import split_legal_form
from crm_tui.domain.values.requisites import normalise_inn
from crm_tui.i18n import N_, Listed, Message, Phrase, Quoted
from crm_tui.importers.files.header import HeaderRow, find_header, iter_data_rows
from crm_tui.importers.files.mapping import DEFAULT_THRESHOLD
from crm_tui.importers.files.reading import read_sheet
from crm_tui.importers.files.vocabulary import fold_header
from crm_tui.importers.orders.fields import (
    ORDER_FIELDS,
    ORDER_VOCABULARY,
    document_number,
    invoices_named,
    kind_from_name,
    parse_document_text,
    parse_kind,
    parse_paid,
)
from crm_tui.storage.models import DocumentKind


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One document as the file gives it; ``rejection`` says why it cannot be loaded."""

    row: int
    cells: dict[str, Cell]
    kind: DocumentKind | None = None
    number: str | None = None
    day: date | None = None
    client_name: str = ""
    name_key: str = ""
    inn: str | None = None
    amount: int = 0
    paid: bool | None = None
    invoices: tuple[tuple[str, int | None], ...] = ()
    """The invoices its basis names (``invoices_named``)."""
    rejection: Message | None = None
    unstorable: bool = False
    """Text no database can hold was taken out of the row's cells (``storable_text``)."""


@dataclass(frozen=True)
class OrderTable:
    file: str
    sheet: str
    header: HeaderRow
    columns: dict[str, int]
    """field -> column index"""
    rows: Iterator[tuple[int, list[Cell]]]
    named_kind: DocumentKind | None = None
    """The kind the sheet's or the file's name gives ("Счета", "Поступления.xlsx")."""


def _explicit_columns(labels: tuple[str, ...], explicit: Mapping[str, str]) -> dict[int, str]:
    chosen: dict[int, str] = {}
    folded = [fold_header(label) for label in labels]
    for header, target in explicit.items():
        field = target.strip().lower()
        if field not in ORDER_FIELDS and field != IGNORE:
            valid = ", ".join((*ORDER_FIELDS, IGNORE))
            raise MappingError(
                "mapping.field_unknown",
                N_("unknown field '{field}' for column '{column}'; valid fields: {fields}"),
                field=target,
                column=header,
                fields=valid,
            )
        indexes = [i for i, key in enumerate(folded) if key == fold_header(header)]
        if not indexes:
            listed = Quoted([h for h in labels if h])
            raise MappingError(
                "mapping.column_unknown",
                N_("no column '{column}' in the file; the columns are {columns}"),
                column=header,
                columns=listed,
            )
        chosen[indexes[0]] = field
    return chosen


def map_columns(labels: tuple[str, ...], explicit: Mapping[str, str]) -> dict[str, int]:
    """Each order field to its most confident column (explicit choices first)."""
    fixed = _explicit_columns(labels, explicit)
    columns = {field: index for index, field in fixed.items() if field != IGNORE}
    ranked = sorted(
        ((ORDER_VOCABULARY.match(label), index) for index, label in enumerate(labels) if index not in fixed),
        key=lambda item: (-item[0][1], item[1]),
    )
    for (field, score), index in ranked:
        if field is not None and score >= DEFAULT_THRESHOLD and field not in columns:
            columns[field] = index
    return columns


def open_orders(path: Path, sheet: str | int | None, explicit: Mapping[str, str]) -> OrderTable:
    data = read_sheet(path, sheet)
    header, rows = find_header(data.rows, first_column=data.first_column, match=ORDER_VOCABULARY.match)
    if header is None:
        raise ImportFileError(data.file, "empty", N_("{file}: the sheet is empty"))
    columns = map_columns(header.labels, explicit)
    has_document = "document" in columns
    missing = [
        name
        for name, ok in (
            (N_("client name or INN"), "name" in columns or "inn" in columns),
            (N_("document number"), "number" in columns or has_document),
            (N_("date"), "date" in columns or has_document),
            (N_("amount"), "amount" in columns),
        )
        if not ok
    ]
    if missing:
        listed = Quoted([h for h in header.labels if h])
        raise MappingError(
            "mapping.columns_missing",
            N_(
                "{file}: no column for {missing} (the columns are {columns}); "
                'name them with --map "Header=field"'
            ),
            file=data.file,
            missing=Listed([Phrase(name) for name in missing]),
            columns=listed,
        )
    named = kind_from_name(data.sheet, Path(data.file).stem)
    return OrderTable(data.file, data.sheet, header, columns, rows, named)


def _cell(values: list[Cell], index: int | None) -> Cell:
    if index is None or index >= len(values):
        return None
    return values[index]


def parse_row(
    table: OrderTable, number: int, values: list[Cell], default_kind: DocumentKind | None
) -> OrderRow:
    cols = table.columns
    cells = {label: values[i] if i < len(values) else None for i, label in enumerate(table.header.labels)}

    def cell(field: str) -> Cell:
        return _cell(values, cols.get(field))

    document = parse_document_text(cell("document"))
    kind = parse_kind(cell("kind")) if "kind" in cols else None
    if kind is None and document is not None:
        kind = document.kind
    if kind is None and "kind" not in cols and document is None:
        kind = default_kind or table.named_kind
    doc_number = document_number(cell("number")) or (document.number if document else None)
    day = document.day if document and document.day else None
    day = day or _date(cell("date"))
    name = split_legal_form(cell("name")).value
    inn = normalise_inn(cell("inn")).value
    amount = normalise_amount(cell("amount")).value
    paid = parse_paid(cell("paid"))
    if "paid_amount" in cols and not is_blank(cell("paid_amount")):
        paid_amount = normalise_amount(cell("paid_amount")).value
        if paid_amount is not None and amount is not None:
            paid = paid_amount >= amount
    problem = None
    if kind is None:
        shown = cell("kind") if "kind" in cols else cell("document")
        if is_blank(shown):
            problem = Message("order.kind_missing", N_("no document kind (use --kind)"))
        else:
            problem = Message("order.kind_unknown", N_("unknown document kind {kind!r}"), kind=str(shown))
    elif doc_number is None:
        problem = Message("order.number_missing", N_("no document number"))
    elif day is None:
        problem = Message("order.date_missing", N_("no date, or not a date"))
    elif amount is None:
        problem = Message("order.amount_missing", N_("no amount, or not an amount"))
    elif amount <= 0:  # a return or a storno is not a sale: refused, not booked as one
        problem = Message(
            "order.amount_not_positive", N_("the amount {amount} is not above zero"), amount=cell("amount")
        )
    elif not name.name and inn is None:
        problem = Message("order.client_missing", N_("no client name and no INN"))
    return OrderRow(
        row=number,
        cells=cells,
        kind=kind,
        number=doc_number,
        day=day,
        client_name=name.display() if name.name else "",
        name_key=fold(name.name) if name.name else "",
        inn=inn,
        amount=amount or 0,
        paid=paid,
        invoices=invoices_named(cell("basis")),
        rejection=problem,
    )


def _date(value: Cell) -> date | None:
    return normalise_date(value).value


def order_rows(table: OrderTable, default_kind: DocumentKind | None) -> Iterator[OrderRow]:
    for data in iter_data_rows(table.rows, table.header):
        row = parse_row(table, data.number, list(data.values), default_kind)
        yield replace(row, unstorable=True) if data.unstorable else row
