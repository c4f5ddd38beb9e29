"""The import wizard: a manager's Excel or CSV file in, clients out, every step in sight.

The screen face of ``crm import clients``, built on the same functions, which the app hands it
as ``ImportJobs`` (``crm_tui.domain.imports.port``): ``open_sheet`` reads the sheet,
``preview_rows`` parses its first rows, ``import_clients`` loads them (first as a dry run, then
for real) and ``undo_import`` takes a batch back. Files and the database are only touched in
thread workers, so the interface never waits on either.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from crm_tui.domain.imports.batches import ImportOptions, ImportSummary, UndoReport
from crm_tui.domain.imports.errors import ImportFileError, MappingError
from crm_tui.domain.imports.mapping import IGNORE, MULTI_VALUED, ColumnMap, unusable_mapping
from crm_tui.domain.imports.port import ImportJobs
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.imports.sheets import SheetPreview
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.import_dialogs import FieldPickerScreen, UndoConfirmScreen
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.import_report import ImportReport, dry_run_line
from crm_tui.widgets.import_steps import MappingStep, PreviewStep, RunStep
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.mapping_table import MappingTable, field_label, sample_values
from crm_tui.widgets.step_bar import StepBar
from crm_tui.widgets.upload_list import Upload, find_uploads, upload_line

STEPS = ("file", "sheet", "mapping", "preview", "run", "summary")
PREVIEW_ROWS = 20


def path_from_input(text: str) -> Path:
    """A typed or pasted path: quotes around it dropped, ``~`` expanded."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return Path(text).expanduser()


def full_mapping(columns: ColumnMap) -> dict[str, str]:
    """Every column's target (``ignore`` for a skipped one), in column order: handed to the
    import as explicit choices, so it imports exactly the mapping the person reviewed."""
    return {c.header: c.field or IGNORE for c in columns.columns}


class _Stopped(Exception):
    """Raised by a cancelled dry run's progress callback, to end it at the next chunk."""


class ImportWizardScreen(CrmScreen):
    """Import clients from a file: file, sheet, columns, preview, import, summary (and undo).

    Nothing is written before the import step; the preview runs the whole file as a dry run.
    The import is one batch, undone with ``u`` on the summary.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the file; choose the sheet; on the columns, change the selected one's field. |
    | tab | From the path to the spreadsheets in the upload folder, newest first (Enter opens one). |
    | e | Change the field of the selected column. |
    | n | Preview the rows with this mapping (and count what the import would do). |
    | r | Run the import. |
    | u | Undo the import just made (asks first). |
    | ctrl+o | Import the sales history (orders, invoices, payments) instead. |
    | escape | Back one step; on the first step and the summary, close the wizard. |
    """

    TITLE = N_("Import clients")
    AUTO_FOCUS = "#file-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("import.change_field", "change_field", N_("Change field")),
        bind("import.change_field_enter", "change_field", N_("Change field"), show=False),
        bind("import.preview", "preview", N_("Preview")),
        bind("import.run", "run", N_("Run import")),
        bind("import.undo", "undo", N_("Undo import")),
        bind("import.orders", "orders", N_("Sales history")),
        bind("import.back", "back", N_("Back")),
        bind("import.close", "close", N_("Close")),
    ]

    class Refused(Message):
        """A file or sheet that cannot be imported: one line saying why."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class SheetsFound(Message):
        """A workbook with several sheets: the person picks one."""

        def __init__(self, path: Path, sheets: list[str]) -> None:
            super().__init__()
            self.path = path
            self.sheets = sheets

    class SheetOpened(Message):
        """A sheet was read: its header, first rows and the remembered mapping; ``sheets``: all
        the sheets of its workbook."""

        def __init__(self, data: SheetPreview, sheets: list[str]) -> None:
            super().__init__()
            self.data = data
            self.sheets = sheets

    class DryRunDone(Message):
        """What the import would do (``summary``), or why it cannot (``error``)."""

        def __init__(self, token: int, summary: ImportSummary | None, error: str | None = None) -> None:
            super().__init__()
            self.token = token
            self.summary = summary
            self.error = error

    class Progressed(Message):
        """The import has read ``rows`` data rows so far."""

        def __init__(self, rows: int) -> None:
            super().__init__()
            self.rows = rows

    class Imported(Message):
        """The import is done (``summary``), or refused the file before writing (``error``)."""

        def __init__(self, summary: ImportSummary | None, error: str | None = None) -> None:
            super().__init__()
            self.summary = summary
            self.error = error

    class Undone(Message):
        """The batch was taken back."""

        def __init__(self, report: UndoReport) -> None:
            super().__init__()
            self.report = report

    class Closed(Message):
        """Posted to the app when the wizard goes away; ``changed``: an import or undo ran."""

        def __init__(self, changed: bool) -> None:
            super().__init__()
            self.changed = changed

    def __init__(self, ws: Workspace, jobs: ImportJobs, data_dir: Path, uploads: Path | None = None) -> None:
        """``uploads``: the person's upload folder (``CRM_UPLOAD_DIR``, else ``uploads`` in the
        data folder), where sftp puts their files; the file step lists its spreadsheets."""
        super().__init__(ws)
        self.jobs = jobs
        self.errors_dir = data_dir / "imports"
        self.uploads = uploads if uploads is not None else data_dir / "uploads"
        self.upload_files: list[Upload] = []
        self.step = "file"
        self.data: SheetPreview | None = None
        self.sheets: list[str] = []
        """The sheets of the open sheet's workbook (several: going back offers them again)."""
        self.suggested: ColumnMap | None = None
        self.columns: ColumnMap | None = None
        self.chosen: set[int] = set()
        self._sheets: tuple[Path, list[str]] = (Path(), [])
        self.preview_rows: list[ParsedRow] = []
        self.dry: ImportSummary | None = None
        self._dry_token = 0
        self.summary: ImportSummary | None = None
        self.undo_report: UndoReport | None = None
        self.busy = False
        """An import or an undo is running: the wizard cannot be left."""
        self.changed = False
        """The base changed (an import or an undo ran): the screen below should reload."""

    def compose(self) -> ComposeResult:
        yield Header()
        labels = (_("File"), _("Sheet"), _("Columns"), _("Preview"), _("Import"), _("Result"))
        yield StepBar(labels, id="wizard-steps-bar")
        with ContentSwitcher(initial="step-file", id="wizard-steps"):
            with Vertical(id="step-file", classes="panel") as panel:
                panel.border_title = _("Which file?")
                yield Static(_("A client list from a manager or another system: .xlsx, .xls, .ods or .csv."))
                yield Input(placeholder=_("Path to the file, e.g. ~/Downloads/clients.xlsx"), id="file-path")
                yield Static(
                    _("Enter opens the file and finds its header row. Nothing is written until you import."),
                    classes="wizard-hint",
                )
                yield Static(
                    _("Or a file sent to your upload folder (Tab, then Enter): {folder}").format(
                        folder=self.uploads
                    ),
                    id="uploads-hint",
                    classes="wizard-hint",
                    markup=False,
                )
                yield OptionList(id="uploads", markup=False)
            with Vertical(id="step-sheet", classes="panel") as panel:
                panel.border_title = _("Which sheet holds the clients?")
                yield OptionList(id="sheets", markup=False)
                yield Static(_("Enter opens the sheet."), classes="wizard-hint")
            mapping = MappingStep(id="step-mapping", classes="panel")
            mapping.border_title = _("Columns and where they go")
            yield mapping
            yield PreviewStep(id="step-preview")
            running = RunStep(id="step-run", classes="panel")
            running.border_title = _("Importing")
            yield running
            with VerticalScroll(id="step-summary", classes="panel") as panel:
                panel.border_title = _("Result")
                yield ImportReport(id="report")
        yield Static("", id="wizard-status", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    # --- steps ----------------------------------------------------------------------------

    def _go(self, step: str) -> None:
        self.step = step
        self.query_one("#wizard-steps", ContentSwitcher).current = f"step-{step}"
        self.query_one("#wizard-steps-bar", StepBar).show(STEPS.index(step))
        self._status("")
        focus = {"file": "#file-path", "sheet": "#sheets", "mapping": "#mapping", "preview": "#preview"}
        target = focus.get(step, "#step-summary" if step == "summary" else None)
        self.set_focus(self.query_one(target) if target else None)
        self.refresh_bindings()

    def _status(self, text: str, *, error: bool = True) -> None:
        status = self.query_one("#wizard-status", Static)
        status.update(literal(text, multiline=True))
        status.set_class(bool(text), "-shown")
        status.set_class(error, "-error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.step
        allowed = {
            "change_field": step == "mapping" and self.columns is not None,
            "preview": step == "mapping" and self.columns is not None and self._unusable() is None,
            "run": step == "preview",
            "undo": step == "summary"
            and self.summary is not None
            and self.summary.batch is not None
            and self.undo_report is None
            and not self.busy,
            "back": step in ("sheet", "mapping", "preview"),
            "close": step in ("file", "summary") and not self.busy,
            "orders": step == "file",
        }
        return allowed.get(action, True)

    def action_back(self) -> None:
        if self.step == "sheet":
            self._go("file")
        elif self.step == "mapping":
            several = self.data is not None and len(self.sheets) > 1
            self._go("sheet" if several else "file")
        elif self.step == "preview":
            self.workers.cancel_group(self, "import-dry-run")
            self._go("mapping")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_orders(self) -> None:
        """The same wizard entry for the other kind of file: the trade system's documents."""
        from crm_tui.screens.orders_import import OrdersImportScreen

        typed = self.query_one("#file-path", Input).value
        app = self.app
        self.dismiss(None)
        app.push_screen(OrdersImportScreen(self.ws, self.jobs, self.errors_dir.parent, typed))

    def on_unmount(self) -> None:
        self.app.post_message(self.Closed(self.changed))

    # --- 1. file and 2. sheet ---------------------------------------------------------------

    class UploadsFound(Message):
        def __init__(self, uploads: list[Upload]) -> None:
            super().__init__()
            self.uploads = uploads

    def on_mount(self) -> None:
        self.list_uploads()

    @work(thread=True, exclusive=True, group="import-uploads", exit_on_error=False)
    def list_uploads(self) -> None:
        """The upload folder's spreadsheets, the folder made if it is not there yet (so that
        sftp finds it); one that cannot be made simply has no files."""
        with contextlib.suppress(OSError):
            self.uploads.mkdir(parents=True, exist_ok=True)
        self.post_message(self.UploadsFound(find_uploads(self.uploads)))

    def on_import_wizard_screen_uploads_found(self, event: UploadsFound) -> None:
        self.upload_files = event.uploads
        listed = self.query_one("#uploads", OptionList)
        listed.set_options(Option(upload_line(u, self.ws.tz)) for u in event.uploads)
        if event.uploads:
            listed.highlighted = 0  # the newest: Enter opens the file just sent
        if not event.uploads:
            listed.add_option(
                Option(Text(_("No spreadsheets there yet."), style="dim italic"), disabled=True)
            )

    @on(OptionList.OptionSelected, "#uploads")
    def _upload_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_index >= len(self.upload_files):
            return
        path = self.upload_files[event.option_index].path
        self.query_one("#file-path", Input).value = str(path)
        self._status(_("Opening {name}…").format(name=path.name), error=False)
        self.inspect_file(path)

    @on(Input.Submitted, "#file-path")
    def _file_entered(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self._status(_("Type the path of the file to import."))
            return
        path = path_from_input(event.value)
        self._status(_("Opening {name}…").format(name=path.name), error=False)
        self.inspect_file(path)

    @work(thread=True, exclusive=True, group="import-open", exit_on_error=False)
    def inspect_file(self, path: Path) -> None:
        try:
            sheets = self.jobs.list_sheets(path)
            if len(sheets) > 1:
                self.post_message(self.SheetsFound(path, sheets))
                return
            data = self.jobs.open_sheet(self.ws, path, sheets[0] if sheets else None, PREVIEW_ROWS)
        except ImportFileError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.SheetOpened(data, sheets))

    @work(thread=True, exclusive=True, group="import-open", exit_on_error=False)
    def open_sheet(self, path: Path, sheet: str, sheets: list[str]) -> None:
        try:
            data = self.jobs.open_sheet(self.ws, path, sheet, PREVIEW_ROWS)
        except ImportFileError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.SheetOpened(data, sheets))

    def on_import_wizard_screen_refused(self, event: Refused) -> None:
        self._status(event.reason)
        self.app.bell()

    def on_import_wizard_screen_sheets_found(self, event: SheetsFound) -> None:
        self._sheets = (event.path, event.sheets)
        options = self.query_one("#sheets", OptionList)
        options.set_options(Option(literal(name), id=str(i)) for i, name in enumerate(event.sheets))
        options.highlighted = 0
        self.sub_title = event.path.name
        self._go("sheet")

    @on(OptionList.OptionSelected, "#sheets")
    def _sheet_chosen(self, event: OptionList.OptionSelected) -> None:
        path, sheets = self._sheets
        sheet = sheets[event.option_index]
        self._status(_("Reading sheet «{sheet}»…").format(sheet=sheet), error=False)
        self.open_sheet(path, sheet, sheets)

    # --- 3. columns -----------------------------------------------------------------------

    def on_import_wizard_screen_sheet_opened(self, event: SheetOpened) -> None:
        data = event.data
        self.data = data
        self.sheets = event.sheets
        self.chosen = set()
        try:
            self.suggested = self.jobs.suggest_mapping(
                data.labels, data.remembered, strict=False, portrait=data.portrait
            )
        except MappingError:  # a remembered mapping that no longer fits: start from suggestions
            self.suggested = self.jobs.suggest_mapping(data.labels, portrait=data.portrait)
        self.sub_title = f"{data.file} · {data.sheet}"
        self._show_mapping(self.suggested)
        self._go("mapping")
        self._say_if_unusable()

    def _unusable(self) -> str | None:
        """Why the columns as mapped cannot be imported (none holds a client), or None."""
        if self.data is None or self.columns is None:
            return None
        refused = unusable_mapping(self.data.file, self.data.sheet, self.columns)
        return None if refused is None else str(refused)

    def _say_if_unusable(self) -> None:
        refused = self._unusable()
        self._status(refused or "")
        if refused:
            self.app.bell()
        self.refresh_bindings()

    def _show_mapping(self, columns: ColumnMap) -> None:
        data, suggested = self.data, self.suggested
        assert data is not None and suggested is not None
        self.columns = columns
        self.query_one(MappingStep).show(
            columns,
            suggested,
            data.first_rows,
            first_column=data.first_column,
            chosen=self.chosen,
            header_row=data.header_row,
            total_rows=data.total_rows,
        )

    def action_change_field(self) -> None:
        index = self.query_one("#mapping", MappingTable).selected_index
        if self.columns is None or self.data is None or index is None:
            return
        column = self.columns.columns[index]

        def picked(field: str | None) -> None:
            if field is not None:
                self._choose(index, field)

        samples = sample_values(self.data.first_rows, index)
        self.app.push_screen(
            FieldPickerScreen(column.header, column.field or IGNORE, samples, self.data.portrait), picked
        )

    def _choose(self, index: int, field: str) -> None:
        """Column ``index`` goes to ``field`` now; a one-value field leaves the column it was on."""
        assert self.columns is not None and self.data is not None
        explicit = full_mapping(self.columns)
        for other in self.columns.columns:
            if other.index != index and other.field == field and field not in MULTI_VALUED:
                explicit[other.header] = IGNORE
                self.chosen.add(other.index)
                self.notify(
                    _("«{header}» is skipped now: {field} takes one column.").format(
                        header=other.header, field=field_label(field, self.data.portrait)
                    )
                )
        explicit[self.data.labels[index]] = field
        try:
            columns = self.jobs.suggest_mapping(
                self.data.labels, explicit, strict=False, portrait=self.data.portrait
            )
        except MappingError as exc:
            self._status(str(exc))
            return
        self.chosen.add(index)
        self._show_mapping(columns)
        self._say_if_unusable()

    # --- 4. preview -----------------------------------------------------------------------

    def _options(self, *, dry_run: bool) -> ImportOptions:
        assert self.data is not None and self.columns is not None
        return ImportOptions(
            sheet=self.data.sheet,
            explicit=full_mapping(self.columns),
            dry_run=dry_run,
            errors_dir=self.errors_dir,
        )

    def action_preview(self) -> None:
        data, columns = self.data, self.columns
        if data is None or columns is None:
            return
        self.preview_rows = self.jobs.preview_rows(data, columns)
        self.query_one(PreviewStep).show(self.preview_rows, data.total_rows)
        self.dry = None
        self._dry_token += 1
        self.dry_run(self._dry_token, data.path, self._options(dry_run=True))
        self._go("preview")

    @work(thread=True, exclusive=True, group="import-dry-run", exit_on_error=False)
    def dry_run(self, token: int, path: Path, options: ImportOptions) -> None:
        worker = get_current_worker()

        def progress(_rows: int) -> None:
            if worker.is_cancelled:
                raise _Stopped

        try:
            summary = self.jobs.import_clients(self.ws, [path], options, progress)
        except _Stopped:
            return
        except (ImportFileError, MappingError) as exc:
            self.post_message(self.DryRunDone(token, None, str(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.DryRunDone(token, summary))

    def on_import_wizard_screen_dry_run_done(self, event: DryRunDone) -> None:
        if event.token != self._dry_token:
            return
        self.dry = event.summary
        line = dry_run_line(event.summary) if event.summary else event.error or ""
        self.query_one(PreviewStep).show_dry_run(line)

    # --- 5. import ------------------------------------------------------------------------

    def action_run(self) -> None:
        data = self.data
        if data is None or self.columns is None:
            return
        self.workers.cancel_group(self, "import-dry-run")
        self.busy = True
        text = _("Importing {file}, sheet «{sheet}»…").format(file=data.file, sheet=data.sheet)
        self.query_one(RunStep).start(text, data.total_rows)
        self._go("run")
        self.run_import(data.path, self._options(dry_run=False))

    @work(thread=True, exclusive=True, group="import-run", exit_on_error=False)
    def run_import(self, path: Path, options: ImportOptions) -> None:
        def progress(rows: int) -> None:
            self.post_message(self.Progressed(rows))

        try:
            summary = self.jobs.import_clients(self.ws, [path], options, progress)
        except (ImportFileError, MappingError) as exc:
            self.post_message(self.Imported(None, str(exc)))
            return
        self.post_message(self.Imported(summary))

    def on_import_wizard_screen_progressed(self, event: Progressed) -> None:
        self.query_one(RunStep).advance(event.rows)

    def on_import_wizard_screen_imported(self, event: Imported) -> None:
        self.busy = False
        if event.summary is None:
            self._go("preview")
            self._status(event.error or "")
            return
        self.summary = event.summary
        self.changed = True
        data = self.data
        source = _("{file}, sheet «{sheet}»").format(file=data.file, sheet=data.sheet) if data else ""
        self.query_one("#report", ImportReport).show_summary(event.summary, source, self.ws.viewer.login)
        self._go("summary")

    # --- 6. undo --------------------------------------------------------------------------

    def action_undo(self) -> None:
        summary = self.summary
        if summary is None or summary.batch is None or self.undo_report is not None:
            return
        batch = summary.batch

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                self.refresh_bindings()
                self._status(_("Undoing import batch {batch}…").format(batch=batch), error=False)
                self.undo(batch)

        self.app.push_screen(UndoConfirmScreen(batch, summary.created), answered)

    @work(thread=True, exclusive=True, group="import-undo", exit_on_error=False)
    def undo(self, batch: int) -> None:
        self.post_message(self.Undone(self.jobs.undo_import(self.ws, batch)))

    def on_import_wizard_screen_undone(self, event: Undone) -> None:
        self.busy = False
        self.undo_report = event.report
        self.query_one("#report", ImportReport).show_undo(event.report)
        self._status("")
        self.refresh_bindings()

    # --- failures -------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker leaves the wizard usable where it stood. (Textual also runs
        `CrmScreen.on_worker_state_changed`, which hands the error to the app to show.)"""
        if event.state is WorkerState.ERROR:
            group = event.worker.group
            if group == "import-dry-run":
                self.query_one(PreviewStep).show_dry_run(_("The dry run failed, so there are no counts."))
            elif group in ("import-run", "import-undo"):
                self.busy = False
                if group == "import-run":
                    self._go("preview")
                else:
                    self._status("")
                    self.refresh_bindings()
