"""A record table's lines drawn straight from its cells: the segments DataTable draws, faster.

DataTable draws each cell through Rich's renderables (``Styled(Padding(cell))`` rendered into
lines, wrapped, cropped and padded), ~0.1-0.2 ms a cell: a page of 50 clients is ~230 cells on
screen, and a search keystroke that brings a new page spent most of its frame there (issue 29).
A record table's cells are one-line ``Text`` in columns of fixed width, so a cell is its text
truncated or padded to its width between two margins, with the row's and the cursor's styles
applied around the text's own in DataTable's order. ``tests/app/test_record_table.py`` compares
every line drawn here with DataTable's own ``render_line`` (cursor, hover, zebra stripes, focus,
scrolling, awkward cells), so a Textual or Rich upgrade that draws otherwise shows up there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

JOINER = Text("\n")
"""Rich joins a cell's lines with this: the text's own style becomes a span, which
``Text.render`` of the bare text would drop."""


class TableCell(Text):
    """A record table's cell: a ``Text`` that DataTable does not measure.

    DataTable measures every cell of the rows added since its last idle, through Rich's
    ``__rich_measure__`` with a fresh copy of the console's options each time (~0.1 ms a cell,
    350 cells a page of clients: as much as drawing them), to widen columns of automatic width.
    A record table's columns all have fixed widths, so nothing is gained by it: a renderable
    without the method is measured as the width DataTable falls back to, at once. Everything
    else is ``Text``'s (a copy is a plain ``Text``)."""

    __slots__ = ()
    __rich_measure__ = None  # type: ignore[assignment]  # Rich's protocol: the method is optional


class CellLook(NamedTuple):
    """The styles a cell is drawn with: ``pre`` under the text's own (the row's, the cursor's,
    the cell's place as meta for the mouse), ``post`` over it (the cursor's colours when the CSS
    has priority), and ``plain``, both together: what a text without a style of its own gets."""

    pre: Style
    post: Style
    plain: Style


def look(pre: Style, post: Style) -> CellLook:
    return CellLook(pre, post, pre + post if post else pre)


def drawable(cell: object) -> bool:
    """Whether ``cell`` is drawn here: a one-line ``Text`` aligned left or right (anything else
    is left to DataTable: a centred or full-justified cell, a tab, a line break)."""
    if not isinstance(cell, Text):
        return False
    plain = cell.plain
    return (
        (cell.justify or "default") in ("default", "left", "right")
        and "\n" not in plain
        and "\t" not in plain
    )


def draw_cell(console: Console, cell: Text, width: int, padding: int, style: CellLook) -> list[Segment]:
    """``cell`` in ``width`` cells, margins included, as DataTable draws it on a one-line row
    (Rich's ``Text`` rendering with ``no_wrap``, then ``Padding``, then ``Styled``), up to
    segments of one style split or joined otherwise (lines are ``simplify``-ed after)."""
    inner = width - 2 * padding
    overflow = cell.overflow or "fold"
    justify = cell.justify or "default"
    if cell.spans or overflow == "ignore" or justify == "right":
        return _draw_any(console, cell, inner, padding, style)
    plain = cell.plain
    length = cell_len(plain)
    if length > inner:
        plain = (
            set_cell_size(plain, inner - 1) + "…" if overflow == "ellipsis" else set_cell_size(plain, inner)
        )
    rest = inner - cell_len(plain)
    own = cell.style
    if not own:  # the text, its padding and the margins alike
        return [Segment(" " * padding + plain + " " * (rest + padding), style.plain)]
    text_style = style.pre + console.get_style(own, default=Style.null())
    if style.post:
        text_style += style.post
    margin = " " * padding
    if justify == "left":  # the padding is the text's (Text.truncate pads), in its style
        parts = [(margin, style.plain), (plain + " " * rest, text_style), (margin, style.plain)]
    else:
        parts = [(margin, style.plain), (plain, text_style), (" " * (rest + padding), style.plain)]
    return [Segment(text, part_style) for text, part_style in parts if text]


def _draw_any(console: Console, cell: Text, inner: int, padding: int, style: CellLook) -> list[Segment]:
    """A cell with spans, right-aligned or never cropped, through Rich's ``Text`` as
    ``Text.__rich_console__`` draws it without wrapping."""
    line = cell.copy()
    overflow = cell.overflow or "fold"
    justify = cell.justify or "default"
    if justify == "left":
        line.truncate(inner, overflow=overflow, pad=True)
    elif justify == "right":
        line.rstrip()
        line.truncate(inner, overflow=overflow)
        line.pad_left(inner - cell_len(line.plain))
    line.truncate(inner, overflow=overflow)
    margin = [Segment(" " * padding)] if padding else []
    text = list(JOINER.join((line,)).render(console))
    segments = [*margin, *Segment.adjust_line_length(text, inner), *margin]
    return list(Segment.apply_style(segments, style.pre, style.post))


class Palette(NamedTuple):
    """The styles of a table's parts as its CSS gives them now (its focus included)."""

    base: Style
    header: Style
    rows: tuple[Style, Style]
    """Even rows', odd rows' (zebra stripes; both the base style without)."""
    hover: Style
    header_hover: Style
    cursor: Style
    css_foreground: bool
    css_background: bool

    def component(self, *, header: bool, hover: bool, cursor: bool) -> tuple[Style, Style]:
        """The hover's and the cursor's styles over a row, and what DataTable applies after a
        cell's own style (the cursor's colours when their priority is the CSS)."""
        component = Style()
        if hover:
            component += self.hover
            if header:
                component += self.header_hover
        if cursor:
            component += self.cursor
        post = Style.from_color(color=component.color) if self.css_foreground else Style.null()
        if self.css_background:
            post += Style.from_color(bgcolor=component.bgcolor)
        return component, post


class Frame(NamedTuple):
    """What every line of a table drawn in one frame shares."""

    palette: Palette
    width: int
    """The widget's."""
    scroll_x: int
    widths: tuple[int, ...]
    """Each column's, its margins included."""
    padding: int
    cursor_row: int | None
    """The row the cursor shows on, None when it is hidden."""
    hover_row: int | None
    """The row under the mouse when DataTable shows it (-1: the header), else None."""


LOOKS_KEPT = 4096
"""Cell styles kept between frames: a page's cells plain, under the cursor and under the mouse."""


class LineDrawer:
    """Draws a table's one-line rows, keeping each cell's styles from frame to frame (a style
    that carries the cell's place for the mouse is slow to make and to add)."""

    def __init__(self) -> None:
        self.palette: Palette | None = None
        self.looks: dict[tuple[int, int, bool, bool], CellLook] = {}

    def line(self, console: Console, frame: Frame, row: int, cells: Sequence[object]) -> Strip | None:
        """Row ``row`` (-1: the header, whose cells are the labels) as DataTable draws it on a
        one-line row; None when a cell is not drawn here (``drawable``)."""
        texts = [cell for cell in cells if isinstance(cell, Text) and drawable(cell)]
        if len(texts) != len(frame.widths):
            return None
        palette = frame.palette
        if palette != self.palette:
            self.palette = palette
            self.looks.clear()
        elif len(self.looks) > LOOKS_KEPT:
            self.looks.clear()
        header = row == -1
        hover = row == frame.hover_row
        cursor = row == frame.cursor_row
        row_style = palette.header if header else palette.rows[row % 2]
        component, post = palette.component(header=header, hover=hover, cursor=cursor)
        segments: list[Segment] = []
        for column, (cell, width) in enumerate(zip(texts, frame.widths, strict=True)):
            key = (row, column, hover, cursor)
            style = self.looks.get(key)
            if style is None:  # DataTable's order: the row's, the cell's place, the cursor's
                meta = Style.from_meta({"row": row, "column": column})
                style = self.looks[key] = look(row_style + meta + component, post)
            segments += draw_cell(console, cell, width, frame.padding, style)
        # The rest of the width in the row's colours, as DataTable extends a row cursor.
        rest = frame.width - sum(frame.widths)
        if rest > 0 or frame.scroll_x:
            extend = row_style + component + Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})
            segments.append(Segment(" " * max(0, rest), extend))
            strip = Strip(segments).crop(frame.scroll_x, frame.scroll_x + frame.width)
        else:
            strip = Strip(segments)
        return strip.adjust_cell_length(frame.width, palette.base).simplify()
