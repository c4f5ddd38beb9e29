"""What the import wizard shows before anything is written: a sheet's first rows, then those
rows as the import will read them with the mapping the person chose."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from crm_tui.domain.imports.mapping import ColumnMap
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.imports.sheets import SheetPreview
from crm_tui.domain.portrait.fields import portrait_targets
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.clients.file_memory import remembered_mapping
from crm_tui.importers.clients.rows import RowParser, open_table


def preview_sheet(ws: Workspace, path: Path, sheet: str | None, rows: int) -> SheetPreview:
    """Open ``sheet`` of ``path``, keep its first ``rows`` data rows and count all of them
    (the whole file is read: for a worker thread)."""
    table = open_table(path, sheet)
    first = tuple(islice(table.rows, rows))
    total = len(first) + sum(1 for _row in table.rows)
    with ws.read() as session:
        remembered = remembered_mapping(session, table.header.labels)
        portrait = portrait_targets(session)
    return SheetPreview(
        path, table.file, table.sheet, table.header.row_number, table.header.labels,
        table.first_column, first, total, remembered, portrait,
    )  # fmt: skip


def preview_rows(sheet: SheetPreview, columns: ColumnMap) -> list[ParsedRow]:
    """The sheet's first rows parsed with ``columns``, as the import will read them."""
    parser = RowParser(sheet.file, sheet.sheet, sheet.labels, columns, sheet.first_column)
    return [parser(row) for row in sheet.first_rows]
