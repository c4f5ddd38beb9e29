"""A one-line trail of a wizard's steps: the ones done, the current one, the ones ahead."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static


class StepBar(Static):
    """``1 File › 2 Sheet › 3 Columns ...`` with the current step highlighted.

    Steps are given as labels (already translated); `show` marks the current one by index.
    """

    def __init__(self, labels: Sequence[str], *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.labels = list(labels)
        self.current = 0

    def on_mount(self) -> None:
        self.show(self.current)

    def on_resize(self) -> None:
        self.show(self.current)

    def show(self, current: int) -> None:
        """Mark step ``current``; steps close up when the bar is too narrow for the full trail
        (Russian step names are longer)."""
        self.current = current
        text = self._trail(current, "  ›  ", " ")
        if self.size.width and text.cell_len > self.content_size.width:
            text = self._trail(current, " › ", "")
        self.update(text)

    def _trail(self, current: int, separator: str, pad: str) -> Text:
        accent = self.app.current_theme.accent or "cyan"
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, label in enumerate(self.labels):
            if index:
                text.append(separator, style="dim")
            step = f"{pad}{index + 1} {label}{pad}"
            if index == current:
                text.append(step, style=f"bold reverse {accent}")
            elif index < current:
                text.append(step)
            else:
                text.append(step, style="dim")
        return text
