"""The record table knows its size as soon as its records are set, so a screen that is laid out
next (a card shown on its kept screen) draws the rows and their scrollbar in one frame."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

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


def cells_of(lines: list[list[Segment]]) -> list[list[tuple[str, Style | None]]]:
    """Each line as its characters with their styles: how a line is cut into segments is not
    something a person sees."""
    return [[(char, segment.style) for segment in line for char in segment.text] for line in lines]


AWKWARD = [
    "Звонок",
    "Касание 1234: обсудили поставку и оплату, договорились о встрече",
    "",
    "   с пробелами   ",
    "中文字符宽",
    "emoji 📞 звонок",
    "1 250 000,00 ₽",
    "x" * 40,
]


async def test_a_cell_is_drawn_as_datatable_draws_it() -> None:
    """The fast drawing of one-line cells against DataTable's own, on awkward text: wide and
    Cyrillic characters, styles and spans, each justification and overflow, under and off the
    cursor, at widths that cut and that pad."""
    app = OneTable()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RecordTable)
        records = []
        for n, plain in enumerate(AWKWARD):
            for justify in (None, "left", "right"):
                for overflow in (None, "ellipsis", "crop"):
                    when = Text(plain[:11], style="bold red", justify=justify, overflow=overflow)
                    what = Text(plain, justify=justify, overflow=overflow)
                    what.stylize("italic", 0, 3)
                    records.append((f"{n}-{justify}-{overflow}", [when, what]))
        table.set_records(records)
        await pilot.pause()
        compared = 0
        for row in range(table.row_count):
            for column in range(2):
                for width in (1, 3, 8, 14, 30):
                    for cursor, hover in ((False, False), (True, False), (False, True)):
                        style = Style(bgcolor="#202020") if row % 2 else Style()
                        fast = table._render_cell(row, column, style, width, cursor, hover)
                        table._cell_render_cache.clear()
                        slow = DataTable._render_cell(table, row, column, style, width, cursor, hover)
                        table._cell_render_cache.clear()
                        assert cells_of(fast) == cells_of(slow), (AWKWARD[row // 9], width, cursor)
                        compared += 1
        assert compared == len(records) * 2 * 5 * 3
