"""Ctrl+P finds clients and deals by name, INN or phone, as the person may see them, and opens them."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.deal import DealScreen
from crm_tui.screens.palette import find_records
from tests.app.support import settle, wait_for, workspace
from tests.seed import Seeded, valid_inn

SIZE = (120, 40)


def hits(app: CrmApp) -> list[str]:
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def palette_search(pilot: Pilot[None], app: CrmApp, query: str, expected: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    await wait_for(pilot, lambda: any(expected in hit for hit in hits(app)))
    return hits(app)


async def test_a_phone_in_another_spelling_finds_the_client_and_opens_the_card(
    ws: Workspace, team: Seeded
) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = await palette_search(pilot, app, "8 (916) 000-11-22", "АО Вектор Плюс")
        assert found[0].startswith("АО Вектор Плюс")
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card.client_id == team.clients["vektor"]


async def test_an_inn_finds_the_client(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = await palette_search(pilot, app, valid_inn("500123456"), "ООО СтройМонтаж")
        assert found[0].startswith("ООО СтройМонтаж") and "client" in found[0]
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card.client_id == team.clients["stroymontazh"]


async def test_a_deal_is_found_by_its_name_and_opened(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = await palette_search(pilot, app, "поставка: строй", "Поставка: СтройМонтаж")
        deal = next(n for n, hit in enumerate(found) if hit.startswith("Поставка: СтройМонтаж"))
        for _ in range(deal):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealScreen) and screen.deal_id == team.deals["d_prop_stroy"]


def test_a_manager_finds_only_what_she_may_see(sqlite_url: str, team: Seeded) -> None:
    ivanova = find_records(workspace(sqlite_url, "ivanova"), "липецк")
    assert (ivanova.clients, ivanova.deals) == ([], [])
    head = find_records(workspace(sqlite_url, "admin"), "липецк")
    assert {c.name for c in head.clients} == {"Липецкий металл", "АгроЛипецк"}
    assert [d.id for d in head.deals] == [team.deals["d_prop_metall"]]
