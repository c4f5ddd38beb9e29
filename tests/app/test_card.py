"""The client card: what it shows, logging a call and a note."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import Input, Static

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.clients.edit import edit_client
from crm_tui.domain.interactions.log import log_interaction, parse_duration
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.dialogs.contact import ContactDialog
from crm_tui.screens.dialogs.contact_move import ContactMoveDialog
from crm_tui.screens.dialogs.installed import InstalledDialog
from crm_tui.screens.dialogs.log_interaction import LogInteractionScreen
from crm_tui.screens.dialogs.requisites import RequisitesDialog
from crm_tui.storage.database import read_session
from crm_tui.storage.models import InteractionKind, interactions
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import notifications, settle, text_of, workspace
from tests.seed import Seeded

SIZE = (120, 40)


async def open_card(app: CrmApp, client_id: int) -> ClientCardScreen:
    card = ClientCardScreen(app.ws, client_id)
    await app.push_screen(card)
    return card


def logged(ws: Workspace, client_id: int) -> list[tuple[str, str, int | None]]:
    i = interactions.c
    with read_session(ws.engine) as session:
        rows = session.execute(
            select(i.kind, i.summary, i.duration_s).where(i.client_id == client_id).order_by(i.id)
        )
        return [(r.kind, r.summary, r.duration_s) for r in rows]


async def test_card_shows_requisites_contacts_deals_touches_and_tasks(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, team.clients["aqua"])
        await settle(pilot)
        facts = text_of(card.query_one("#card-facts", Static))
        assert "INN 7720011224" in facts and "owner Иванова Светлана" in facts
        contacts = text_of(card.query_one("#contacts", Static))
        assert "+7 903 123-45-67" in contacts and "Белова Анна" in contacts
        assert card.query_one("#deals", RecordTable).row_count == 2
        assert card.card is not None
        assert [(e.kind, e.direction) for e in card.card.timeline.entries if e.source == "touch"] == [
            ("call", "inbound")
        ]
        assert card.query_one("#timeline", RecordTable).row_count == len(card.card.timeline.entries)
        assert card.query_one("#card-tasks", RecordTable).row_count == 1


async def test_log_a_call_with_its_duration_and_the_card_reloads(ws: Workspace, team: Seeded) -> None:
    client_id = team.clients["romashka"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, client_id)
        await settle(pilot)
        before = card.query_one("#timeline", RecordTable).row_count
        await pilot.press("l")
        assert isinstance(app.screen, LogInteractionScreen)
        await pilot.press(*"Оплатят в понедельник", "tab", *"4:30", "enter")
        await settle(pilot)
        assert app.screen is card
        assert logged(ws, client_id)[-1] == ("call", "Оплатят в понедельник", 270)
        assert card.query_one("#timeline", RecordTable).row_count == before + 1
        assert card.card is not None and card.card.timeline.entries[0].text == "Оплатят в понедельник"


async def test_add_a_note(ws: Workspace, team: Seeded) -> None:
    client_id = team.clients["teplo"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_card(app, client_id)
        await settle(pilot)
        await pilot.press("o", *"Любит звонки после обеда", "ctrl+s")
        await settle(pilot)
        assert logged(ws, client_id)[-1] == ("note", "Любит звонки после обеда", None)


async def test_a_call_needs_a_summary_and_a_readable_duration(ws: Workspace, team: Seeded) -> None:
    client_id = team.clients["romashka"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_card(app, client_id)
        await settle(pilot)
        count = len(logged(ws, client_id))
        await pilot.press("l", "enter")
        modal = app.screen
        assert isinstance(modal, LogInteractionScreen)
        assert "summary cannot be empty" in text_of(modal.query_one("#error-summary", Static))
        await pilot.press(*"Звонок", "tab", *"полчаса", "enter")
        assert app.screen is modal
        assert "Duration is minutes" in text_of(modal.query_one("#error-duration", Static))
        assert modal.focused is modal.query_one("#duration")
        assert modal.query_one("#summary", Input).value == "Звонок"  # what was typed stays
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientCardScreen)
        assert len(logged(ws, client_id)) == count


def test_durations_people_type() -> None:
    assert parse_duration("") is None
    assert parse_duration("5") == 300
    assert parse_duration("4:30") == 270
    assert parse_duration(" 12.05 ") == 725


async def test_a_client_out_of_reach_is_a_message(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_card(app, team.clients["metall"])  # Petrov's client: not Ivanova's to see
        await settle(pilot)
        assert notifications(app) == [f"client {team.clients['metall']} not found"]
        assert not isinstance(app.screen, ClientCardScreen)  # no empty card left in the way


async def test_the_timeline_pages_back_and_forth_with_n_and_p(ws: Workspace, team: Seeded) -> None:
    client_id = team.clients["teplo"]
    for n in range(45):
        log_interaction(ws, client_id, InteractionKind.NOTE, f"Заметка {n:02}")
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, client_id)
        await settle(pilot)
        table = card.query_one("#timeline", RecordTable)
        first = card.timeline_page
        assert first is not None and len(first.entries) == table.row_count == 30
        assert first.entries[0].text == "Заметка 44"
        await pilot.press("n")
        await settle(pilot)
        second = card.timeline_page
        assert second is not None and second.entries[0].text == "Заметка 14"
        assert "page 2" in str(card.query_one("#timeline-panel").border_subtitle)
        await pilot.press("n")
        await settle(pilot)
        assert card.timeline_page is not None and card.timeline_page.next is None
        await pilot.press("n")
        await settle(pilot)
        assert "oldest page" in notifications(app)[-1]
        await pilot.press("p", "p")
        await settle(pilot)
        assert card.timeline_page is not None and card.timeline_page.entries[0].text == "Заметка 44"


async def test_a_call_logged_with_its_next_step_puts_the_step_on_the_card(
    ws: Workspace, team: Seeded
) -> None:
    client_id = team.clients["vektor"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, client_id)
        await settle(pilot)
        tasks_before = card.query_one("#card-tasks", RecordTable).row_count
        await pilot.press("l")
        await pilot.press(*"Ждут договор", "tab", "tab", *"Отправить договор", "tab", *"вчера", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogInteractionScreen)  # a date it cannot read keeps the dialog open
        assert "'вчера' is in the past" in text_of(dialog.query_one("#error-next_when", Static))
        assert dialog.focused is dialog.query_one("#next-when")
        await pilot.press(*("backspace" for _ in "вчера"), *"+1", "enter")
        await settle(pilot)
        assert app.screen is card
        assert card.query_one("#card-tasks", RecordTable).row_count == tasks_before + 1
        assert card.card is not None and "Отправить договор" in [t.title for t in card.card.tasks]
        assert "Next step on 21.11 10:00: Отправить договор." in notifications(app)[-1]


async def test_requisites_edited_in_place_and_a_stale_save_refused(
    ws: Workspace, team: Seeded, sqlite_url: str
) -> None:
    client_id = team.clients["romashka"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, client_id)
        await settle(pilot)
        await pilot.press("u")
        dialog = app.screen
        assert isinstance(dialog, RequisitesDialog)
        dialog.query_one("#req-bik", Input).value = "123"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # a bad BIK keeps the dialog open, on that field
        assert "bik: 123 is not a BIK" in text_of(dialog.query_one("#error-bik", Static))
        assert dialog.query_one("#req-bik").has_class("refused")
        assert dialog.focused is dialog.query_one("#req-bik")
        dialog.query_one("#req-bik", Input).value = "044525225"
        dialog.query_one("#req-legal_address", Input).value = "г. Москва, ул. Льва Толстого, 16"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
        assert "ул. Льва Толстого, 16" in text_of(card.query_one("#requisites", Static))

        other = workspace(sqlite_url, "smirnov")
        assert card.card is not None
        with other.write() as session:  # the head saves while the manager's card is open
            edit_client(session, other.viewer, other.now(), client_id, card.card.version, {"city": "Химки"})
        await pilot.press("u")
        app.screen.query_one("#req-legal_address", Input).value = "г. Москва, ул. Тверская, 1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        stale = app.screen  # refused in the dialog, what was typed kept; the card reads itself again
        assert isinstance(stale, RequisitesDialog)
        assert "saved by someone else meanwhile" in text_of(stale.query_one("#error", Static))
        assert stale.query_one("#req-legal_address", Input).value == "г. Москва, ул. Тверская, 1"
        await pilot.press("escape")
        await settle(pilot)
        assert "Химки" in text_of(card.query_one("#requisites", Static))  # the fresh values
        assert "Тверская" not in text_of(card.query_one("#requisites", Static))


async def test_what_the_client_owns_is_recorded_from_the_card(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, team.clients["teplo"])
        await settle(pilot)
        assert "Nothing recorded" in text_of(card.query_one("#installed", Static))
        await pilot.press("b")
        dialog = app.screen
        assert isinstance(dialog, InstalledDialog)
        await pilot.press(*"Котёл Logano", "enter", *"Buderus", "enter")
        dialog.query_one("#inst-acquired", Input).value = "весной"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "is not a date" in text_of(
            dialog.query_one("#error-acquired", Static)
        )
        dialog.query_one("#inst-acquired", Input).value = "2019"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
        owned = text_of(card.query_one("#installed", Static))
        assert "competitor  1 × Котёл Logano (Buderus) · 01.2019" in owned


async def test_a_contact_who_moved_is_moved_from_the_card(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, team.clients["romashka"])
        await settle(pilot)
        await pilot.press("m")
        dialog = app.screen
        assert isinstance(dialog, ContactMoveDialog)
        await pilot.press("enter", "enter")  # no company given: the dialog says so
        assert app.screen is dialog
        assert "client id or an INN" in text_of(dialog.query_one("#error-to_client", Static))
        await pilot.press(*str(team.clients["vektor"]), "enter", *"Финансовый директор", "enter")
        await settle(pilot)
        assert app.screen is card
        shown = text_of(card.query_one("#contacts", Static))
        assert "Former: Ёлкина Мария Петровна (Главный бухгалтер), at «Вектор Плюс» since 20.11.2026" in shown


async def test_a_contact_person_is_added_from_the_card(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, team.clients["teplo"])
        await settle(pilot)
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ContactDialog)
        await pilot.press(
            *"Сидоров Пётр", "enter", *"Главный инженер", "enter", *"позвонить", "enter", "enter", "enter"
        )
        assert app.screen is dialog and dialog.focused is dialog.query_one("#contact-phone")
        dialog.query_one("#contact-phone", Input).value = "8 916 555-44-33"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
        contacts = text_of(card.query_one("#contacts", Static))
        assert "Сидоров Пётр — Главный инженер" in contacts and "+7 916 555-44-33" in contacts


async def test_number_keys_go_to_the_cards_sections(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, team.clients["romashka"])
        await settle(pilot)
        await pilot.press("8")
        assert card.focused is card.query_one("#timeline", RecordTable)
        await pilot.press("9")
        assert card.focused is card.query_one("#card-tasks", RecordTable)
        await pilot.press("6")  # the sources panel, at the bottom of the left column, comes into view
        await settle(pilot)
        left, panel = card.query_one("#card-left"), card.query_one("#sources")
        assert left.scroll_y <= panel.virtual_region.y < left.scroll_y + left.size.height
        assert "Entered by hand" in text_of(card.query_one("#sources", Static))


async def test_a_contact_person_is_edited_from_the_card(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, team.clients["romashka"])
        await settle(pilot)
        await pilot.press("t")  # one contact: straight to the dialog, filled in
        dialog = app.screen
        assert isinstance(dialog, ContactDialog)
        assert dialog.query_one("#contact-email", Input).value == "info@romashka.ru"
        dialog.query_one("#contact-position", Input).value = "Финансовый директор"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
        assert "Ёлкина Мария Петровна — Финансовый директор" in text_of(card.query_one("#contacts", Static))


def test_an_entrepreneurs_card_says_ip_not_a_company(ws: Workspace, team: Seeded) -> None:
    """«ИП Зорин Алексей Викторович» was «Kind: company» (организация) on the card."""
    from rich.console import Console

    from crm_tui.domain.clients.card import load_card
    from crm_tui.screens.card.sections import requisites_view

    with read_session(ws.engine) as session:
        card = load_card(session, ws.viewer, team.clients["zorin"])
    console = Console(width=100, record=True)
    console.print(requisites_view(card))
    kind = next(line for line in console.export_text().splitlines() if line.startswith("Kind"))
    assert kind.split() == ["Kind", "individual", "entrepreneur"]


async def test_the_cards_deals_show_kopecks_in_every_row_when_one_has_them(
    ws: Workspace, team: Seeded
) -> None:
    """The deals' amounts are a column: «86 500,50 ₽» keeps its kopecks (it read «86 500 ₽») and
    the other row shows «,00» so that the digits line up."""
    from sqlalchemy import update

    from crm_tui.storage.database import write_session
    from crm_tui.storage.models import deals

    with write_session(ws.engine) as session:
        session.execute(update(deals).where(deals.c.id == team.deals["d_prop_aqua"]).values(amount=8_650_050))
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(app, team.clients["aqua"])
        await settle(pilot)
        table = card.query_one("#deals", RecordTable)
        amounts = sorted(str(table.get_row_at(n)[2]).replace("\u202f", " ") for n in range(table.row_count))
    assert amounts == ["310 000.00 ₽", "86 500.50 ₽"]
