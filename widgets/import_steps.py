"""The import wizard's bigger steps as widgets: columns, preview and the running import.

Each takes plain data from the screen (a ``ColumnMap``, parsed rows, counts) and shows it; the
screen keeps the flow, the workers and the keys.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import ProgressBar, Static

from crm_tui.domain.imports.mapping import ColumnMap
from crm_tui.domain.imports.rows import DataRow, ParsedRow
from crm_tui.domain.values.text import inert, literal
from crm_tui.i18n import _, ngettext
from crm_tui.widgets.mapping_table import MappingTable
from crm_tui.widgets.preview_table import PreviewTable, row_problems

IDENTIFYING = frozenset({"name", "phone", "email", "contact_name", "inn", "inn_kpp"})
"""Fields that let a row become a client; a mapping without any of them rejects every row."""


def grouped(number: int) -> str:
    """12345 -> "12 345" (a narrow no-break space between thousands, as Russians write)."""
    return f"{number:,}".replace(",", "\u202f")


def rows_text(count: int) -> str:
    """The count of rows ("12 345 rows") in the plural form the language in force wants for ``count``."""
    return ngettext("{count} row", "{count} rows", count).format(count=grouped(count))


class MappingStep(Vertical):
    """The columns of the sheet (a `MappingTable`) and a note: where the header is, how many
    rows and columns, and the keys."""

    def compose(self) -> ComposeResult:
        yield MappingTable(id="mapping")
        yield Static("", id="mapping-note", classes="wizard-hint", markup=False)

    def show(
        self,
        columns: ColumnMap,
        suggested: ColumnMap,
        rows: Sequence[DataRow],
        *,
        first_column: int,
        chosen: Collection[int],
        header_row: int,
        total_rows: int,
    ) -> None:
        self.query_one(MappingTable).show(columns, suggested, rows, first_column=first_column, chosen=chosen)
        used = sum(1 for c in columns.columns if c.field)
        parts = [
            _("Header in row {row}; {rows} of data; {used} of {total} columns imported.").format(
                row=header_row, rows=rows_text(total_rows), used=used, total=len(columns.columns)
            ),
            _("Enter or e: change a column's field · n: preview the rows."),
        ]
        if not {c.field for c in columns.columns} & IDENTIFYING:
            parts.insert(1, _("No column gives a name, phone, e-mail or INN: every row would be rejected."))
        self.query_one("#mapping-note", Static).update("\n".join(parts))


class PreviewStep(Vertical):
    """The first rows as the import reads them, their problems in words, and the dry run's
    counts for the whole sheet."""

    def compose(self) -> ComposeResult:
        with Vertical(id="preview-panel", classes="panel"):
            yield PreviewTable(id="preview")
        with VerticalScroll(id="problems-panel", classes="panel"):
            yield Static("", id="problems", markup=False)
        yield Static("", id="dry-run", markup=False)

    def show(self, rows: Sequence[ParsedRow], total: int) -> None:
        self.query_one(PreviewTable).show(rows)
        title = (
            _("All {total}, as they will be imported")
            if len(rows) == total
            else _("The first {shown} of {total}, as they will be imported")
        )
        self.query_one("#preview-panel").border_title = title.format(shown=len(rows), total=rows_text(total))
        theme = self.app.current_theme
        lines = []
        for row in rows:
            style = (theme.error or "red") if row.rejection else (theme.warning or "yellow")
            for problem in row_problems(row):
                line = Text(_("row {row}: ").format(row=row.source.row), style="bold")
                lines.append(line.append(inert(problem), style=style))
        panel = self.query_one("#problems-panel", VerticalScroll)
        panel.border_title = _("Problems in these rows ({count})").format(count=len(lines))
        text = Text("\n").join(lines) if lines else Text(_("None: every row reads cleanly."), style="dim")
        self.query_one("#problems", Static).update(text)
        self.show_dry_run(_("Checking all {rows} against the base…").format(rows=rows_text(total)))

    def show_dry_run(self, text: str) -> None:
        self.query_one("#dry-run", Static).update(literal(text, multiline=True))


class RunStep(Vertical):
    """The import under way: what is imported, a progress bar and the rows done."""

    def compose(self) -> ComposeResult:
        yield Static("", id="run-text", markup=False)
        yield ProgressBar(id="import-progress")
        yield Static("", id="run-rows", classes="wizard-hint", markup=False)

    def start(self, text: str, total: int) -> None:
        self.total = total
        self.query_one("#run-text", Static).update(literal(text))
        self.query_one(ProgressBar).update(total=total or None, progress=0)
        self.query_one("#run-rows", Static).update("")

    def advance(self, done: int) -> None:
        self.query_one(ProgressBar).update(progress=done)
        self.query_one("#run-rows", Static).update(
            _("{done} of {total}").format(done=grouped(done), total=rows_text(self.total))
        )
