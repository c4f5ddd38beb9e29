"""How a client card opens: a card screen stays mounted per mode and is refilled.

A card screen built afresh on every open pays for its compose (some thirty widgets and their
styles) and for three layout passes: Textual lays a pushed screen out, then again for the Resize
it sends the screen itself, then once more when the tables learn their rows; its first card
settled in ~220 ms against ~70 ms for a card shown on a screen already laid out. So each mode's
card screen is built, started and laid out empty while the person is still on the desk or the
list (``prepare``), kept (installed, so popping it does not remove it), and every card, the first
one included, is read first, filled in while its screen is hidden (``ClientCardScreen.show_client``)
and pushed once the widgets have asked for their layout: Textual lays it out before drawing it,
so the first frame after the push is the whole new card, never the previous client nor the new
one in the previous one's layout. A card opened from above a card gets a screen of its own,
built afresh, as does one asked for before its mode's screen was prepared.

Only public Textual API: tests/unit/test_public_textual.py keeps it so, and
tests/app/test_card_opening.py replays the frames to prove that nothing flickers.
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
        mode = self.app.current_mode
        kept = self._kept.get(mode)
        stack = self.app.screen_stack
        if kept is not None and not kept.client_id and stack and stack[-1] is kept and len(stack) > 1:
            # The empty kept screen is on top only for a moment, being laid out behind the list
            # (``prepare``, which may run late, after the start's warm-up): the card is asked
            # from the screen under it, and the kept screen is free.
            stack = stack[:-1]
        top = stack[-1] if stack else self.app.screen
        if isinstance(top, ClientCardScreen) and top.client_id == client_id:
            return
        if kept is None or kept in stack:
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
        """Build the current mode's card screen, empty, and have Textual start it and lay it
        out at the terminal's size without showing it; run after the mode's own screen is up.
        It then takes the first card the way it takes every later one."""
        mode = self.app.current_mode
        if mode in self._kept:
            return
        screen = ClientCardScreen(ws, None)
        self._kept[mode] = screen
        self.app.install_screen(screen, name=f"client-card-{mode}")
        lay_out_behind(self.app, screen)

    def show(self, event: CardRead) -> None:
        """The card opens only over the screen it was asked from: not if the person went on
        to another screen (or a dialog) while it was read.

        The kept screen is filled now and pushed after the app's next refresh: by then each
        widget that changed has asked for its layout and repaint (Textual's widgets do so when
        idle), so the screen is laid out for the new client before its first frame. Pushed at
        once, its first frame came before those requests: the new client in the previous one's
        layout, then a second frame. A screen laid out at another terminal size (the terminal
        was resized while it was hidden) is laid out again first, so that its tables fit their
        new widths before the frame."""
        app = self.app
        kept = self._kept.get(app.current_mode)
        if kept is None or app.screen is not event.origin or kept in app.screen_stack:
            return
        if kept.is_mounted and not kept.laid_out_at(app.size):
            kept.fit_breakpoints(app.size)
            lay_out_behind(app, kept)
        kept.show_client(event.card)

        def push() -> None:
            if app.screen is event.origin and kept not in app.screen_stack:
                app.push_screen(kept)

        app.call_after_refresh(push)


def lay_out_behind(app: App[Any], screen: Screen[Any]) -> None:
    """Have Textual start ``screen`` (compose and mount it, the first time) and lay it out at the
    terminal's size without drawing it. Pushed and popped in one go, the screen handles its
    ScreenResume after it has left the top of the stack: a resumed screen whose size is not the
    terminal's lays itself out, and only the screen on top is drawn. The screen below is
    suspended and resumed, and redraws what it already showed (no character changes)."""
    app.push_screen(screen)
    app.pop_screen()
