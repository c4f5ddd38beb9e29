"""Importing the sales history (orders, invoices, sales, payments) from the trade system.

The screen face of ``crm import orders``, run through the ``ImportJobs`` the app hands it: the
file is read and matched as a dry run first (what each column was taken for, how many documents
would be created or updated, which ones no client matches), then imported for real; the
segments are recomputed and shown, and the batch can be undone. Files and the database are
touched only in thread workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from crm_tui.domain.access.capabilities import Capability, can
from crm_tui.domain.documents.funnel import funnel_lines
from crm_tui.domain.imports.batches import OrdersOptions, OrdersSummary
from crm_tui.domain.imports.errors import ImportFileError, MappingError
from crm_tui.domain.imports.port import ImportJobs
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.segments import segment_label
from crm_tui.screens.import_wizard import path_from_input
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


def summary_text(summary: OrdersSummary, dry_run: bool) -> Group:
    title = _("{file} · sheet «{sheet}»").format(file=summary.file, sheet=summary.sheet)
    lines = [literal(title, style="bold")]
    columns = ", ".join(f"{header} → {field}" for header, field in summary.columns.items())
    lines.append(literal(_("Columns: {columns}").format(columns=columns), style="dim"))
    verb = _("would create") if dry_run else _("created")
    lines.append(
        Text(
            _(
                "{rows} rows, {documents} documents: "
                "{verb} {created}, updated {updated}, unchanged {unchanged}"
            ).format(
                rows=summary.rows,
                documents=summary.documents,
                verb=verb,
                created=summary.created,
                updated=summary.updated,
                unchanged=summary.unchanged,
            )
        )
    )
    lines.append(
        Text(
            _("No client matched (kept): {unmatched} · rejected rows: {rejected}").format(
                unmatched=summary.unmatched, rejected=summary.rejected
            ),
            style="bold" if summary.unmatched or summary.rejected else "",
        )
    )
    lines.extend(literal(line) for line in funnel_lines(summary.funnel, dry_run))
    lines.extend(literal(f"  {problem}", style="dim") for problem in summary.problems)
    if summary.errors_file:
        lines.append(literal(_("Rejected and unmatched documents: {path}").format(path=summary.errors_file)))
    if summary.segments is not None:
        counts = " · ".join(
            f"{segment_label(c.segment)} {c.clients}"
            for c in summary.segments.counts
            if c.segment is not None
        )
        lines.append(
            Text(
                _("Segments now: {counts}; {moved} moved").format(counts=counts, moved=summary.segments.moved)
            )
        )
    return Group(*lines)


class OrdersImportScreen(CrmScreen):
    """Import the sales history: a path, a dry run to check, the import, undo.

    | Key(s) | Description |
    | :- | :- |
    | enter | Read the file and show what the import would do (nothing is written). |
    | r | Import it; the segments are recomputed. |
    | u | Undo the import just made. |
    | escape | Close. |
    """

    TITLE = N_("Import sales history")
    AUTO_FOCUS = "#orders-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("orders.run", "run", N_("Import")),
        bind("orders.undo", "undo", N_("Undo import")),
        bind("orders.close", "close", N_("Close")),
    ]

    class Done(Message):
        def __init__(self, summary: OrdersSummary, dry_run: bool) -> None:
            super().__init__()
            self.summary = summary
            self.dry_run = dry_run

    class Failed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class Undone(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def __init__(self, ws: Workspace, jobs: ImportJobs, data_dir: Path | None, path: str = "") -> None:
        super().__init__(ws)
        self.jobs = jobs
        self.data_dir = data_dir
        self.initial_path = path
        self.checked: Path | None = None
        self.batch_id: int | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            _(
                "Orders, invoices, sales or payments exported from the trade system "
                "(.xlsx, .xls, .ods, .csv)."
            ),
            id="orders-help",
        )
        yield Input(value=self.initial_path, placeholder=_("Path to the file, then Enter"), id="orders-path")
        with VerticalScroll(id="orders-body"):
            yield Static("", id="orders-report")
        yield KeyFooter(show_command_palette=False, compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run":
            return self.checked is not None and self.batch_id is None and not self.busy
        if action == "undo":
            return self.batch_id is not None and not self.busy
        return True

    @on(Input.Submitted, "#orders-path")
    def _read_file(self, event: Input.Submitted) -> None:
        self.checked = None
        self.batch_id = None
        self.start(path_from_input(event.value), dry_run=True)

    def action_run(self) -> None:
        if self.checked is not None:
            self.start(self.checked, dry_run=False)

    def start(self, path: Path, *, dry_run: bool) -> None:
        if not can(self.ws.viewer, Capability.IMPORT_ORDERS):
            self.notify(
                _("The sales history is imported by a head of sales, an admin or ops."), severity="error"
            )
            return
        self.busy = True
        self.refresh_bindings()
        self.query_one("#orders-report", Static).update(_("Reading…") if dry_run else _("Importing…"))
        self.run_import(path, dry_run)

    @work(thread=True, exclusive=True, group="orders-import", exit_on_error=False)
    def run_import(self, path: Path, dry_run: bool) -> None:
        errors_dir = self.data_dir / "imports" if self.data_dir is not None else None
        try:
            options = OrdersOptions(dry_run=dry_run, errors_dir=errors_dir)
            summary = self.jobs.import_orders(self.ws, path, options)
        except (ImportFileError, MappingError) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Done(summary, dry_run))

    def on_orders_import_screen_done(self, event: Done) -> None:
        self.busy = False
        if event.dry_run:
            self.checked = path_from_input(self.query_one("#orders-path", Input).value)
        else:
            self.batch_id = event.summary.batch
            self.notify(_("Sales history imported: batch {batch}.").format(batch=event.summary.batch))
        self.query_one("#orders-report", Static).update(summary_text(event.summary, event.dry_run))
        self.query_one("#orders-body", VerticalScroll).focus()  # r and u are keys again, not text
        self.refresh_bindings()

    def on_orders_import_screen_failed(self, event: Failed) -> None:
        self.busy = False
        self.query_one("#orders-report", Static).update(literal(event.reason, style="bold"))
        self.refresh_bindings()

    def action_undo(self) -> None:
        if self.batch_id is not None:
            self.busy = True
            self.refresh_bindings()
            self.undo(self.batch_id)

    @work(thread=True, exclusive=True, group="orders-import", exit_on_error=False)
    def undo(self, batch: int) -> None:
        report = self.jobs.undo_import(self.ws, batch)
        line = _("Batch {batch} undone: {removed} documents removed, {restored} restored.").format(
            batch=batch, removed=report.documents_removed, restored=report.documents_restored
        )
        self.post_message(self.Undone(line))

    def on_orders_import_screen_undone(self, event: Undone) -> None:
        self.busy = False
        self.batch_id = None
        self.checked = None
        self.notify(event.line)
        self.query_one("#orders-report", Static).update(event.line)
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker is reported by the app; the screen only stops waiting for it."""
        super().on_worker_state_changed(event)
        if event.state is WorkerState.ERROR:
            self.busy = False
            self.refresh_bindings()

    def action_close(self) -> None:
        self.dismiss()
