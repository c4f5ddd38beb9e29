"""The app's keys that need the base wait until it is open (issue 21's review: `W`, `N` or `T`
pressed while «Открываем клиентскую базу…» showed ended the app in an AssertionError)."""

from __future__ import annotations

import threading

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.desk import DeskScreen
from tests.app.support import settle, workspace


async def test_keys_pressed_before_the_base_is_open_do_not_crash_the_app(
    sqlite_url: str, team: object
) -> None:
    release = threading.Event()

    def slow() -> Workspace:
        release.wait(timeout=60)
        return workspace(sqlite_url, "ivanova")

    app = create_app(slow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("W", "N", "T", "K", "L", "H", "P", "I", "F", "S", "d", "c")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_the_desk_is_the_first_screen_while_the_base_opens(sqlite_url: str, team: object) -> None:
    """The desk is drawn at once, empty, its header saying the base is opening (no start screen
    and no switch to the desk when the base is open); its own keys wait; the data comes to it."""
    release = threading.Event()

    def slow() -> Workspace:
        release.wait(timeout=60)
        return workspace(sqlite_url, "ivanova")

    app = create_app(slow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        desk = app.screen
        assert isinstance(desk, DeskScreen) and desk.desk is None
        assert desk.sub_title == "Opening the client base…"
        await pilot.press("x", "s", "A", "M", "X", "r", "enter", "tab", "enter")
        await pilot.pause()
        assert app.is_running and app.screen is desk
        release.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen is desk and desk.desk is not None
        assert "Позвонить по КП" in [t.title for t in desk.desk.tasks]
        assert desk.sub_title.startswith("Иванова")
