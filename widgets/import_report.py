"""What an import did (and what its undo took back), in words and counts."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from crm_tui.domain.imports.batches import ImportSummary, UndoReport, more_problems
from crm_tui.domain.values.text import literal
from crm_tui.i18n import _, counted

PROBLEMS_SHOWN = 12


def display_path(path: str | Path) -> str:
    """A path as a person would type it: under the home directory as ``~/...``."""
    path = Path(path)
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def dry_run_line(summary: ImportSummary) -> str:
    """One line for a dry run: what the import would do with every row of the sheet."""
    return _(
        "Dry run, all {rows} rows: would create {created}, enrich {enriched}, leave {unchanged} "
        "unchanged; already imported {already}, rejected {rejected}, conflicts {conflicts}, "
        "warnings {warnings}."
    ).format(
        rows=summary.rows,
        created=summary.created,
        enriched=summary.enriched,
        unchanged=summary.unchanged,
        already=summary.already_imported,
        rejected=summary.rejected,
        conflicts=summary.conflicts,
        warnings=summary.warnings,
    )


def _counts(summary: ImportSummary) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column(justify="right", style="bold")
    grid.add_column(style="dim")
    lines = [
        (_("Rows read"), summary.rows, ""),
        (_("Created"), summary.created, _("new clients")),
        (_("Enriched"), summary.enriched, _("existing clients got new data")),
        (_("Unchanged"), summary.unchanged, _("existing clients, nothing new")),
        (_("Already imported"), summary.already_imported, _("rows this file brought in before")),
        (_("Rejected"), summary.rejected, _("rows kept in the errors file")),
        (_("Conflicts"), summary.conflicts, _("values that differ from the base, base kept")),
        (_("Warnings"), summary.warnings, ""),
    ]
    if summary.merged:  # shown when it happened: most files have one row a client
        lines.insert(5, (_("Merged"), summary.merged, _("rows of a client an earlier row of the file had")))
    for label, count, note in lines:
        grid.add_row(label, str(count), note)
    return grid


class ImportReport(Static):
    """The summary of an import batch, then (after an undo) what was reverted and what kept."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._summary: list[RenderableType] = []

    def show_summary(self, summary: ImportSummary, source: str, owner_login: str) -> None:
        """``source`` names the file and sheet; rows without a known owner went to ``owner_login``."""
        title = _("Import batch {batch}: {source}").format(batch=summary.batch, source=source)
        parts: list[RenderableType] = [literal(title, style="bold"), Text(""), _counts(summary), Text("")]
        if summary.errors_file:
            parts.append(
                Text(_("Rows to look at, with their reasons: "))
                + literal(display_path(summary.errors_file), style="bold")
            )
        if summary.unmatched_owners:
            owners = ", ".join(summary.unmatched_owners)
            parts.append(
                literal(
                    _("Owners not found (their rows went to {login}): {owners}").format(
                        login=owner_login, owners=owners
                    )
                )
            )
        if summary.problems:
            parts += [Text(""), Text(_("First problems:"), style="bold")]
            parts += [
                literal(f"  {p}", no_wrap=True, overflow="ellipsis")
                for p in summary.problems[:PROBLEMS_SHOWN]
            ]
            left_out = summary.problems_total - min(len(summary.problems), PROBLEMS_SHOWN)
            if left_out:
                parts.append(Text("  " + more_problems(left_out, summary.errors_file), style="dim"))
        self._summary = parts
        self.update(Group(*parts))

    def show_undo(self, report: UndoReport) -> None:
        """The summary, followed by what undoing the batch took back and what it kept."""
        removed = counted(report.clients_removed, "{count} client removed", "{count} clients removed")
        cleared = counted(report.fields_cleared, "{count} field cleared", "{count} fields cleared")
        records = counted(
            report.records_removed, "{count} other record removed", "{count} other records removed"
        )
        line = _("Batch {batch} undone: {removed}, {cleared}, {records}.").format(
            batch=report.batch, removed=removed, cleared=cleared, records=records
        )
        parts: list[RenderableType] = [Text(line, style="bold")]
        if report.kept:
            parts.append(Text(_("Kept, because someone worked on them since:")))
            parts += [literal(f"  {k}") for k in report.kept]
        self.update(Group(*parts, Text(""), *self._summary))
