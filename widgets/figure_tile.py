"""A dashboard figure: a title in the border, the value, a caption, and an optional sparkline;
it takes the focus, so that Enter on it opens the records behind it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static


class FigureTile(Vertical, can_focus=True):
    DEFAULT_CSS = """
    FigureTile {
        height: auto;
        min-height: 5;
        border: round $panel-lighten-2;
        padding: 0 1;
    }
    FigureTile:focus {
        border: round $accent;
    }
    FigureTile .figure-value {
        text-style: bold;
    }
    FigureTile .figure-caption {
        color: $text-muted;
    }
    FigureTile Sparkline {
        height: 1;
    }
    FigureTile.-bad .figure-value {
        color: $error;
    }
    FigureTile.-good .figure-value {
        color: $success;
    }
    """

    def __init__(
        self, title: str, *, drill: str | None = None, trend: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.drill = drill
        """What Enter opens (the screen's name for the rows), or None."""
        self._trend = trend

    def compose(self) -> ComposeResult:
        yield Static("…", classes="figure-value", markup=False)
        yield Static("", classes="figure-caption", markup=False)
        if self._trend:
            yield Sparkline([], summary_function=max)

    def show(self, value: str, caption: str, *, tone: str = "", trend: Sequence[float] = ()) -> None:
        self.query_one(".figure-value", Static).update(Text(value))
        self.query_one(".figure-caption", Static).update(Text(caption))
        self.set_class(tone == "bad", "-bad")
        self.set_class(tone == "good", "-good")
        if self._trend:
            self.query_one(Sparkline).data = list(trend)
