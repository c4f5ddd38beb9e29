"""What the terminal shows while the database layer loads and the workspace opens.

It imports nothing but Textual, so it paints before SQLAlchemy has finished importing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static

from crm_tui.i18n import _


class StartingScreen(Screen[None]):
    """Shown for the moment between start and the desk.

    | Key(s) | Description |
    | :- | :- |
    | q | Quit. |
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Static(_("Opening the client base…"), id="starting-text")
            yield LoadingIndicator(id="starting-spinner")
        yield Footer(show_command_palette=False, compact=True)
