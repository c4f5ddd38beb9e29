"""The footer every screen shows: the screen's keys in one line, drawn as one widget.

Textual's ``Footer`` mounts a widget per key (twenty-odd on the client card) and rebuilds them
all whenever the screen's bindings are refreshed: on each focus change, each
``refresh_bindings``. That was a good part of the card's open time. This footer draws the same
line (key in the key colour, description after it, disabled keys dim) as one renderable, and
redraws only when what it shows has changed. Keys are for the keyboard; the command palette
lists them all for a mouse.

A screen with more keys than 80 columns hold (the deal, the week) asks for ``lines=2``: its own
keys then take a second line when they need it, each key in the first line with room for it; the
app's keys (desk, clients, ...) only fill what room is left, never a line of their own.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

Shown = tuple[tuple[str, str, bool, bool], ...]
"""Key, description, enabled, and whether the key is the screen's own (not the app's)."""


class KeyFooter(Widget):
    """The active screen's shown bindings as ``key Description`` pairs, docked at the bottom."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        &.-wrapping {
            height: auto;
        }
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(
        self,
        *,
        show_command_palette: bool = False,
        compact: bool = True,
        id: str | None = None,
        lines: int = 1,
    ) -> None:
        """``show_command_palette`` and ``compact`` are accepted for the screens' sake: this
        footer is always compact and shows the palette key where the screen binds it. ``lines``:
        how many lines the screen's own keys may take (one unless the screen has many)."""
        super().__init__(id=id, classes="-wrapping" if lines > 1 else None)
        self._shown: Shown = ()
        self._lines = lines

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        by_action: dict[str, tuple[str, str, bool, bool]] = {}
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.show and binding.action not in by_action:  # one key per action, as Footer
                key = self.app.get_key_display(binding)
                by_action[binding.action] = (key, binding.description, enabled, node is not self.app)
        unique = tuple(by_action.values())
        if unique != self._shown:
            self._shown = unique
            self.refresh(layout=self._lines > 1)

    @property
    def shown(self) -> list[str]:
        """The descriptions on show, in order (for tests and the command palette's sake)."""
        return [description for _key, description, _enabled, _own in self._shown]

    def _parts(self) -> list[tuple[Text, bool]]:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        parts = []
        for key, description, enabled, own in self._shown:
            part = Text.assemble((key, key_style), (f" {description}", description_style), " ")
            if not enabled:
                part.stylize("dim")
            parts.append((part, own))
        return parts

    def _laid_out(self, room: int) -> list[Text]:
        """The footer's lines ``room`` cells wide. One line: the keys in order up to the first
        that does not fit. More: each of the screen's keys in the first line with room for it
        (a line more when none has, up to ``lines``), then the app's keys in the room left on the
        last line."""
        parts = self._parts()
        if self._lines == 1:
            line = Text(no_wrap=True, overflow="crop")
            for part, _own in parts:
                if room and line.cell_len + part.cell_len - 1 > room:
                    break  # a key that does not fit is left out whole, never cut in its word
                line.append_text(part)
            return [line]
        lines = [Text(no_wrap=True, overflow="crop")]

        def fits(line: Text, part: Text) -> bool:
            return not room or line.cell_len + part.cell_len - 1 <= room

        for part in (part for part, own in parts if own):
            home = next((line for line in lines if fits(line, part)), None)
            if home is None and len(lines) < self._lines:
                home = Text(no_wrap=True, overflow="crop")
                lines.append(home)
            if home is not None:
                home.append_text(part)
        for part in (part for part, own in parts if not own):  # after the screen's, in order
            if not fits(lines[-1], part):
                break
            lines[-1].append_text(part)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._laid_out(width))

    def render(self) -> Text:
        return Text("\n", no_wrap=True, overflow="crop").join(self._laid_out(self.size.width))
