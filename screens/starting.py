"""What the terminal shows while the database layer loads and the workspace opens.

It imports nothing but Textual, so it paints before SQLAlchemy has finished importing. It is
still on purpose: an animation would keep the UI thread rendering and slow down the worker
that is importing and opening the base (they share the GIL).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Header, Static

from crm_tui.i18n import _
from crm_tui.widgets.bindings import translated
from crm_tui.widgets.key_footer import KeyFooter


class StartingScreen(Screen[None]):
    """Shown for the moment between start and the desk.

    | Key(s) | Description |
    | :- | :- |
    | q | Quit. |
    """

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The app's keys in the language in force (bindings hold their English msgids)."""
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Static(_("Opening the client base…"), id="starting-text")
        yield KeyFooter(show_command_palette=False, compact=True)
