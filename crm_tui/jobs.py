"""The jobs screens start, done by the importers: what the app hands the import and review screens.

Screens see the domain, never the importers (shared/DESIGN.md): they are given an object with
the domain's ports (``crm_tui.domain.imports.port.ImportJobs``,
``crm_tui.domain.duplicates.port.DuplicateJobs``). This is that object for the app; tests may
give the screens a fake instead. Each method imports its importer on first use, so neither the
app's start nor one screen pays for the others' modules (spreadsheet readers, the scan's numpy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_tui.domain.campaigns.audience_list import AudienceList
    from crm_tui.domain.campaigns.letters import Letter
    from crm_tui.domain.clients.merges import MergeResult
    from crm_tui.domain.duplicates.pairs import ClientSide, Pair
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
    from crm_tui.domain.inbound.port import MailReading
    from crm_tui.domain.workspace import Workspace


class ImporterJobs:
    """``crm_tui.domain.jobs.Jobs`` over ``crm_tui.importers``: the same functions the CLI runs."""

    def list_sheets(self, path: Path) -> list[str]:
        from crm_tui.importers.files.reading import list_sheets

        return list_sheets(path)

    def open_sheet(self, ws: Workspace, path: Path, sheet: str | None, rows: int) -> SheetPreview:
        from crm_tui.importers.clients.preview import preview_sheet

        return preview_sheet(ws, path, sheet, rows)

    def suggest_mapping(
        self,
        labels: Sequence[str],
        explicit: Mapping[str, str] | None = None,
        *,
        strict: bool = True,
        portrait: Sequence[PortraitTarget] = (),
    ) -> ColumnMap:
        from crm_tui.importers.files.mapping import suggest_mapping

        return suggest_mapping(labels, explicit, strict=strict, portrait=portrait)

    def preview_rows(self, sheet: SheetPreview, columns: ColumnMap) -> list[ParsedRow]:
        from crm_tui.importers.clients.preview import preview_rows

        return preview_rows(sheet, columns)

    def import_clients(
        self,
        ws: Workspace,
        files: Sequence[Path],
        options: ImportOptions,
        progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        from crm_tui.importers.clients.service import import_clients

        return import_clients(ws, files, options, progress)

    def import_orders(self, ws: Workspace, path: Path, options: OrdersOptions) -> OrdersSummary:
        from crm_tui.importers.orders.service import import_orders

        return import_orders(ws, path, options)

    def undo_import(self, ws: Workspace, batch: int) -> UndoReport:
        from crm_tui.importers.batches import undo_import

        return undo_import(ws, batch)

    def scan(self, ws: Workspace) -> list[Pair]:
        from crm_tui.importers.dedup.service import scan_all

        return scan_all(ws)

    def side(self, ws: Workspace, client_id: int) -> ClientSide:
        from crm_tui.importers.dedup.service import side

        return side(ws, client_id)

    def merge(
        self, ws: Workspace, survivor: int, others: Sequence[int], take: Mapping[str, int] | None = None
    ) -> MergeResult:
        from crm_tui.importers.dedup.service import merge

        return merge(ws, survivor, others, take)

    def read_mailbox_now(self, ws: Workspace, name: str) -> MailReading:
        from crm_tui.scheduling.inbound_mail import read_one

        return read_one(ws, name)


class CampaignWork:
    """``crm_tui.domain.campaigns.audience_list.CampaignJobs``: the campaign editor's list
    reading and test letters, by the importers and the sending job the CLI runs."""

    def read_audience_list(self, ws: Workspace, path: Path) -> AudienceList:
        from crm_tui.importers.campaigns.audience_list import read_audience_list

        return read_audience_list(ws, path)

    def send_test_letter(self, ws: Workspace, letter: Letter, to: str | None = None) -> str:
        from crm_tui.scheduling.outbox_send import send_test_letter

        return send_test_letter(ws, letter, to)
