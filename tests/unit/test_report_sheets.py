"""The report screens' workbooks: several sheets through the one writer, formula-safe, a file
per export (never over an earlier one)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from crm_tui.domain.exports import MONEY_FORMAT, Sheet
from crm_tui.domain.reports.sheets import save_report


def test_sheets_keep_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    sheets = [
        Sheet(
            "Plan / fact: [all]",
            ["=HYPERLINK(1)", "Amount"],
            [["=1+2", 1500.5], ["-3", 2]],
            [None, MONEY_FORMAT],
        ),
        Sheet("Second", ["Day"], [[date(2026, 12, 7)]]),
    ]
    first = save_report(tmp_path, "dashboard", date(2026, 12, 7), sheets)
    second = save_report(tmp_path, "dashboard", date(2026, 12, 7), sheets)
    assert (first.name, second.name) == ("dashboard-2026-12-07.xlsx", "dashboard-2026-12-07-2.xlsx")
    assert first.parent == tmp_path / "exports" and oct(first.stat().st_mode & 0o777) == "0o600"
    book = load_workbook(first)
    plan, other = book.worksheets
    assert plan.title == "Plan - fact- -all-"
    assert [[c.value for c in row] for row in plan.iter_rows()] == [
        ["=HYPERLINK(1)", "Amount"],
        ["=1+2", 1500.5],
        ["-3", 2],
    ]
    assert plan["A2"].data_type == "s" and plan["B2"].number_format == MONEY_FORMAT
    assert other["A2"].value.date() == date(2026, 12, 7)
