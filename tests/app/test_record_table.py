"""The record table knows its size as soon as its records are set, so a screen that is laid out
next (a card shown on its kept screen) draws the rows and their scrollbar in one frame."""

from __future__ import annotations

from rich.console import OverflowMethod
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

from crm_tui.widgets.record_table import Col, RecordTable
from crm_tui.widgets.table_lines import TableCell


class OneTable(App[None]):
    CSS = "RecordTable { height: 6; }"

    def compose(self) -> ComposeResult:
        yield RecordTable([Col("Когда", 11), Col("Что")], id="table")


def rows(count: int) -> list[tuple[str, list[Text]]]:
    return [(str(n), [Text(f"{n:02}.11 10:00"), Text(f"Звонок {n}")]) for n in range(count)]


async def test_rows_that_overflow_call_for_the_scrollbar_before_the_next_idle() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RecordTable)
        assert not table.show_vertical_scrollbar
        table.set_records(rows(12))
        # Checked before any await: the table did not wait for its idle to know its size.
        assert table.virtual_size.height == 13  # the rows and the header
        assert table.show_vertical_scrollbar
        table.set_records(rows(2))
        assert table.virtual_size.height == 3
        assert not table.show_vertical_scrollbar
        await pilot.pause()
        assert table.virtual_size.height == 3 and not table.show_vertical_scrollbar


async def test_the_size_set_ahead_is_the_size_datatable_computes() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RecordTable)
        table.set_records(rows(12))
        ahead = table.virtual_size
        await pilot.pause()  # DataTable measures the new rows on its idle
        assert table.virtual_size == ahead
        assert table.show_vertical_scrollbar


async def test_the_same_records_again_change_only_what_changed_and_keep_the_cursor() -> None:
    """A reload that finds the same records (a live refresh, a search typed further) puts the
    changed cells in place: the new values are shown, the cursor stays, a cell whose style alone
    changed (a task now late, in red) is drawn again too."""
    app = OneTable()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RecordTable)
        table.set_records(rows(4))
        table.move_cursor(row=2)
        again = rows(4)
        again[1][1][1] = Text("Встреча 1")
        again[3][1][1] = Text("Звонок 3", style="red")
        table.set_records(again)
        await pilot.pause()
        assert table.selected_key == "2"
        assert [str(table.get_cell(str(n), "Что")) for n in range(4)] == [
            "Звонок 0",
            "Встреча 1",
            "Звонок 2",
            "Звонок 3",
        ]
        cell = table.get_cell("3", "Что")
        assert isinstance(cell, Text) and cell.style == "red"
        table.set_records(rows(3))  # other records: rebuilt, the cursor kept on its record
        await pilot.pause()
        assert table.row_count == 3 and table.selected_key == "2"


AWKWARD = [
    "Ромашка",
    "",
    "ООО «Строй» " * 5,
    "中文字符 的名字 很长很长很长",
    "a\u0301b e\u0301",
    "emoji 😀😀😀😀😀😀",
    "trailing   ",
    "   leading",
    "[bold]not markup[/]",
]


OVERFLOWS: tuple[OverflowMethod | None, ...] = (None, "ellipsis", "crop")


def awkward_rows(count: int) -> list[tuple[str, list[Text]]]:
    """Cells of every kind a record table is given: plain, styled (a string style, a Style,
    an invalid-looking one), with spans, cut with or without an ellipsis, right-aligned money,
    wide characters and combining marks, empty."""
    rows = []
    for n in range(count):
        word = AWKWARD[n % len(AWKWARD)]
        what = Text(word, style=("", "red", "bold on blue")[n % 3], overflow=OVERFLOWS[n % 3])
        if n % 4 == 1:
            what.stylize("underline", 1, 4)
        if n % 5 == 2:
            what = TableCell(word, no_wrap=True, overflow="ellipsis", justify="left")
        money = Text(f"{n * 1000:,} ₽".replace(",", " ") if n % 6 else "", justify="right")
        if n % 7 == 3:
            money.stylize("green")
        rows.append((str(n), [Text(f"{n:02}.11 10:00", style=Style(italic=n % 2 == 0)), what, money]))
    return rows


class AwkwardTable(App[None]):
    CSS = "RecordTable { height: 12; }"

    def compose(self) -> ComposeResult:
        yield Input(id="elsewhere")
        yield RecordTable([Col("Когда", 11), Col("Что"), Col("Сумма", 12, right=True)], id="table")


def drawn_alike(table: RecordTable) -> list[int]:
    """The lines that RecordTable draws otherwise than DataTable would."""
    lines = range(table.size.height)
    return [y for y in lines if list(table.render_line(y)) != list(DataTable.render_line(table, y))]


async def test_lines_are_drawn_as_datatable_draws_them() -> None:
    """RecordTable draws its lines itself (widgets/table_lines.py, for speed) and must draw
    what DataTable draws, segment for segment: blurred and focused, the cursor moved, the mouse
    over a row and over the header, scrolled, at two widths, every kind of cell."""
    app = AwkwardTable()
    async with app.run_test(size=(70, 16)) as pilot:
        table = app.query_one(RecordTable)
        table.set_records(awkward_rows(40))
        await pilot.pause()
        assert drawn_alike(table) == []
        table.move_cursor(row=3)
        await pilot.pause()
        assert drawn_alike(table) == []
        table.focus()
        await pilot.pause()
        assert drawn_alike(table) == []
        await pilot.hover(RecordTable, offset=(20, 5))  # the mouse over a row: DataTable's hover
        await pilot.pause()
        assert table.hover_row == 4
        assert drawn_alike(table) == []
        await pilot.hover(RecordTable, offset=(20, 0))  # over the header
        await pilot.pause()
        assert drawn_alike(table) == []
        await pilot.press("down")  # a key hides the hover again
        await pilot.pause()
        assert drawn_alike(table) == []
        await pilot.hover(RecordTable, offset=(66, 6))  # past the last column
        await pilot.pause()
        assert drawn_alike(table) == []
        await pilot.hover("#elsewhere")  # the mouse leaves
        await pilot.pause()
        assert drawn_alike(table) == []
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_offset.y > 0
        assert drawn_alike(table) == []
        await pilot.resize_terminal(30, 16)  # too narrow for its columns: it scrolls sideways
        await pilot.pause()
        table.scroll_to(x=5, animate=False)
        await pilot.pause()
        assert table.scroll_offset.x == 5
        assert drawn_alike(table) == []
        table.set_records(awkward_rows(3))  # fewer rows than lines
        await pilot.pause()
        assert drawn_alike(table) == []


class OpeningTable(AwkwardTable):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str | None] = []

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.opened.append(event.row_key.value)


async def test_a_click_on_a_row_moves_the_cursor_there_and_a_second_opens_it() -> None:
    """The mouse finds the row under it by the meta of the segments drawn (RecordTable's own)."""
    app = OpeningTable()
    async with app.run_test(size=(70, 16)) as pilot:
        table = app.query_one(RecordTable)
        table.set_records(awkward_rows(8))
        await pilot.pause()
        await pilot.click(RecordTable, offset=(20, 3))  # the header is line 0
        await pilot.pause()
        assert table.cursor_row == 2 and app.opened == []
        await pilot.click(RecordTable, offset=(20, 3))
        await pilot.pause()
        assert app.opened == ["2"]
