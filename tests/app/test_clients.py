"""The clients list: search as you type, pages from SQL, filters, opening a card."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.engine import Engine
from textual.widgets import Input, Select, Static

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.clients.listing import PAGE_SIZE
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.clients import ClientsScreen, PageRequest
from crm_tui.screens.desk import DeskScreen
from crm_tui.widgets.client_table import ClientTable
from tests.app.support import add_clients, settle, text_of, wait_for
from tests.seed import Seeded, valid_inn

SIZE = (120, 40)
MINE = ["Аква-Сервис", "Вектор Плюс", "Зорин Алексей Викторович", "Ромашка", "СтройМонтаж", "Теплодом"]


def clients_screen(app: CrmApp) -> ClientsScreen:
    screen = app.screen
    assert isinstance(screen, ClientsScreen)
    return screen


def names(app: CrmApp) -> list[str]:
    page = clients_screen(app).page
    assert page is not None
    return [row.name for row in page.rows]


def status_line(app: CrmApp) -> str:
    return text_of(clients_screen(app).query_one("#clients-status", Static))


async def search(pilot: object, app: CrmApp, text: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    screen = clients_screen(app)
    await pilot.press("/")
    assert isinstance(screen.focused, Input)
    await pilot.press(*text)
    await wait_for(pilot, lambda: screen.flt.query == text.strip() and screen.page is not None)
    await settle(pilot)


async def test_c_opens_the_first_page_by_name(ws: Workspace) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert names(app) == MINE
        assert "Page 1" in status_line(app) and "last page" in status_line(app)


async def test_search_lower_case_cyrillic_finds_a_mixed_case_name(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, app, "строймон")
        assert names(app) == ["СтройМонтаж"]
        await pilot.press("escape")  # clears the search
        await wait_for(pilot, lambda: clients_screen(app).flt.query == "" and len(names(app)) == 6)


async def test_search_by_phone_as_people_type_it(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, app, "8 (495)")
        assert names(app) == ["Ромашка", "СтройМонтаж"]


async def test_search_by_inn(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, app, valid_inn("771234567"))
        assert names(app) == ["Вектор Плюс"]


async def test_nothing_found_says_so(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, app, "нет такого")
        assert names(app) == []
        assert "No clients match" in status_line(app)


async def test_pages_forward_and_back(sqlite_engine: Engine, team: Seeded, ws: Workspace) -> None:
    add_clients(sqlite_engine, team, 2 * PAGE_SIZE + 10)  # 6 own + 110 new: three pages
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = names(app)
        assert len(first) == PAGE_SIZE and first[0] == "Аква-Сервис"
        assert "Page 1" in status_line(app) and "more" in status_line(app)
        await pilot.press("pagedown")
        await settle(pilot)
        second = names(app)
        assert len(second) == PAGE_SIZE and not set(first) & set(second)
        assert "Page 2" in status_line(app)
        await pilot.press("n")
        await settle(pilot)
        third = names(app)
        assert len(third) == 16 and third[-1] == "Теплодом"
        assert "Page 3" in status_line(app) and "last page" in status_line(app)
        await pilot.press("n")  # nothing after the last page
        await settle(pilot)
        assert names(app) == third
        await pilot.press("p")
        await settle(pilot)
        assert names(app) == second and "Page 2" in status_line(app)
        await pilot.press("pageup")
        await settle(pilot)
        assert names(app) == first and "Page 1" in status_line(app)
        table = clients_screen(app).query_one(ClientTable)
        assert table.row_count == PAGE_SIZE  # one page in the widget, never the whole table


async def test_filter_by_status(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")  # opens the status list: Any status, lead, prospect, customer
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert clients_screen(app).query_one("#status", Select).value == "customer"
        assert names(app) == ["Вектор Плюс", "Ромашка"]


async def test_filter_by_owner_for_a_head_of_sales(sqlite_url: str, team: Seeded) -> None:
    from tests.app.support import workspace

    app = create_app(workspace(sqlite_url, "admin"), start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(names(app)) == 8
        owner = clients_screen(app).query_one("#owner", Select)
        owner.value = team.users["petrov"]
        await settle(pilot)
        assert names(app) == ["АгроЛипецк", "Липецкий металл"]


async def test_enter_opens_the_card_and_escape_returns_to_the_list(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card.client_id == team.clients["romashka"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("escape")  # from the list, back to the desk
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


def test_owner_choices_follow_the_access_rule(ws: Workspace, sqlite_url: str, team: Seeded) -> None:
    """The owner filter offers a manager herself, a head his region, an admin everybody."""
    from crm_tui.domain.access.users import owner_choices
    from tests.app.support import workspace

    def logins(login: str) -> list[str]:
        viewer_ws = workspace(sqlite_url, login)
        with viewer_ws.read() as session:
            return sorted(u.login for u in owner_choices(session, viewer_ws.viewer))

    assert logins("ivanova") == ["ivanova"]
    assert logins("smirnov") == ["ivanova", "smirnov"]
    assert logins("admin") == ["admin", "ivanova", "petrov", "smirnov"]


async def test_filter_by_installed_base(ws: Workspace, team: Seeded) -> None:
    from crm_tui.domain.clients.installed_base import InstalledDraft, add_installed

    add_installed(ws, team.clients["teplo"], InstalledDraft("Котёл Logano", "Buderus"))
    add_installed(ws, team.clients["romashka"], InstalledDraft("Котёл КВ-100", ours=True))
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")  # Any installed base, Owns a competitor's, Owns ours
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert clients_screen(app).query_one("#owns", Select).value == "competitor"
        assert names(app) == ["Теплодом"]


async def test_escape_clears_the_search_and_every_filter_then_goes_back(ws: Workspace) -> None:
    """The walk-through: Esc cleared the search but left a status filter on, so the list
    stayed short and a second Esc left with it still set."""
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # customers
        await settle(pilot)
        await search(pilot, app, "ром")
        assert names(app) == ["Ромашка"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(names(app)) == 6)
        screen = clients_screen(app)
        assert screen.query_one("#status", Select).is_blank()
        assert screen.query_one("#search", Input).value == ""
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("escape")  # nothing left to clear: back to the desk
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_one_enter_in_the_search_box_opens_the_first_match(ws: Workspace, team: Seeded) -> None:
    """The walk-through: after a search, two Enters were needed (one to the list, one to open)."""
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/", *"строймон", "enter")  # typed ahead of the search's answer
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card.client_id == team.clients["stroymontazh"]
        await pilot.press("escape")
        await settle(pilot)
        assert names(app) == ["СтройМонтаж"]  # the search is still there on the way back


async def test_enter_with_no_match_stays_in_the_search_box_and_down_moves_to_the_list(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, app, "нет такого")
        await pilot.press("enter")
        await settle(pilot)
        screen = clients_screen(app)
        assert isinstance(app.screen, ClientsScreen) and isinstance(screen.focused, Input)
        await pilot.press(*["backspace"] * 10, *"ром")
        await wait_for(pilot, lambda: names(app) == ["Ромашка"])
        await pilot.press("down")
        assert isinstance(screen.focused, ClientTable)


async def test_an_owner_chosen_by_full_name_keeps_the_filter_on_one_line(
    sqlite_url: str, team: Seeded
) -> None:
    """The walk-through: a full name in the owner filter wrapped over three lines and pushed
    the list down."""
    from tests.app.support import workspace

    for size in ((120, 40), (80, 24)):
        app = create_app(workspace(sqlite_url, "admin"), start="clients")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = clients_screen(app)
            table_top = screen.query_one(ClientTable).region.y
            screen.query_one("#owner", Select).value = team.users["ivanova"]
            await settle(pilot)
            assert screen.query_one(ClientTable).region.y == table_top, size
            assert screen.query_one("#owner", Select).region.height == 3, size


async def test_an_answer_to_a_search_typed_past_is_never_drawn(ws: Workspace) -> None:
    """Every keystroke searches and the answers may arrive in any order: one for a query the
    person has typed past (a slow «с» arriving after «строймон») is dropped, never drawn."""
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = clients_screen(app)
        await search(pilot, app, "строймон")
        page = screen.page
        assert page is not None and names(app) == ["СтройМонтаж"]
        table = screen.query_one(ClientTable)
        drawn = [table.get_row_at(0)[0].plain]
        older = PageRequest(replace(screen.flt, query="с"), 1)
        other = replace(page, rows=[replace(page.rows[0], id=page.rows[0].id + 1000, name="Старое")])
        screen.post_message(ClientsScreen.PageLoaded(older, other))
        await settle(pilot)
        assert names(app) == ["СтройМонтаж"] and table.row_count == 1
        assert [table.get_row_at(0)[0].plain] == drawn


async def test_typing_a_search_that_fits_does_not_lay_the_screen_out(ws: Workspace) -> None:
    """The search box keeps its virtual size while what is typed fits in it (a change of size
    lays the whole screen out, a frame per key: issue 29); a longer text scrolls as before."""
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = clients_screen(app).query_one("#search", Input)
        await pilot.press("/")
        before = field.virtual_size
        assert before.width >= field.scrollable_content_region.width
        await pilot.press(*"строй")
        await settle(pilot)
        assert field.virtual_size == before
        await pilot.press(*("x" * (field.scrollable_content_region.width + 5)))
        await settle(pilot)
        assert field.virtual_size.width == len(field.value) + 1 and field.scroll_offset.x > 0
        assert field.cursor_screen_offset.x < field.region.right
