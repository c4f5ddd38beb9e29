"""Ромашка's card and the kanban when the base holds markup, escape sequences, a link and a bidi
override in the client's name, its contact, a deal, a stage, a task, a touch and the user's
name: each drawn as its characters (tests/app/test_hostile_text.py walks random ones)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from tests.app.support import settle
from tests.hostile import Planted, plant
from tests.seed import Seeded

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]

PLANTED = Planted(
    client="[bold red]Ромашка[/] \x1b[2J\x1b[H",
    contact="Ёлкина [link=http://evil.example]Мария\x1b]8;;http://evil.example\x07",
    deal="ООО [/] x\u202eпоставка",
    stage="[dim]Ждём\x07 оплату",
    task="\x1b[31mНапомнить[0m",
    touch="Обсудили [@click=app.quit]график[/]",
    user="Иванова [b]С[/b]",
)


@pytest.fixture
def planted(sqlite_url: str, prepared: Callable[[str], Engine], team: Seeded) -> Seeded:
    """The values planted before the workspace opens (the tests ask for it before ``ws``), so
    the header shows the planted name of the person too."""
    plant(prepared(sqlite_url), team, PLANTED)
    return team


@pytest.mark.parametrize("size", SIZES)
def test_hostile_values_on_the_card(
    snap_compare: SnapCompare, planted: Seeded, ws: Workspace, size: tuple[int, int]
) -> None:
    async def open_card(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.post_message(ClientCardScreen.Open(planted.clients["romashka"]))
        await settle(pilot)

    assert snap_compare(create_app(ws, start="clients"), terminal_size=size, run_before=open_card)


@pytest.mark.parametrize("size", SIZES)
def test_hostile_values_on_the_kanban(
    snap_compare: SnapCompare, planted: Seeded, ws: Workspace, size: tuple[int, int]
) -> None:
    async def open_funnel(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)

    assert snap_compare(create_app(ws), terminal_size=size, run_before=open_funnel)
