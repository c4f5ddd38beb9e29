"""The app's keys that need the base wait until it is open (issue 21's review: `W`, `N` or `T`
pressed while «Открываем клиентскую базу…» showed ended the app in an AssertionError)."""

from __future__ import annotations

import threading

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from tests.app.support import workspace


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
