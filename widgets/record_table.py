"""A row-cursor table of records, moved with j/k or the arrows and opened with Enter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable

from crm_tui.i18n import N_
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.table_lines import Frame, LineDrawer, Palette

MIN_FLEX_WIDTH = 8
FLEX_WANTED = 12
"""A table too narrow to give its flexible column this much drops its optional columns."""
SCROLLBAR_RESERVE = 2


class Col(NamedTuple):
    """A column: its label, its width in cells (None: take the room left) and alignment.

    A fixed column is never narrower than its label (labels are translated: a Russian title
    may be longer than the English one the width was chosen for). ``optional``: on a table too
    narrow for its flexible column, optional columns are left out, the highest number first.
    """

    label: str
    width: int | None = None
    right: bool = False
    optional: int = 0


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis, so long names never break a layout."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class RecordTable(DataTable[Text], inherit_bindings=False):
    """A read-only table whose rows are records with string keys.

    Columns are `Col`s; a column of width None takes the room the others leave, so the table
    never needs a horizontal scrollbar (long text ends with "…"), and a ``right`` column (money,
    counts) is right-aligned, its header too. Rows are given
    as plain data (a key and the cells as text); the cursor stays on the same record across
    reloads when it is still there. Page keys are left to the screen, which pages in SQL.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the record under the cursor (posts `DataTable.RowSelected`); only when `openable`. |
    | up, k | Move the cursor up. |
    | down, j | Move the cursor down. |
    | home | Move to the first row. |
    | end | Move to the last row. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("table.open", "select_cursor", N_("Open")),
        bind("table.up", "cursor_up", N_("Up"), show=False),
        bind("table.down", "cursor_down", N_("Down"), show=False),
        bind("table.first", "scroll_top", N_("First row"), show=False),
        bind("table.last", "scroll_bottom", N_("Last row"), show=False),
    ]

    def __init__(
        self,
        columns: Sequence[Col],
        *,
        id: str | None = None,
        classes: str | None = None,
        openable: bool = True,
        flex_wanted: int = FLEX_WANTED,
    ) -> None:
        """``flex_wanted``: the cells the flexible column should get before optional columns
        are kept (a list of names asks for more: the names are what a person reads it for)."""
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._columns_spec = list(columns)
        self._records: list[tuple[str, Sequence[Text]]] = []
        self._widths: list[int] = []
        self.openable = openable
        self.flex_wanted = flex_wanted
        self._mouse_hover = False
        """Whether DataTable shows its hover row now: after the mouse moved or clicked over the
        table, until a key moves the cursor or the mouse leaves (as DataTable decides it)."""
        self._frame: Frame | None = None
        """What the lines of the frame being drawn share (``render_lines``)."""
        self._drawer = LineDrawer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter is offered only on tables whose records open somewhere."""
        if action == "select_cursor":
            return self.openable and self.row_count > 0
        return True

    def _fitted_widths(self) -> list[int]:
        """Each column's width at the table's width; 0 for an optional column left out."""
        fixed = [None if c.width is None else max(c.width, cell_len(c.label)) for c in self._columns_spec]
        shown = [True] * len(fixed)
        flexible = fixed.count(None)
        droppable = sorted(
            (i for i, c in enumerate(self._columns_spec) if c.optional),
            key=lambda i: -self._columns_spec[i].optional,
        )
        while True:
            columns = sum(shown)
            used = sum(w for w, on in zip(fixed, shown, strict=True) if w is not None and on)
            room = self.size.width - used - 2 * self.cell_padding * columns - SCROLLBAR_RESERVE
            if not (flexible and droppable and room < flexible * self.flex_wanted):
                break
            shown[droppable.pop(0)] = False
        share = max(room // flexible, MIN_FLEX_WIDTH) if flexible else 0
        return [0 if not on else share if w is None else w for w, on in zip(fixed, shown, strict=True)]

    def _shown(self, cells: Sequence[Text]) -> list[Text]:
        """The cells of the columns on show (all of them before the widths are fitted)."""
        if len(self._widths) != len(cells):
            return list(cells)
        return [cell for cell, width in zip(cells, self._widths, strict=True) if width]

    def _rebuild(self) -> None:
        previous = self.selected_key
        self._widths = self._fitted_widths()
        self.clear(columns=True)
        for column, width in zip(self._columns_spec, self._widths, strict=True):
            if width:
                label = Text(column.label, justify="right" if column.right else "left")
                self.add_column(label, width=width, key=column.label)
        for key, cells in self._records:
            self.add_row(*self._shown(cells), key=key)
        self._settle_size()
        self._restore_cursor(previous)

    def _settle_size(self) -> None:
        """Size the table for its rows now rather than on its next idle, as DataTable does: with
        the size and the scrollbar known before the screen's next layout, new records are laid
        out and drawn once. Otherwise the layout after ``set_records`` sees the old size, and
        the scrollbar that the rows call for comes with a second layout and a second frame.
        Columns have fixed widths and rows are one line high, so the size is known without
        measuring a cell; DataTable's own measuring on idle finds the same size
        (tests/app/test_record_table.py)."""
        width = sum(width + 2 * self.cell_padding for width in self._widths if width)
        height = self.row_count + (self.header_height if self.show_header else 0)
        self.virtual_size = Size(width, height)
        room = self.container_size.height
        if room and self.styles.overflow_y == "auto":
            self.show_vertical_scrollbar = height > room

    # --- drawing ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``, with what they share (styles, widths) looked up once."""
        self._frame = self._current_frame()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        """Line ``y`` as DataTable draws it, its cells drawn straight from their ``Text``
        (widgets/table_lines.py: a page of new records in a fraction of DataTable's time). A
        table shaped otherwise than a record table (fixed rows or columns, a cell cursor, a
        taller header) or a cell that is not one line of text is left to DataTable. Rows are
        one line high and have no labels (``set_records`` adds them so)."""
        frame = self._frame or self._current_frame()
        if frame is None:
            return super().render_line(y)
        header = 1 if self.show_header else 0
        row = -1 if y < header else y + self.scroll_offset.y - header
        if row >= self.row_count:
            return Strip.blank(frame.width, frame.palette.base)
        if row == -1:
            cells: Sequence[object] = [column.label for column in self.ordered_columns]
        elif len(self._records) == self.row_count:
            cells = self._shown(self._records[row][1])  # as added, in order (never sorted)
        else:
            cells = self.get_row_at(row)
        strip = self._drawer.line(self.app.console, frame, row, cells)
        return super().render_line(y) if strip is None else strip

    def _current_frame(self) -> Frame | None:
        """What the lines drawn now share; None for a table that DataTable draws itself."""
        padding = self.cell_padding
        widths = tuple(column.get_render_width(self) for column in self.ordered_columns)
        if (
            self.cursor_type != "row"
            or self.fixed_rows
            or self.fixed_columns
            or self.header_height != 1
            or any(width - 2 * padding < 1 for width in widths)
        ):
            return None
        base = self.rich_style
        if self.zebra_stripes:
            even = self.get_component_styles("datatable--even-row").rich_style
            odd = self.get_component_styles("datatable--odd-row").rich_style
        else:
            even = odd = base
        get = self.get_component_rich_style
        palette = Palette(
            base=base,
            header=self.get_component_styles("datatable--header").rich_style,
            rows=(even, odd),
            hover=get("datatable--hover"),
            header_hover=get("datatable--header-hover"),
            cursor=get("datatable--cursor"),
            css_foreground=self.cursor_foreground_priority == "css",
            css_background=self.cursor_background_priority == "css",
        )
        shown = self.show_cursor
        return Frame(
            palette=palette,
            width=self.size.width,
            scroll_x=self.scroll_offset.x,
            widths=widths,
            padding=padding,
            cursor_row=self.cursor_row if shown else None,
            hover_row=self.hover_row if shown and self._mouse_hover else None,
        )

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_mouse_hover(bool(event.style.meta))

    def on_click(self, event: events.Click) -> None:
        self._set_mouse_hover(True)

    def on_leave(self, event: events.Leave) -> None:
        self._set_mouse_hover(False)

    def _set_mouse_hover(self, shown: bool) -> None:
        if shown != self._mouse_hover:
            self._mouse_hover = shown
            self.refresh_row(self.hover_row)

    def action_cursor_up(self) -> None:
        self._set_mouse_hover(False)
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        self._set_mouse_hover(False)
        super().action_cursor_down()

    def action_scroll_top(self) -> None:
        self._set_mouse_hover(False)
        super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        self._set_mouse_hover(False)
        super().action_scroll_bottom()

    def action_select_cursor(self) -> None:
        self._set_mouse_hover(False)
        super().action_select_cursor()

    def _restore_cursor(self, key: str | None) -> None:
        if key is not None and key in self.rows:
            self.move_cursor(row=self.get_row_index(key), animate=False)
        else:
            self.move_cursor(row=0, animate=False)
        self.refresh_bindings()

    def on_mount(self) -> None:
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Fit the columns to the table's width now. A screen laid out while hidden (a kept
        card screen after a terminal resize) calls this before it is shown, so that its first
        frame does not draw the old widths: the Resize event would only be handled after it.
        A table with no width (hidden: a card panel with no rows) keeps the widths it had."""
        if self.size.width and self._fitted_widths() != self._widths:
            self._rebuild()

    @property
    def selected_key(self) -> str | None:
        """The key of the record under the cursor, or None for an empty table."""
        if self.row_count == 0:
            return None
        row_key, _column = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def set_records(self, records: Iterable[tuple[str, Sequence[Text]]], *, keep_cursor: bool = True) -> None:
        """Replace every row; the cursor stays on the same key when that record is still shown.

        The same records in the same order (a search typed further that finds the same page, a
        live reload after a colleague's change elsewhere) change only the cells that differ, in
        place, and nothing at all when none does: no rows cleared and added, no repaint."""
        previous = self.selected_key if keep_cursor else None
        right = [c.right for c in self._columns_spec]
        fresh: list[tuple[str, Sequence[Text]]] = []
        for key, cells in records:
            for cell, is_right in zip(cells, right, strict=True):
                if is_right:
                    cell.justify = "right"
            fresh.append((key, cells))
        if self._update_in_place(fresh):
            self._restore_cursor(previous)
            return
        self._records = fresh
        self.clear()
        for key, cells in self._records:
            self.add_row(*self._shown(cells), key=key)
        self._settle_size()
        self._restore_cursor(previous)

    def _update_in_place(self, fresh: list[tuple[str, Sequence[Text]]]) -> bool:
        """Put ``fresh`` in the rows on show when they are the same records in the same order
        (``DataTable.update_cell`` for the cells that differ); False when the rows differ."""
        old = self._records
        fitted = len(self._widths) == len(self._columns_spec)
        if not fitted or [k for k, _ in fresh] != [k for k, _ in old] or self.row_count != len(old):
            return False
        for (key, cells), (_key, was) in zip(fresh, old, strict=True):
            for column, width, cell, before in zip(self._columns_spec, self._widths, cells, was, strict=True):
                if width and not same_text(cell, before):
                    self.update_cell(key, column.label, cell)
        self._records = fresh
        return True


def same_text(a: Text, b: Text) -> bool:
    """Whether two cells would be drawn alike (``Text ==`` compares the characters and spans
    only, not the style of the whole, its alignment or its overflow)."""
    return (a.plain, a.spans, a.style, a.justify, a.overflow, a.no_wrap) == (
        b.plain,
        b.spans,
        b.style,
        b.justify,
        b.overflow,
        b.no_wrap,
    )
