"""A KPI tile: a title in the border, a big value, an optional progress bar or sparkline (Textual's
own) and a caption."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from crm_tui.widgets.figure_tile import wrap_at_spaces

Tone = Literal["neutral", "good", "warn", "bad"]
BAR_WIDTH = 20


def share_bar(share: float, width: int = BAR_WIDTH) -> str:
    """A text progress bar for a share (0.63 -> 63 % filled; more than 100 % shows full)."""
    filled = round(min(max(share, 0.0), 1.0) * width)
    return "█" * filled + "░" * (width - filled)


class KpiTile(Widget):
    """One number that matters this month, with what it means under it.

    Takes plain text: the screen formats money and counts (``crm_tui.domain.values.formatting``) and
    picks the tone (``good``, ``warn``, ``bad`` colour the value).

    ``bar`` and ``trend`` say whether the tile can show a share bar or a sparkline (``show``'s
    ``share`` and ``trend`` draw nothing on a tile built without them): a tile is built with only
    the parts it can show (most of the desk's tiles are a figure and a caption), as every widget
    more is styled, laid out and restyled with the screen (three times as the desk starts:
    mounted, then on each of the two resumes of Textual's mode switch).
    """

    def __init__(self, title: str, *, id: str | None = None, bar: bool = False, trend: bool = False) -> None:
        super().__init__(id=id, classes="kpi-tile")
        self.border_title = title
        self._bar = bar
        self._trend = trend
        self._caption = ""
        self._short_caption = ""
        self._painted: str | None = None
        """The caption's lines as last drawn."""

    def compose(self) -> ComposeResult:
        yield Static("…", classes="kpi-value", markup=False)
        if self._bar:
            yield Static("", classes="kpi-bar", markup=False)
        if self._trend:
            line = Sparkline([], summary_function=max, classes="kpi-trend")
            line.display = False
            yield line
        yield Static("", classes="kpi-caption", markup=False)

    def show(
        self,
        value: str,
        caption: str,
        *,
        share: float | None = None,
        tone: Tone = "neutral",
        trend: Sequence[float] | None = None,
        short_caption: str = "",
    ) -> None:
        """``trend`` (oldest first) draws a sparkline in the bar's row, in place of the bar: a
        tile has three rows, and at 80x24 the desk has none to spare. ``short_caption`` is shown
        instead of ``caption`` when the caption would not fit the rows left to it (a cut caption
        reads «75% от» and hides the very figure it was about)."""
        self.query_one(".kpi-value", Static).update(Text(value))
        if self._bar:
            bar = self.query_one(".kpi-bar", Static)
            bar.display = share is not None and trend is None
            if share is not None:
                bar.update(Text(share_bar(share)))
        if self._trend:
            line = self.query_one(".kpi-trend", Sparkline)
            line.display = trend is not None
            if trend is not None:
                line.data = list(trend)
        self._caption = caption
        self._short_caption = short_caption
        self._paint_caption()
        self.update_classes({f"-{name}": name == tone for name in ("neutral", "good", "warn", "bad")})

    def on_resize(self) -> None:
        self.fit_caption()

    def fit_caption(self) -> None:
        """The caption for the tile's width now (the screen calls it before its first frame, the
        tile's own Resize comes after); nothing is redrawn when it reads the same."""
        self._paint_caption()

    def _paint_caption(self) -> None:
        """The caption, broken only at ordinary spaces: Rich also breaks at the no-break spaces
        that group a sum's thousands ("950 000 ₽" on two lines in a narrow Russian tile)."""
        static = self.query_one(".kpi-caption", Static)
        width = static.content_size.width
        lines = wrap_at_spaces(self._caption, width)
        rows = 1 if any(part.display for part in self.query(".kpi-bar, .kpi-trend")) else 2
        if self._short_caption and width and lines.count("\n") >= rows:
            lines = wrap_at_spaces(self._short_caption, width)
        if lines != self._painted:
            self._painted = lines
            static.update(Text(lines))
