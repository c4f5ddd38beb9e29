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
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="kpi-tile")
        self.border_title = title
        self._caption = ""
        self._short_caption = ""
        self._painted: str | None = None
        """The caption's lines as last drawn."""

    def compose(self) -> ComposeResult:
        yield Static("…", classes="kpi-value", markup=False)
        yield Static("", classes="kpi-bar", markup=False)
        yield Sparkline([], summary_function=max, classes="kpi-trend")
        yield Static("", classes="kpi-caption", markup=False)

    def on_mount(self) -> None:
        self.query_one(".kpi-trend", Sparkline).display = False

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
        bar = self.query_one(".kpi-bar", Static)
        bar.display = share is not None and trend is None
        if share is not None:
            bar.update(Text(share_bar(share)))
        line = self.query_one(".kpi-trend", Sparkline)
        line.display = trend is not None
        if trend is not None:
            line.data = list(trend)
        self._caption = caption
        self._short_caption = short_caption
        self._paint_caption()
        for name in ("neutral", "good", "warn", "bad"):
            self.set_class(name == tone, f"-{name}")

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
        rows = 1 if self.query_one(".kpi-bar").display or self.query_one(".kpi-trend").display else 2
        if self._short_caption and width and lines.count("\n") >= rows:
            lines = wrap_at_spaces(self._short_caption, width)
        if lines != self._painted:
            self._painted = lines
            static.update(Text(lines))
