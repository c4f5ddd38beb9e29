"""The footer every screen shows: the screen's keys in one line, drawn as one widget.

Textual's ``Footer`` mounts a widget per key (twenty-odd on the client card) and rebuilds them
all whenever the screen's bindings are refreshed: on each focus change, each
``refresh_bindings``. That was a good part of the card's open time. This footer draws the same
line (key in the key colour, description after it, disabled keys dim) as one renderable, and
redraws only when what it shows has changed. Keys are for the keyboard; the command palette
lists them all for a mouse.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

Shown = tuple[tuple[str, str, bool], ...]


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
        self, *, show_command_palette: bool = False, compact: bool = True, id: str | None = None
    ) -> None:
        """``show_command_palette`` and ``compact`` are accepted for the screens' sake: this
        footer is always compact and shows the palette key where the screen binds it."""
        super().__init__(id=id)
        self._shown: Shown = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        by_action: dict[str, tuple[str, str, bool]] = {}
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.show and binding.action not in by_action:  # one key per action, as Footer
                by_action[binding.action] = (self.app.get_key_display(binding), binding.description, enabled)
        unique = tuple(by_action.values())
        if unique != self._shown:
            self._shown = unique
            self.refresh()

    @property
    def shown(self) -> list[str]:
        """The descriptions on show, in order (for tests and the command palette's sake)."""
        return [description for _key, description, _enabled in self._shown]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        line = Text(no_wrap=True, overflow="crop")
        room = self.size.width
        for key, description, enabled in self._shown:
            part = Text.assemble((key, key_style), (f" {description}", description_style), " ")
            if not enabled:
                part.stylize("dim")
            if room and line.cell_len + part.cell_len - 1 > room:
                break  # a key that does not fit is left out whole, never cut in the middle of its word
            line.append_text(part)
        return line
