"""Keys typed ahead land in the field focused when each key comes (issue 19): a burst of keys
with Tabs in it, sent before any is handled, fills every field of every form dialog in order."""

from __future__ import annotations

from textual.widgets import Input

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.dialogs.deal_forms import NewDealDialog
from crm_tui.screens.dialogs.log_interaction import LogInteractionScreen
from tests.app.support import settle
from tests.app.typing import burst
from tests.seed import Seeded

SIZE = (120, 40)


async def test_log_call_burst_lands_field_by_field(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ClientCardScreen(app.ws, team.clients["romashka"]))
        await settle(pilot)
        await pilot.press("l")
        dialog = app.screen
        assert isinstance(dialog, LogInteractionScreen)
        await burst(pilot, "abc", "tab", "5", "tab", "next", "tab", "+3")
        values = [
            dialog.query_one(f"#{key}", Input).value
            for key in ("summary", "duration", "next-title", "next-when")
        ]
        assert values == ["abc", "5", "next", "+3"]


async def test_editing_keys_in_a_burst_apply_where_they_were_typed(ws: Workspace, team: Seeded) -> None:
    """Backspace and Ctrl+U are the field's own keys: in a burst they act between the letters
    typed before and after them, not after all of them."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ClientCardScreen(app.ws, team.clients["romashka"]))
        await settle(pilot)
        await pilot.press("l")
        dialog = app.screen
        assert isinstance(dialog, LogInteractionScreen)
        await burst(pilot, "abc", "backspace", "d", "tab", "5", "tab", "xx", "ctrl+u", "КП", "tab", "+3")
        values = [
            dialog.query_one(f"#{key}", Input).value
            for key in ("summary", "duration", "next-title", "next-when")
        ]
        assert values == ["abd", "5", "КП", "+3"]


async def test_keys_typed_before_the_dialog_opened_land_in_it(ws: Workspace, team: Seeded) -> None:
    """``l`` and what follows in one burst: the call dialog opens and gets every key after it, in
    order (issue 19: ``abc`` went to the card while the dialog was still opening)."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ClientCardScreen(app.ws, team.clients["romashka"]))
        await settle(pilot)
        await burst(pilot, "l", "abc", "tab", "5", "tab", "next")
        dialog = app.screen
        assert isinstance(dialog, LogInteractionScreen)
        values = [dialog.query_one(f"#{key}", Input).value for key in ("summary", "duration", "next-title")]
        assert values == ["abc", "5", "next"]


async def test_the_new_deal_typed_at_once_on_the_card(ws: Workspace, team: Seeded) -> None:
    """``N`` then the title and the amount in one burst, as a manager types who knows the keys."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ClientCardScreen(app.ws, team.clients["romashka"]))
        await settle(pilot)
        await burst(pilot, "N", "Насосы", "tab", "350к")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        values = [dialog.query_one(f"#{key}", Input).value for key in ("deal-title", "deal-amount")]
        assert values == ["Насосы", "350к"]


async def test_the_new_deal_typed_at_once_on_the_kanban(ws: Workspace, team: Seeded) -> None:
    """``n`` on the kanban then the client and the title in one burst, twice: every key after
    ``n`` lands in the dialog, none on the board (issue 21: they went to the column while the
    dialog opened, and were lost, and a letter that is a kanban key acted there: ``v`` turned
    the board into the report)."""
    from crm_tui.screens.funnel import FunnelScreen

    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "F")
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen) and funnel.board is not None
        for typed in ("Ромашка", "Romashka vip"):
            await burst(pilot, "n", typed, "tab", "Насосы")
            dialog = app.screen
            assert isinstance(dialog, NewDealDialog)
            values = [dialog.query_one(f"#{key}", Input).value for key in ("deal-client", "deal-title")]
            assert values == [typed, "Насосы"]
            assert not funnel.reporting
            await burst(pilot, "escape")
            if app.screen is dialog:  # the first Escape closed the client's suggestions
                await burst(pilot, "escape")
            assert isinstance(app.screen, FunnelScreen)
