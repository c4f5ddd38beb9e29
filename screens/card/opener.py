"""How a client card opens: a card screen stays mounted per mode and is refilled.

A card screen built afresh on every open pays for its compose (some thirty widgets and their
styles) and for three layout passes: Textual lays a pushed screen out, then again for the Resize
it sends the screen itself, then once more when the tables learn their rows; its first card
settled in ~220 ms against ~70 ms for a card shown on a screen already laid out. So each mode's
card screen is built and laid out empty while the person is still on the desk or the list
(``prepare``), kept (installed, so popping it does not remove it), and every card, the first
one included, is read first, filled in and laid out on it before it is pushed
(``ClientCardScreen.show_client``): the first frame after the push is the whole new card, never
the previous client nor the new one in the previous one's layout. A card opened from above a
card gets a screen of its own, built afresh, as does one asked for before its mode's screen was
prepared.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from crm_tui.domain.clients.card import ClientCard, load_card
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen


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
            # Not prepared (a card asked for before the mode's screen was), or in use below.
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

    def prepare(self, ws: Workspace) -> None:
        """Build the current mode's card screen, empty, and lay it out at the terminal's size,
        without showing it; run after the mode's own screen is up. It then takes the first card
        the way it takes every later one.

        Textual has no public way to run a screen that is not shown: ``_get_screen`` is what
        ``push_screen`` uses to start one, and ``_refresh_layout`` what a shown screen runs on
        its first frame (textual is pinned, and tests/app/test_card_opening.py covers the
        result). Each card shown on it lays it out again, at the terminal's size of the moment."""
        mode = self.app.current_mode
        if mode in self._kept:
            return
        screen = ClientCardScreen(ws, None)
        self._kept[mode] = screen
        self.app.install_screen(screen, name=f"client-card-{mode}")
        _started, mounted = self.app._get_screen(screen)
        app = self.app

        async def lay_out() -> None:
            await mounted
            if screen not in app.screen_stack:  # not taken by a card in the meantime
                screen._refresh_layout(app.size)

        app.run_worker(lay_out(), group="card-prepare", exit_on_error=False)

    def show(self, event: CardRead) -> None:
        """The card opens only over the screen it was asked from: not if the person went on
        to another screen (or a dialog) while it was read."""
        kept = self._kept.get(self.app.current_mode)
        if kept is None or self.app.screen is not event.origin or kept in self.app.screen_stack:
            return
        kept.show_client(event.card)
        self.app.push_screen(kept)
