"""A hostile file in, inert data out: names lose their escape codes at the import, and every cell
of every file the project writes (the errors workbook, any CSV) is text, never a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from crm_tui.domain.exports import export_cell, write_csv, write_workbook
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.clients.service import import_clients
from crm_tui.storage.models import clients
from tests.seed import Seeded, valid_inn

FORMULA_HEADER = '=HYPERLINK("http://evil.example","x")'
INN = valid_inn("773311223")


def rejected_rows(path: str) -> tuple[Sequence[object], Sequence[Sequence[object]]]:
    """The errors workbook's header and rows, after checking that no cell of it is a formula and
    every text is a text cell."""
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    assert all(cell.data_type != "f" for row in rows for cell in row)
    assert all(cell.data_type == "s" for row in rows for cell in row if isinstance(cell.value, str))
    values = [[cell.value for cell in row] for row in rows]
    return values[0], values[1:]


def test_a_formula_header_and_a_file_named_like_a_formula_come_out_of_the_errors_file_as_text(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """The errors workbook neutralised its data cells only: its header row (the file's own
    headers) and the File and Sheet columns were written raw, and became formulas."""
    path = tmp_path / "=1+2.csv"
    path.write_text(f"Наименование;ИНН;{FORMULA_HEADER}\n;;=1+2\n", encoding="utf-8")
    summary = import_clients(workspace_for("admin"), [path], ImportOptions(errors_dir=tmp_path / "errors"))
    assert summary.rejected == 1 and summary.errors_file is not None
    header, [row] = rejected_rows(summary.errors_file)
    assert header == ["File", "Sheet", "Row", "Reason", "Наименование", "ИНН", FORMULA_HEADER]
    assert row[0] == "=1+2.csv" and row[-1] == "=1+2"  # as typed: a text cell, no apostrophe


def test_escape_codes_in_a_file_reach_neither_the_base_nor_break_the_errors_file(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """The import kept ESC and BEL in names; an escape code in a rejected row's cell made the
    errors workbook fail to write (openpyxl refuses control characters), and the import with it."""
    path = tmp_path / "clients.csv"
    path.write_text(
        f"Наименование;ИНН;Комментарий\nООО [/] x\x1b[2J\x1b[H\x07;{INN};\n;;звонок\x1b[31m\x07\n",
        encoding="utf-8",
    )
    ws = workspace_for("admin")
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path / "errors"))
    assert (summary.created, summary.rejected) == (1, 1)
    with ws.read() as session:
        name = session.scalar(select(clients.c.name).where(clients.c.inn == INN))
    assert name == "[/] x[2J[H"  # the markup is the name's own; the ESC and BEL are gone
    assert summary.errors_file is not None
    header, [row] = rejected_rows(summary.errors_file)
    assert dict(zip(header, row, strict=True))["Комментарий"] == "звонок[31m"


def test_every_writer_makes_formulas_text(tmp_path: Path) -> None:
    header = ["Клиент", FORMULA_HEADER, "+7 915", " =1+2", "-1", "\t=1"]
    rows = [["=cmd|' /C calc'!A0", 12, None, "обычный текст", "@SUM(1)", "\x1b[2JЯ"]]
    write_workbook(tmp_path / "out" / "report.xlsx", "=Sheet", header, rows)
    book = load_workbook(tmp_path / "out" / "report.xlsx")
    sheet = book.active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows()]
    assert all(c.data_type == "s" for row in cells for c in row if isinstance(c.value, str))
    assert [[c.value for c in row] for row in cells] == [
        ["Клиент", FORMULA_HEADER, "+7 915", " =1+2", "-1", "\t=1"],
        ["=cmd|' /C calc'!A0", 12, None, "обычный текст", "@SUM(1)", "[2JЯ"],
    ]
    written = [["Клиент", "'" + FORMULA_HEADER, "'+7 915", "' =1+2", "'-1", "'\t=1"]]
    path = tmp_path / "calls.csv"
    write_csv(path, header, rows)
    with path.open(encoding="utf-8-sig", newline="") as f:
        read = list(csv.reader(f, delimiter=";"))
    assert read == [
        written[0],
        ["'=cmd|' /C calc'!A0", "12", "", "обычный текст", "'@SUM(1)", "[2JЯ"],
    ]
    into = io.StringIO(newline="")
    write_csv(into, header[:2], [])  # into a file the caller opened (with its own permissions)
    assert list(csv.reader(io.StringIO(into.getvalue()), delimiter=";")) == [["Клиент", "'" + FORMULA_HEADER]]
    assert export_cell(-5) == -5 and export_cell("Ромашка") == "Ромашка"


def test_a_workbook_keeps_a_formula_as_text_in_the_file_itself(tmp_path: Path) -> None:
    """What Excel reads: an inline string, no <f> element, no apostrophe in the cell."""
    import zipfile

    target = tmp_path / "out.xlsx"
    write_workbook(target, "Sheet", ["Клиент"], [[FORMULA_HEADER]])
    xml = zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml and 't="inlineStr"' in xml
    assert "'=HYPERLINK" not in xml


def test_a_workbook_column_shows_roubles_and_percentages_and_stays_numbers(tmp_path: Path) -> None:
    from crm_tui.domain.exports import MONEY_FORMAT, SHARE_FORMAT

    target = tmp_path / "figures.xlsx"
    write_workbook(target, "Sheet", ["Менеджер", "Сумма", "Доля"], [["Иванова", 4_316_900.41, 0.333]],
                   ["", MONEY_FORMAT, SHARE_FORMAT])  # fmt: skip
    sheet = load_workbook(target).active
    assert sheet is not None
    name, amount, share = next(sheet.iter_rows(min_row=2))
    assert (amount.value, share.value) == (4_316_900.41, 0.333)
    assert amount.number_format == MONEY_FORMAT and "₽" in amount.number_format and "#,##0.00" in MONEY_FORMAT
    assert share.number_format == SHARE_FORMAT and name.number_format == "General"
