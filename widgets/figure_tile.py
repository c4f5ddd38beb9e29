"""A dashboard figure: a title in the border, the value, a caption, and an optional sparkline;
it takes the focus, so that Enter on it opens the records behind it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
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

    _shown: tuple[str, str] = ("…", "")

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """The value and caption cut into lines at ordinary spaces only: a sum groups its digits
        with narrow no-break spaces, which the terminal's own wrapping would break at, making
        «7 828 738 ₽» read as «7» and «828 738 ₽» on two lines."""
        width = self.content_size.width
        value, caption = self._shown
        for selector, text in ((".figure-value", value), (".figure-caption", caption)):
            self.query_one(selector, Static).update(Text(wrap_at_spaces(text, width), no_wrap=True))

    def compose(self) -> ComposeResult:
        yield Static("…", classes="figure-value", markup=False)
        yield Static("", classes="figure-caption", markup=False)
        if self._trend:
            yield Sparkline([], summary_function=max)

    def show(self, value: str, caption: str, *, tone: str = "", trend: Sequence[float] = ()) -> None:
        self._shown = (value, caption)
        self._lay_out()
        self.set_class(tone == "bad", "-bad")
        self.set_class(tone == "good", "-good")
        if self._trend:
            self.query_one(Sparkline).data = list(trend)


def wrap_at_spaces(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` cells, broken only at ASCII spaces (a word longer
    than the width keeps its own line); ``width`` 0 (not laid out yet) leaves it whole."""
    if width <= 0:
        return text
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if line and cell_len(line) + 1 + cell_len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "\n".join(lines)
