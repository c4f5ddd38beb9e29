"""What a person would see: every frame the app writes to the terminal, replayed onto a grid of
cells. Used by tests that care how a screen is drawn (one whole frame, not a partial paint over
the previous screen) and by tests/bench/card.py, which ends its measurement at the frame that
last changed the screen rather than at a marker the code sets itself.

Frames are kept as Textual's update objects while the app runs (their strips are immutable),
which costs the app nothing; the replay is done afterwards. Only characters are compared: a
frame that changes nothing but colours (a cursor row, a focus border) counts as no change."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from textual.app import App


class Frame(NamedTuple):
    at: float
    """``time.perf_counter()`` when the frame was written."""
    kind: str
    """``LayoutUpdate`` for the whole screen, ``ChopsUpdate`` for some of its regions."""
    changed: int
    """How many cells it changed."""
    cpu: float = 0.0
    """``time.process_time()`` when the frame was written (all threads: what the process had
    spent by then, for tests/bench/tui.py)."""


class Frames:
    def __init__(self, width: int, height: int) -> None:
        self.grid = [[" "] * width for _ in range(height)]
        self.pending: list[tuple[float, float, Any]] = []

    def resize(self, width: int, height: int) -> None:
        """A new, blank terminal of that size (after ``pilot.resize_terminal``)."""
        self.grid = [[" "] * width for _ in range(height)]

    def record(self, update: Any) -> None:
        self.pending.append((time.perf_counter(), time.process_time(), update))

    def replay(self) -> list[Frame]:
        """The frames written since the last replay, in order; the grid is then up to date."""
        console = Console(width=len(self.grid[0]), height=len(self.grid))
        seen = []
        for at, cpu, update in self.pending:
            changed = 0
            x = y = 0
            for segment in update.__rich_console__(console, console.options):
                if segment.control:
                    for code in segment.control:
                        if code[0] == ControlType.CURSOR_MOVE_TO:
                            x, y = code[1], code[2]
                    continue
                if segment.text == "\n":
                    continue
                for char in segment.text:
                    inside = 0 <= y < len(self.grid) and 0 <= x < len(self.grid[0])
                    if inside and self.grid[y][x] != char:
                        self.grid[y][x] = char
                        changed += 1
                    x += cell_len(char)
            seen.append(Frame(at, type(update).__name__, changed, cpu))
        self.pending.clear()
        return seen

    def text(self) -> str:
        return "\n".join("".join(row).rstrip() for row in self.grid)


@contextmanager
def recording(width: int, height: int) -> Iterator[Frames]:
    """Every frame any app writes while inside, recorded (through Textual's ``App._display``,
    the one place frames leave the app)."""
    frames = Frames(width, height)
    display = App._display

    def recorded(app: App[Any], screen: Any, update: Any) -> None:
        display(app, screen, update)
        if update is not None:
            frames.record(update)

    App._display = recorded  # type: ignore[method-assign,assignment]
    try:
        yield frames
    finally:
        App._display = display  # type: ignore[method-assign]
