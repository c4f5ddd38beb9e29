"""How a client card opens: a card screen stays mounted per mode and is refilled.

A card screen built afresh on every open pays for its compose (some forty widgets and their
styles) and for three layout passes: Textual lays a pushed screen out, then again for the Resize
it sends the screen itself, then once more when the tables learn their rows. The first card of a
mode is built that way, and its read runs while it composes. It is then kept (installed, so
popping it does not remove it), and every later card is read first and shown on it: one layout
pass, and the first frame already holds the new client, never the previous one.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from crm_tui.domain.client_card import ClientCard, load_card
from crm_tui.domain.workspace import Workspace
from screens.client_card import ClientCardScreen


class CardRead(Message):
    """A card read for the kept screen, posted to the app from the reading thread."""

    def __init__(self, origin: Screen[Any], card: ClientCard) -> None:
        super().__init__()
        self.origin = origin
        self.card = card


class CardOpener:
    """Opens client cards for one app; the app hands it every ``ClientCardScreen.Open`` and
    every ``CardRead``."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._kept: dict[str, ClientCardScreen] = {}

    def open(self, ws: Workspace, client_id: int) -> None:
        """A card opened from above a card (a deal's client, say) gets a screen of its own,
        since one screen cannot be in the stack twice. A second Enter on the same row, handled
        after the first one's card is up, opens nothing more."""
        top = self.app.screen
        if isinstance(top, ClientCardScreen) and top.client_id == client_id:
            return
        mode = self.app.current_mode
        kept = self._kept.get(mode)
        if kept is None or kept in self.app.screen_stack:
            screen = ClientCardScreen(ws, client_id)
            if kept is None:
                self._kept[mode] = screen
                self.app.install_screen(screen, name=f"client-card-{mode}")
            self.app.push_screen(screen)
            return

        def read() -> None:
            with ws.read() as session:
                card = load_card(session, ws.viewer, client_id)
            if not get_current_worker().is_cancelled:
                self.app.post_message(CardRead(top, card))

        self.app.run_worker(read, thread=True, exclusive=True, group="card-open", exit_on_error=False)

    def show(self, event: CardRead) -> None:
        """The card opens only over the screen it was asked from: not if the person went on
        to another screen (or a dialog) while it was read."""
        kept = self._kept.get(self.app.current_mode)
        if kept is None or self.app.screen is not event.origin or kept in self.app.screen_stack:
            return
        kept.show_client(event.card)
        self.app.push_screen(kept)
