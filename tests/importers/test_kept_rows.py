"""Rows kept for the errors file stay in bounded memory and all reach the file, in order.

A million-row list whose every row has a warning keeps every row with its cells for the errors
file; past a few thousand they wait in a temporary file instead of memory (``KeptRows``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from crm_tui.domain.values.cells import Cell
from crm_tui.i18n import N_, Message
from crm_tui.importers.files import error_file
from crm_tui.importers.files.error_file import KeptRows, RejectedRow, write_error_file


def test_every_kept_row_reaches_the_errors_file_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(error_file, "SPILL_ROWS", 100)
    kept = KeptRows()
    reason = Message("row.no_name", N_("no name, phone or e-mail"))
    for number in range(2, 1_052):
        cells: dict[str, Cell] = {"Наименование": f"ООО «Ромашка {number}»", "Телефон": "8 916 000"}
        if number == 777:
            cells["Column M"] = '=HYPERLINK("http://x")'  # a heading only one late row has
        kept.append(RejectedRow("клиенты.xlsx", "Лист1", number, reason, cells))
    assert len(kept) == 1_050
    assert len(kept._held) == 50  # the rest waits on disk

    path = write_error_file(tmp_path / "errors.xlsx", kept)

    sheet = load_workbook(path).active
    assert sheet is not None
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][4:] == ("Наименование", "Телефон", "Column M")
    assert [r[2] for r in rows[1:]] == list(range(2, 1_052))
    assert rows[776][4] == "ООО «Ромашка 777»" and rows[776][6] == '=HYPERLINK("http://x")'
    assert list(kept) == list(kept)  # read back as often as needed
