"""Rows for a person to look at, kept: an .xlsx with every original cell and the reasons beside
it (a rejected row's, and the warnings and conflicts of the rows imported).

The file is read by a person: its headings and reasons are written in the language in force
when it is written (a reason is a ``Message``, worded here, wherever the row was parsed). It is
written by the project's one writer (``crm_tui.domain.exports``): every cell, the file's own
headers and the File and Sheet columns included, is text a spreadsheet cannot run.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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


SPILL_ROWS = 2000
"""Kept rows held in memory before they go to a temporary file, a block at a time."""


class KeptRows:
    """The rows an import keeps for the error file, in order, in bounded memory.

    A million-row file whose every row has a warning (a date typed as text, a phone with an
    extension) keeps every row with its cells; held as objects that would be a gigabyte. Past
    ``SPILL_ROWS`` they are pickled to an unnamed temporary file (readable by this process
    only, gone when closed) and read back, in order, when the error file is written. Iterate as
    often as needed."""

    def __init__(self) -> None:
        self._held: list[RejectedRow] = []
        self._spilled: IO[bytes] | None = None
        self._count = 0
        self.headers: list[str] = []
        """Every cell heading of the kept rows, in the order first met."""
        self._known: set[str] = set()

    def append(self, row: RejectedRow) -> None:
        for heading in row.cells:
            if heading not in self._known:
                self._known.add(heading)
                self.headers.append(heading)
        self._held.append(row)
        self._count += 1
        if len(self._held) >= SPILL_ROWS:
            if self._spilled is None:
                self._spilled = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            self._spilled.seek(0, 2)
            pickle.dump(self._held, self._spilled, protocol=pickle.HIGHEST_PROTOCOL)
            self._held = []

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[RejectedRow]:
        if self._spilled is not None:
            self._spilled.seek(0)
            while True:
                try:
                    block: list[RejectedRow] = pickle.load(self._spilled)
                except EOFError:
                    break
                yield from block
        yield from self._held

    def close(self) -> None:
        if self._spilled is not None:
            self._spilled.close()
            self._spilled = None


def write_error_file(path: Path, rejected: Iterable[RejectedRow]) -> Path:
    """The workbook of ``rejected`` (iterated twice unless it is ``KeptRows``, which knows its
    headings)."""
    if isinstance(rejected, KeptRows):
        headers = rejected.headers
    else:
        rejected = list(rejected)
        headers = []
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
