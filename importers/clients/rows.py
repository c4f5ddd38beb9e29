"""A manager's sheet as a stream of parsed client rows: read, find the header, map, normalise.

This is the pure half of the client import: no database. Loading, batches, undo, the CLI and
the wizard build on ``open_table`` (to show headers and a suggested mapping) and ``parse_rows``
(to get every data row with normalised fields, warnings and, when a row cannot become a client,
the reason). A rejected row keeps its original cells so it can be written to an error file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from os import PathLike
from typing import Any

from crm_tui.domain.field_labels import field_label
from crm_tui.domain.imports.errors import ImportFileError, MappingError
from crm_tui.domain.imports.mapping import PORTRAIT_PREFIX, ColumnMap, column_letter
from crm_tui.domain.imports.rows import DataRow, ParsedRow, RowSource
from crm_tui.domain.values.cells import UNSTORABLE, Cell, Normalised
from crm_tui.domain.values.phones import DEFAULT_REGION
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.row_fields import ColumnReader, Draft, Unreadable, field_readers, finish
from crm_tui.importers.files.file_kind import DEFAULT_LIMITS, FileKind, Limits
from crm_tui.importers.files.header import HeaderRow, SkippedRows, find_header, iter_data_rows
from crm_tui.importers.files.mapping import DEFAULT_THRESHOLD, suggest_mapping
from crm_tui.importers.files.reading import read_sheet

BATCH_ROWS = 500
"""Rows parsed together; a reader of ``parse_rows`` sees them one at a time."""


@dataclass(frozen=True)
class Table:
    """An opened sheet: its header and an iterator over its data rows (iterate once).

    ``skipped`` fills in with blank, totals and repeated header rows as ``rows`` is iterated.
    """

    file: str
    sheet: str
    kind: FileKind
    first_column: int
    header: HeaderRow
    rows: Iterator[DataRow]
    skipped: SkippedRows


def open_table(
    file: str | PathLike[str],
    sheet: str | int | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    threshold: int = DEFAULT_THRESHOLD,
    skipped: SkippedRows | None = None,
    soon: bool = False,
) -> Table:
    """Open a sheet and find its header; raises ``ImportFileError`` (also for an empty sheet).
    ``soon``: for a reader of every row that wants the first ones early (``read_sheet``)."""
    data = read_sheet(file, sheet, limits, soon=soon)
    header, rest = find_header(data.rows, first_column=data.first_column, threshold=threshold)
    if header is None:
        raise ImportFileError(data.file, "empty", N_("{file}: sheet '{sheet}' has no data"), sheet=data.sheet)
    skipped = skipped if skipped is not None else SkippedRows()
    rows = iter_data_rows(rest, header, skipped)
    return Table(data.file, data.sheet, data.kind, data.first_column, header, rows, skipped)


class RowParser:
    """Turns the data rows of one table into ``ParsedRow``s with a fixed column mapping."""

    def __init__(
        self,
        file: str,
        sheet: str,
        labels: tuple[str, ...],
        columns: ColumnMap,
        first_column: int = 0,
        region: str = DEFAULT_REGION,
        *,
        keep_cells: bool = True,
    ) -> None:
        """``keep_cells=False``: a row keeps its original cells only if the error file will
        show them (rejected, or with warnings); the parsing process sends no others, and
        building a dict of every row's cells only to drop it cost it a twentieth of its time."""
        self.file = file
        self.keep_cells = keep_cells
        self.sheet = sheet
        self.labels = labels
        self.first_column = first_column
        readers = field_readers(region, columns.portrait)
        self.readers = [
            ColumnReader(c.index, c.field, c.header, *readers[c.field]) for c in columns.columns if c.field
        ]
        self._appliers = [(r.field, r.header, r.apply) for r in self.readers]

    def __call__(self, row: DataRow) -> ParsedRow:
        """One row; for many, ``parse_iter`` (or ``parse_many``) is about a third faster."""
        values = row.values
        results = [
            None if reader.index >= len(values) or (value := values[reader.index]) is None or value == ""
            else reader.read(value)
            for reader in self.readers
        ]  # fmt: skip
        return self._assemble(row, results)

    def parse_iter(self, rows: Iterable[DataRow]) -> Iterator[ParsedRow]:
        """Every row, parsed in batches of ``BATCH_ROWS``, yielded one at a time."""
        return chain.from_iterable(map(self.parse_many, _batches(iter(rows), BATCH_ROWS)))

    def parse_many(self, rows: Sequence[DataRow]) -> list[ParsedRow]:
        """Parse a batch of rows column by column (faster than row by row: the same normaliser
        runs over a whole column while it is hot), then assemble each row."""
        values = [row.values for row in rows]
        columns = [reader.read_column(values) for reader in self.readers]
        if not columns:
            return [self._assemble(row, ()) for row in rows]
        return [
            self._assemble(row, results)
            for row, results in zip(rows, zip(*columns, strict=True), strict=True)
        ]

    def _formula_rejection(self, places: tuple[int, ...]) -> Message | None:
        """A row with an imported column's value unknown is kept for a person, not half-read."""
        headers = [r.header for r in self.readers if r.index in places]
        return formula_row(", ".join(dict.fromkeys(headers))) if headers else None

    def _cells(self, values: Sequence[Cell]) -> dict[str, Cell]:
        """A row's original cells by header (and by column letter past the header)."""
        labels = self.labels
        cells: dict[str, Cell] = dict(zip(labels, values, strict=False))
        if len(values) > len(labels):
            for index in range(len(labels), len(values)):
                if not (values[index] is None or values[index] == ""):
                    cells[f"Column {column_letter(self.first_column + index)}"] = values[index]
        return cells

    def _assemble(self, row: DataRow, results: Sequence[Normalised[Any] | None]) -> ParsedRow:
        values = row.values
        cells = self._cells(values) if self.keep_cells else {}
        source = RowSource(self.file, self.sheet, row.number)
        if row.formulas and (rejection := self._formula_rejection(row.formulas)) is not None:
            return ParsedRow(source, cells or self._cells(values), rejection=rejection)
        draft = Draft()
        if row.unstorable:
            draft.warnings.append(UNSTORABLE)
        try:
            for (target, header, apply), result in zip(self._appliers, results, strict=True):
                if result is None:
                    continue
                value, _, warnings = result
                if type(value) is Unreadable:
                    return ParsedRow(
                        source, cells or self._cells(values), rejection=unreadable_row(value.error)
                    )
                if warnings:
                    draft.warnings.extend(
                        # a portrait field's own refusal names it already
                        Message(w.code, N_("{warning} (column {column})"), column=header, warning=w)
                        if target.startswith(PORTRAIT_PREFIX)
                        else Message(
                            w.code,
                            N_("{field} ({column}): {warning}"),
                            field=field_label(target),
                            column=header,
                            warning=w,
                        )
                        for w in warnings
                    )
                apply(draft, value, header)
            parsed = finish(draft, source, cells)
        except Exception as exc:  # normalisers never raise; if one does, the row is kept, not the run lost
            return ParsedRow(source, cells or self._cells(values), rejection=unreadable_row(repr(exc)))
        if not cells and (parsed.rejection is not None or parsed.warnings):
            parsed.cells = self._cells(values)
        return parsed


def formula_row(columns: str) -> Message:
    """The rejection of a row whose mapped cell is a formula saved without its value."""
    return Message(
        "row.formula", N_("{column}: the cell holds a formula, its value was not read"), column=columns
    )


def unreadable_row(error: str) -> Message:
    """The rejection of a row a normaliser failed on (``error`` as Python wrote it)."""
    return Message("row.unreadable", N_("unreadable row: {error}"), error=error)


def _batches(rows: Iterator[DataRow], size: int) -> Iterator[list[DataRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def resolve_mapping(header: HeaderRow, mapping: ColumnMap | Mapping[str, str] | None) -> ColumnMap:
    """A full ``ColumnMap`` from nothing (suggested), explicit ``{header: field}`` entries, or a
    ready map, which must have been made for these headers."""
    if isinstance(mapping, ColumnMap):
        if tuple(c.header for c in mapping.columns) != header.labels:
            raise MappingError(
                "mapping.other_header", N_("the column mapping was made for a different header row")
            )
        return mapping
    return suggest_mapping(header.labels, mapping)


def parse_rows(
    file: str | PathLike[str],
    sheet: str | int | None = None,
    mapping: ColumnMap | Mapping[str, str] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    region: str = DEFAULT_REGION,
    skipped: SkippedRows | None = None,
) -> Iterator[ParsedRow]:
    """Every data row of a sheet, parsed. ``mapping`` is a ``ColumnMap`` (from ``open_table`` and
    ``suggest_mapping``), explicit ``{header: field}`` entries on top of suggestions, or ``None``.

    Raises ``ImportFileError`` for a refused or broken file and ``MappingError`` for a bad mapping
    before the first row is yielded; ``skipped`` (if given) counts blank/totals/header rows.
    """
    table = open_table(file, sheet, limits=limits, skipped=skipped)
    columns = resolve_mapping(table.header, mapping)
    parser = RowParser(table.file, table.sheet, table.header.labels, columns, table.first_column, region)
    return parser.parse_iter(table.rows)
