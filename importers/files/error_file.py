"""Rows for a person to look at, kept: an .xlsx with every original cell and the reasons beside
it (a rejected row's, and the warnings and conflicts of the rows imported).

The file is read by a person: its headings and reasons are written in the language in force
when it is written (a reason is a ``Message``, worded here, wherever the row was parsed). It is
written by the project's one writer (``crm_tui.domain.exports``): every cell, the file's own
headers and the File and Sheet columns included, is text a spreadsheet cannot run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crm_tui.domain.exports import write_workbook
from crm_tui.domain.values.cells import Cell
from crm_tui.i18n import Message, _


@dataclass(frozen=True)
class RejectedRow:
    """A row kept in the file: rejected (``reason`` says why), or imported with something for a
    person to look at; ``notes`` are its warnings and conflicts, written after the reason."""

    file: str
    sheet: str
    row: int
    reason: Message
    cells: dict[str, Cell]
    notes: tuple[Message, ...] = ()

    def reasons(self) -> str:
        return "; ".join(str(m) for m in (self.reason, *self.notes))


def write_error_file(path: Path, rejected: Sequence[RejectedRow]) -> Path:
    headers: list[str] = []
    for r in rejected:
        for h in r.cells:
            if h not in headers:
                headers.append(h)
    write_workbook(
        path,
        _("Rows to look at"),
        [_("File"), _("Sheet"), _("Row"), _("Reason"), *headers],
        ([r.file, r.sheet, r.row, r.reasons(), *(r.cells.get(h) for h in headers)] for r in rejected),
    )
    return path
