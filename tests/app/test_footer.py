"""The footer shows the screen's keys and is not rebuilt when they have not changed."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from screens.client_card import ClientCardScreen
from tests.app.support import settle
from tests.seed import Seeded
from widgets.key_footer import KeyFooter


async def test_opening_a_card_builds_its_footer_once_and_focus_moves_do_not_rebuild_it(
    ws: Workspace, team: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    rebuilt: list[str] = []
    recompose = KeyFooter.recompose

    async def counted(self: KeyFooter) -> None:
        rebuilt.append(type(self.screen).__name__)
        await recompose(self)

    monkeypatch.setattr(KeyFooter, "recompose", counted)
    app = create_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rebuilt.clear()
        card = ClientCardScreen(ws, team.clients["romashka"])
        await app.push_screen(card)
        await settle(pilot)
        await pilot.press("tab", "tab", "shift+tab")
        await settle(pilot)
        assert rebuilt == ["ClientCardScreen"]
        keys = [key.description for key in card.query_one(KeyFooter).query(FooterKey)]
        assert {"Log call", "Requisites", "Owns", "Older", "Newer"} <= set(keys)
        await pilot.press("escape")
        await settle(pilot)
        shown = [key.description for key in app.screen.query_one(KeyFooter).query(FooterKey)]
        assert "Requisites" not in shown and "Done" in shown  # the desk's own keys again
