"""The app shows values from outside as typed: a client's name, a contact, a deal, a stage, a
task, a touch, a user's name and a notification holding markup or escape sequences appear as
their characters on the desk, in the clients list, on the card (its timeline too), on the
kanban and in a toast: no markup read (``[/]`` raised MarkupError in a DataTable), no escape
code drawn (``\\x1b[2J`` wiped the list)."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy.engine import Engine
from textual.widgets import Input

from crm_tui.app import CrmApp, create_app
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.dialogs.new_client import NewClientScreen
from crm_tui.screens.funnel import FunnelScreen
from tests.app.support import settle, workspace
from tests.hostile import Planted, has_controls, hostile_text, plant, planted_values, shown
from tests.seed import Seeded
from tests.snapshots.screen_text import screen_lines

SIZE = (160, 45)
LONGEST = 14
"""Values no longer than this fit every column they are shown in at ``SIZE``, so each is found
whole on the screen."""


def screen_text(app: CrmApp) -> str:
    text = "\n".join(screen_lines(app.export_screenshot()))
    assert not has_controls(text)
    return text


def on_screen(value: str, text: str) -> bool:
    return shown(value).strip() in text


async def walk(url: str, client_id: int, values: Planted, note: str) -> None:
    app = create_app(workspace(url, "ivanova"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        desk = screen_text(app)
        assert on_screen(values.task, desk) and on_screen(values.client, desk)
        assert on_screen(values.user, desk)  # the header: the person's name
        await pilot.press("c")
        await settle(pilot)
        assert on_screen(values.client, screen_text(app))
        app.post_message(ClientCardScreen.Open(client_id))
        await settle(pilot)
        assert isinstance(app.screen, ClientCardScreen)
        card = screen_text(app)
        for value in (values.client, values.contact, values.deal, values.stage, values.task, values.touch):
            assert on_screen(value, card), (value, card)
        await pilot.press("escape", "F")
        await settle(pilot)
        assert isinstance(app.screen, FunnelScreen)
        kanban = screen_text(app)
        assert on_screen(values.deal, kanban) and on_screen(values.stage, kanban)
        app.notify(note)
        await settle(pilot)
        assert on_screen(note, screen_text(app))


@settings(
    max_examples=4,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # a run of the app takes seconds: no shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=planted_values(3, longest=LONGEST), note=hostile_text(4))
def test_values_from_outside_are_shown_as_typed_everywhere(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded, values: Planted, note: str
) -> None:
    plant(sqlite_engine, team, values)
    asyncio.run(walk(sqlite_url, team.clients["romashka"], values, note))


async def test_what_is_pasted_into_a_field_loses_its_control_characters(
    sqlite_url: str, team: Seeded
) -> None:
    app = create_app(workspace(sqlite_url, "ivanova"), start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NewClientScreen)
        field = app.screen.query_one("#new-name", Input)
        field.insert_text_at_cursor("ООО \x1b[2JЛютик\u202e\x07")
        await settle(pilot)
        assert field.value == "ООО [2JЛютик"
