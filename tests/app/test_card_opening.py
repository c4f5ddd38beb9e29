"""Opening client cards one after another: the card screen is kept and refilled, never stale."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Static

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.access.users import owner_choices
from crm_tui.domain.clients.card import ClientCard, load_card
from crm_tui.domain.interactions.log import log_interaction
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card import opener as card_opener
from crm_tui.screens.card import screen as client_card
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.desk import DeskScreen
from crm_tui.storage.database import read_session
from crm_tui.storage.models import InteractionKind
from crm_tui.widgets.record_table import RecordTable
from tests.app.frames import recording
from tests.app.support import add_clients, notifications, settle, text_of
from tests.app.test_card import logged
from tests.seed import Seeded

SIZE = (120, 40)


async def opened(app: CrmApp, pilot: Pilot[None], client_id: int) -> ClientCardScreen:
    """Open a card the way every list does (its Open message) and wait for it."""
    app.screen.post_message(ClientCardScreen.Open(client_id))
    await settle(pilot)
    card = app.screen
    assert isinstance(card, ClientCardScreen)
    return card


def held_read() -> tuple[threading.Event, Callable[..., ClientCard]]:
    """A ``load_card`` that waits until the event is set: a read that takes its time."""
    release = threading.Event()

    def slow_load(*args: Any, **kwargs: Any) -> ClientCard:
        release.wait(5)
        return load_card(*args, **kwargs)

    return release, slow_load


async def asked_while_read_is_held(
    app: CrmApp, pilot: Pilot[None], monkeypatch: pytest.MonkeyPatch, reader: object, client_id: int
) -> threading.Event:
    """Ask for a card whose read (``reader.load_card``) waits; returns the event that lets it go."""
    release, slow_load = held_read()
    monkeypatch.setattr(reader, "load_card", slow_load)
    app.screen.post_message(ClientCardScreen.Open(client_id))
    await pilot.pause(0.2)
    return release


async def opened_and_left(app: CrmApp, pilot: Pilot[None], client_id: int) -> ClientCardScreen:
    """Open a card and go back with Escape: the card screen is kept for the next card."""
    card = await opened(app, pilot, client_id)
    await pilot.press("escape")
    await settle(pilot)
    return card


async def test_the_next_card_is_shown_afresh_on_the_same_screen(ws: Workspace, team: Seeded) -> None:
    teplo, aqua = team.clients["teplo"], team.clients["aqua"]
    for n in range(45):
        log_interaction(ws, teplo, InteractionKind.NOTE, f"Заметка {n:02}")
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = await opened(app, pilot, teplo)
        await pilot.press("n", "8", "j", "j")  # an older page, the cursor moved down the timeline
        await settle(pilot)
        assert len(first.timeline_pages) == 2
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)

        second = await opened(app, pilot, aqua)
        assert second is first
        assert second.client_id == aqua and second.card is not None and second.card.name == "Аква-Сервис"
        assert "INN 7720011224" in text_of(second.query_one("#card-facts", Static))
        assert second.timeline_pages == [None]
        timeline = second.query_one("#timeline", RecordTable)
        assert timeline.cursor_row == 0
        assert timeline.row_count == len(second.card.timeline.entries)
        assert second.focused is second.query_one("#card-left", VerticalScroll)

        await pilot.press("escape")
        await settle(pilot)
        again = await opened(app, pilot, teplo)
        assert again.timeline_page is not None and again.timeline_page.entries[0].text == "Заметка 44"
        assert "page 1" in str(again.query_one("#timeline-panel").border_subtitle)


async def test_a_call_logged_on_the_next_card_goes_to_that_client(ws: Workspace, team: Seeded) -> None:
    teplo, aqua = team.clients["teplo"], team.clients["aqua"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await opened_and_left(app, pilot, teplo)
        card = await opened(app, pilot, aqua)
        before = len(logged(ws, teplo))
        await pilot.press("o", *"Прислали реквизиты", "ctrl+s")
        await settle(pilot)
        assert ("note", "Прислали реквизиты", None) in logged(ws, aqua)
        assert len(logged(ws, teplo)) == before
        assert card.card is not None and card.card.timeline.entries[0].text == "Прислали реквизиты"


async def test_a_late_read_of_the_previous_client_does_not_overwrite_the_card(
    ws: Workspace, team: Seeded
) -> None:
    teplo, aqua = team.clients["teplo"], team.clients["aqua"]
    with read_session(ws.engine) as session:
        old = load_card(session, ws.viewer, teplo)
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await opened(app, pilot, aqua)
        card.post_message(ClientCardScreen.Loaded(old))
        await settle(pilot)
        assert card.card is not None and card.card.id == aqua
        assert "Аква" in text_of(card.query_one("#card-title", Static))


async def test_a_card_opened_over_a_card_gets_its_own_screen(ws: Workspace, team: Seeded) -> None:
    teplo, aqua = team.clients["teplo"], team.clients["aqua"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        under = await opened(app, pilot, teplo)
        over = await opened(app, pilot, aqua)  # a deal's client, say, opened from above a card
        assert over is not under and over.client_id == aqua
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under and under.card is not None and under.card.id == teplo


async def test_a_client_out_of_reach_is_a_message_and_no_card_opens(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await opened(app, pilot, team.clients["teplo"])
        await pilot.press("escape")
        await settle(pilot)
        app.screen.post_message(ClientCardScreen.Open(team.clients["metall"]))  # Petrov's client
        await settle(pilot)
        assert notifications(app) == [f"client {team.clients['metall']} not found"]
        assert isinstance(app.screen, DeskScreen)


async def test_reopening_a_client_starts_at_the_top_of_its_card(ws: Workspace, team: Seeded) -> None:
    teplo = team.clients["teplo"]
    for n in range(45):
        log_interaction(ws, teplo, InteractionKind.NOTE, f"Заметка {n:02}")
    app = create_app(ws)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        card = await opened(app, pilot, teplo)
        left = card.query_one("#card-left", VerticalScroll)
        assert left.max_scroll_y > 0
        left.scroll_end(animate=False)
        await pilot.press("8", *"jjjjj")
        await settle(pilot)
        timeline = card.query_one("#timeline", RecordTable)
        assert timeline.cursor_row == 5 and left.scroll_y > 0
        await pilot.press("escape")
        await settle(pilot)
        again = await opened(app, pilot, teplo)
        assert again is card
        assert timeline.cursor_row == 0 and left.scroll_y == 0


async def test_a_card_read_while_the_person_moved_on_does_not_open(
    ws: Workspace, team: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    teplo, aqua = team.clients["teplo"], team.clients["aqua"]
    release, slow_load = held_read()
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await opened_and_left(app, pilot, teplo)
        monkeypatch.setattr(card_opener, "load_card", slow_load)
        app.screen.post_message(ClientCardScreen.Open(aqua))
        await pilot.pause()
        await app.run_action("app.segments")  # the person went on while the card was read
        await pilot.pause()
        release.set()
        await settle(pilot)
        assert type(app.screen).__name__ == "SegmentsScreen"
        assert not any(isinstance(s, ClientCardScreen) for s in app.screen_stack)


async def test_a_second_enter_on_the_same_row_opens_one_card(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        desk = app.screen
        desk.post_message(ClientCardScreen.Open(team.clients["teplo"]))
        desk.post_message(ClientCardScreen.Open(team.clients["teplo"]))
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack] == ["DeskScreen", "ClientCardScreen"]


async def test_the_handover_list_arriving_after_escape_opens_no_dialog(ws: Workspace, team: Seeded) -> None:
    teplo = team.clients["teplo"]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await opened_and_left(app, pilot, teplo)
        with read_session(ws.engine) as session:
            people = owner_choices(session, ws.viewer)
        card.post_message(ClientCardScreen.PeopleLoaded(teplo, people))
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_the_card_follows_the_terminal_when_it_is_resized(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await opened(app, pilot, team.clients["teplo"])
        wide = card.query_one("#timeline-panel").region
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        narrow = card.query_one("#timeline-panel").region
        assert card.size == (90, 30)
        assert narrow.width < wide.width and narrow.right <= 90
        assert card.query_one("#timeline", RecordTable).region.bottom <= 30


async def test_the_first_card_opens_on_a_screen_laid_out_while_the_desk_was_read(
    ws: Workspace, team: Seeded
) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        prepared = app.get_screen("client-card-desk")
        assert isinstance(prepared, ClientCardScreen) and prepared.card is None
        assert prepared.query_one("#timeline-panel").region.area > 0  # laid out, not shown
        assert isinstance(app.screen, DeskScreen)
        card = await opened(app, pilot, team.clients["teplo"])
        assert card is prepared
        assert "Тепло" in text_of(card.query_one("#card-title", Static))
        assert card.query_one("#timeline", RecordTable).row_count > 0


async def test_each_list_mode_gets_its_own_prepared_card_screen(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.run_action("app.clients")
        await settle(pilot)
        prepared = app.get_screen("client-card-clients")  # prepared on entering the list
        assert isinstance(prepared, ClientCardScreen) and prepared.card is None
        assert prepared.query_one("#timeline-panel").region.area > 0
        assert prepared is not app.get_screen("client-card-desk")
        from_list = await opened(app, pilot, team.clients["aqua"])
        assert from_list is prepared
        assert "Аква" in text_of(from_list.query_one("#card-title", Static))


async def test_each_card_is_drawn_in_one_whole_frame(ws: Workspace, team: Seeded) -> None:
    """No frame of the new client in the previous one's layout, no part of the card painted
    over the desk: the first frame that changes the screen is the whole card, and nothing
    changes after it. Clients whose cards differ in shape follow one another."""
    teplo = team.clients["teplo"]
    for n in range(45):
        log_interaction(ws, teplo, InteractionKind.NOTE, f"Заметка {n:02}")
    (bare,) = add_clients(ws.engine, team, 1)
    cards = [(teplo, "Тепло"), (team.clients["aqua"], "Аква"), (bare, "Клиент 001"), (teplo, "Тепло")]
    with recording(*SIZE) as frames:
        app = create_app(ws)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for client, name in cards:
                frames.replay()
                app.screen.post_message(ClientCardScreen.Open(client))
                await settle(pilot)
                await pilot.pause(0.2)
                drawn = [frame.kind for frame in frames.replay() if frame.changed]
                assert drawn == ["LayoutUpdate"], (name, drawn)
                assert name in frames.text()
                await pilot.press("6")  # the left column scrolled down, to its sources
                await pilot.press("escape")
                await settle(pilot)
            await pilot.resize_terminal(100, 30)  # while the card screen is hidden
            frames.resize(100, 30)
            await settle(pilot)
            frames.replay()
            app.screen.post_message(ClientCardScreen.Open(team.clients["aqua"]))
            await settle(pilot)
            await pilot.pause(0.2)
            drawn = [frame.kind for frame in frames.replay() if frame.changed]
            assert drawn == ["LayoutUpdate"] and "Аква" in frames.text()


async def test_the_first_card_waits_on_the_desk_while_its_client_is_read(
    ws: Workspace, team: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        release = await asked_while_read_is_held(app, pilot, monkeypatch, card_opener, team.clients["teplo"])
        assert isinstance(app.screen, DeskScreen)  # no card of empty panels in the meantime
        release.set()
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card.card is not None
        assert "Тепло" in text_of(card.query_one("#card-title", Static))


async def test_the_first_card_fits_a_terminal_resized_after_its_screen_was_prepared(
    ws: Workspace, team: Seeded
) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        card = await opened(app, pilot, team.clients["teplo"])
        assert card.size == (90, 30)
        assert card.query_one("#timeline-panel").region.right <= 90
        assert card.query_one("#timeline", RecordTable).region.bottom <= 30


async def test_a_card_opened_over_a_card_shows_no_empty_sections_while_its_client_is_read(
    ws: Workspace, team: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        under = await opened(app, pilot, team.clients["teplo"])
        release = await asked_while_read_is_held(app, pilot, monkeypatch, client_card, team.clients["aqua"])
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card is not under and card.card is None
        assert card.query_one("#card-body").region.area == 0  # not a frame of empty panels
        release.set()
        await settle(pilot)
        assert card.card is not None
        assert card.query_one("#timeline-panel").region.area > 0
        assert "Аква" in text_of(card.query_one("#card-title", Static))


async def test_a_panel_without_rows_says_so_and_the_next_client_gets_its_table_back(
    ws: Workspace, team: Seeded
) -> None:
    (bare,) = add_clients(ws.engine, team, 1)
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await opened_and_left(app, pilot, bare)
        none_yet = card.query_one("#deals-panel > .empty", Static)
        deals = card.query_one("#deals", RecordTable)
        assert not deals.display and none_yet.display
        assert text_of(none_yet).strip() == "No deals yet." and none_yet.region.area > 0
        again = await opened(app, pilot, team.clients["romashka"])
        assert again is card
        assert deals.display and deals.region.area > 0 and deals.row_count == 3
        assert not none_yet.display and none_yet.region.area == 0


async def test_the_app_leaves_the_garbage_collector_as_it_found_it(ws: Workspace, team: Seeded) -> None:
    """The collector is the process's: the app (which may run in a process that goes on, a
    test or a script) neither freezes objects nor changes its thresholds, not even for a card."""
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await opened(app, pilot, team.clients["teplo"])
        assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before
