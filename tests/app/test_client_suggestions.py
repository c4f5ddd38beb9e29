"""The new-deal dialog opened without a client (the palette's "New deal", `N` anywhere) searches
its client field as it is typed (issue 21): name, INN or phone; ↑/↓ choose, Enter takes one, and
the deal is saved on the client taken (its deal screen opens)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from textual.screen import Screen
from textual.widgets import Input, OptionList

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.deal import DealScreen
from crm_tui.screens.desk import DeskScreen
from crm_tui.screens.dialogs.deal_forms import NewDealDialog
from crm_tui.screens.dialogs.task_form import TaskDialog
from crm_tui.storage.models import deals, tasks
from tests.app.support import settle, wait_for
from tests.app.typing import burst
from tests.seed import Seeded

SIZE = (120, 40)


def shown(dialog: Screen[Any]) -> list[str]:
    suggestions = dialog.query_one("#client-suggestions", OptionList)
    if not suggestions.display:
        return []
    return [str(suggestions.get_option_at_index(i).prompt) for i in range(suggestions.option_count)]


async def test_a_name_typed_in_part_suggests_clients_and_enter_takes_one(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        await burst(pilot, "ом")
        await wait_for(pilot, lambda: len(shown(dialog)) > 1)
        names = shown(dialog)
        assert any("Ромашка" in n for n in names) and any("Теплодом" in n for n in names)
        await burst(pilot, "down", "enter")  # the second one found
        field = dialog.query_one("#deal-client", Input)
        chosen = names[1].split(" · ")[0]
        assert field.value == chosen and shown(dialog) == []
        assert dialog.focused is dialog.query_one("#deal-title", Input)
        await burst(pilot, "Насосы", "tab", "350к", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DealScreen))
        with ws.read() as session:
            client_id = session.scalar(select(deals.c.client_id).where(deals.c.title == "Насосы"))
        assert client_id is not None and dialog.picked is not None and client_id == dialog.picked.id


async def test_an_inn_finds_the_client(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        await burst(pilot, "7707083893")
        await wait_for(pilot, lambda: len(shown(dialog)) == 1)
        assert "Ромашка" in shown(dialog)[0]
        await burst(pilot, "enter", "Насосы", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DealScreen))
        with ws.read() as session:
            client_id = session.scalar(select(deals.c.client_id).where(deals.c.title == "Насосы"))
        assert client_id == team.clients["romashka"]


async def test_escape_closes_the_list_then_the_dialog(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        await burst(pilot, "Ром")
        await wait_for(pilot, lambda: bool(shown(dialog)))
        await burst(pilot, "escape")
        assert app.screen is dialog and shown(dialog) == []
        assert dialog.query_one("#deal-client", Input).value == "Ром"
        await burst(pilot, "escape")
        assert isinstance(app.screen, DeskScreen)


async def test_the_task_dialog_from_anywhere_suggests_clients_too(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        await burst(pilot, "Позвонить", "tab", "tab", "tab", "tab", "Вект")
        await wait_for(pilot, lambda: len(shown(dialog)) == 1)
        await burst(pilot, "enter", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DeskScreen))
        with ws.read() as session:
            client_id = session.scalar(select(tasks.c.client_id).where(tasks.c.title == "Позвонить"))
        assert client_id == team.clients["vektor"]
