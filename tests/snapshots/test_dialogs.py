"""Every form dialog at 80x24 and at 120x40 (issue 19): laid out for 80x24 first, centred, the
body scrolling with the focused field in view, the Save and Cancel buttons always on screen; and
a refused save at 80x24, the reason under the field at the bottom of the longest dialog.

Update with ``pytest tests/snapshots/test_dialogs.py --snapshot-update`` and read the SVGs
(``tests/snapshots/screen_text.py`` turns one into lines of text).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from tests.app.support import settle, wait_for, workspace
from tests.app.typing import burst
from tests.seed import Seeded
from tests.snapshots.test_screens import keys_then_settle

SnapCompare = Callable[..., bool]
Size = tuple[int, int]
CARD = ("j", "j", "j", "enter")
"""Ромашка's card, from the clients list."""

pytestmark = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)


async def press_and_settle(pilot: Pilot[None], *keys: str) -> None:
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("l", id="log_call"),
        pytest.param("o", id="note"),
        pytest.param("u", id="requisites"),
        pytest.param("b", id="installed_base"),
        pytest.param("m", id="contact_moved"),
        pytest.param("a", id="new_contact"),
        pytest.param("e", id="portrait"),
    ],
)
def test_card_dialog(snap_compare: SnapCompare, ws: Workspace, key: str, size: Size) -> None:
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle(*CARD, key))


def test_requisites_refused_at_the_bottom(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    """A bad settlement account, the last but two fields: the dialog scrolls to it, the reason
    under it, the buttons below."""

    async def run(pilot: Pilot[None]) -> None:
        await press_and_settle(pilot, *CARD, "u")
        await burst(pilot, *["tab"] * 7, "ctrl+u", "123", "ctrl+s")
        await settle(pilot)

    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=size, run_before=run)


def test_new_client(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("a"))


def test_task_result(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    assert snap_compare(create_app(ws), terminal_size=size, run_before=keys_then_settle("x"))


def test_snooze(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    assert snap_compare(create_app(ws), terminal_size=size, run_before=keys_then_settle("s"))


def test_lost_deal(snap_compare: SnapCompare, ws: Workspace, team: Seeded, size: Size) -> None:
    from crm_tui.screens.deal import DealScreen

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(DealScreen(ws, team.deals["d_await_romashka"]))
        await press_and_settle(pilot, "x")

    assert snap_compare(create_app(ws), terminal_size=size, run_before=run)


def test_handover(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size) -> None:
    """The head hands Ромашка over to Петров: asked first, Cancel focused."""
    app = create_app(workspace(sqlite_url, "smirnov"), start="clients")
    steps = keys_then_settle("j", "j", "j", "enter", "h", "down", "enter")
    assert snap_compare(app, terminal_size=size, run_before=steps)


def test_new_portrait_field(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size) -> None:
    app = create_app(workspace(sqlite_url, "admin"), start="clients")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("comma", "a"))


def test_browser_password_refused(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size
) -> None:
    """An admin's browser password dialog (whose login, the password twice as dots), refused: the
    two differ."""

    async def refused(pilot: Pilot[None]) -> None:
        await press_and_settle(pilot, "P")
        await burst(pilot, "tab", "секретный-1", "tab", "секретный-2", "ctrl+s")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#error-again").display)

    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=size, run_before=refused)
