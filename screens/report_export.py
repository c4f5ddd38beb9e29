"""The export keys of every report screen: the figures on screen written to a workbook (or a CSV) in the
data folder's ``exports/`` (``crm_tui.domain.reports.sheets``), off the UI thread, with a
notification naming the file (or saying in the interface's words why it could not be written)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from crm_tui.domain.exports import Sheet
from crm_tui.domain.reports.sheets import save_report
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import _
from crm_tui.screens.base import CrmScreen


def export_report(
    screen: CrmScreen, report: str, sheets: Sequence[Sheet] | None, *, csv: bool = False
) -> None:
    """Write ``sheets`` as ``<report>-<day>.xlsx`` (``csv``: ``.csv``, for a Russian Excel) in a
    thread worker; None: nothing shown yet."""
    if sheets is None:
        screen.notify(_("Nothing to export yet: the figures are still being counted."), markup=False)
        return
    folder: Path = getattr(screen.app, "data_dir", None) or Path.cwd()  # the app always has one
    today = screen.ws.now().astimezone(screen.ws.tz).date()

    def write() -> None:
        try:
            path = save_report(folder, report, today, sheets, csv=csv)
        except OSError as exc:
            said = _("The report could not be written to {folder}: {reason}").format(
                folder=folder / "exports", reason=file_reason(exc)
            )
            screen.app.call_from_thread(screen.notify, said, severity="error", markup=False)
            return
        said = _("Exported to {file}").format(file=path)
        screen.app.call_from_thread(screen.notify, said, markup=False)

    screen.run_worker(write, thread=True, group="report-export", exit_on_error=False)
