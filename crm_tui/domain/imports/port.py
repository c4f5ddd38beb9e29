"""The import jobs a screen starts, as the screen sees them: a port the entry point fills.

Reading spreadsheets and loading batches is ``crm_tui.importers``, which screens may not import
(shared/DESIGN.md). The app hands the import screens one object with these methods
(``crm_tui.jobs``, over the importers); a test may hand them a fake. Every method may be slow
(files, the database) and is called from a worker thread, except ``suggest_mapping`` and
``preview_rows``, which are quick.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from crm_tui.domain.imports.batches import (
        ImportOptions,
        ImportSummary,
        OrdersOptions,
        OrdersSummary,
        UndoReport,
    )
    from crm_tui.domain.imports.mapping import ColumnMap, PortraitTarget
    from crm_tui.domain.imports.rows import ParsedRow
    from crm_tui.domain.imports.sheets import SheetPreview
    from crm_tui.domain.workspace import Workspace


class ImportJobs(Protocol):
    """Files in: clients from a manager's sheet, the sales history, and a batch taken back.

    A file that cannot be read raises ``ImportFileError``, a mapping that cannot be used
    ``MappingError`` (``crm_tui.domain.imports.errors``); both before anything is written.
    """

    def list_sheets(self, path: Path) -> list[str]:
        """The sheets of a workbook, in order (one, unnamed or named, for a CSV file)."""
        ...

    def open_sheet(self, ws: Workspace, path: Path, sheet: str | None, rows: int) -> SheetPreview:
        """Find the header of ``sheet`` (the first one if ``None``), keep its first ``rows``
        data rows and count the rest; the mapping remembered for its header comes along."""
        ...

    def suggest_mapping(
        self,
        labels: Sequence[str],
        explicit: Mapping[str, str] | None = None,
        *,
        strict: bool = True,
        portrait: Sequence[PortraitTarget] = (),
    ) -> ColumnMap:
        """Where each column goes: ``explicit`` choices first, then what the headers suggest;
        ``strict`` refuses an explicit header the sheet lacks; ``portrait``: the base's portrait
        fields (``SheetPreview.portrait``), which a column may feed too."""
        ...

    def preview_rows(self, sheet: SheetPreview, columns: ColumnMap) -> list[ParsedRow]:
        """The sheet's first rows as the import will read them with ``columns``."""
        ...

    def import_clients(
        self,
        ws: Workspace,
        files: Sequence[Path],
        options: ImportOptions,
        progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Import clients from ``files`` as one batch (or a dry run); ``progress`` hears the
        rows done after every chunk."""
        ...

    def import_orders(self, ws: Workspace, path: Path, options: OrdersOptions) -> OrdersSummary:
        """Import the sales history from ``path`` as one batch (or a dry run)."""
        ...

    def undo_import(self, ws: Workspace, batch: int) -> UndoReport:
        """Take an import batch back, keeping what people have worked on since."""
        ...
