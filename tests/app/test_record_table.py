"""The record table knows its size as soon as its records are set, so a screen that is laid out
next (a card shown on its kept screen) draws the rows and their scrollbar in one frame."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from crm_tui.widgets.record_table import Col, RecordTable


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
