"""The footer every screen shows, rebuilt only when what it shows changes.

Textual's ``Footer`` recomposes all its keys whenever the screen's bindings are refreshed: on
each focus change, each ``refresh_bindings``. Opening the client card did that three to ten
times, every time mounting twenty-odd key widgets, which was most of the card's paint time.
This footer compares what it would show with what it shows and skips the identical rebuilds.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool], ...]


class KeyFooter(Footer):
    """A ``Footer`` that recomposes only when its keys, labels or enabled states change."""

    _shown: Shown | None = None

    def _wanted(self, screen: Screen[object]) -> Shown:
        return tuple(
            (binding.key, binding.description, binding.action, enabled)
            for _node, binding, enabled, _tooltip in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            wanted = self._wanted(screen)
            if wanted == self._shown:
                return
            self._shown = wanted
        super().bindings_changed(screen)
