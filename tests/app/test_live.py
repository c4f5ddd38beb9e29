"""Screens follow what other people change, without a key press."""

from __future__ import annotations

from crm_tui.app import create_app
from crm_tui.domain.clients.new_client import NewClient, add_client
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.clients import ClientsScreen
from crm_tui.screens.desk import DeskScreen
from tests.app.support import settle, wait_for, workspace
from tests.seed import Seeded


async def test_the_clients_list_shows_a_colleagues_new_client_within_two_seconds(
    sqlite_url: str, ws: Workspace, team: Seeded
) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientsScreen) and screen.page is not None
        before = [r.name for r in screen.page.rows]
        assert "Аквилон" not in before
        colleague = workspace(sqlite_url, "ivanova")  # the same person at another terminal
        add_client(colleague, NewClient(name="ООО «Аквилон»", phone="+7 916 100 20 30"))
        shown = lambda: screen.page is not None and "Аквилон" in [r.name for r in screen.page.rows]  # noqa: E731
        await wait_for(pilot, shown, timeout=2.5)


async def test_the_desk_reloads_when_a_task_is_completed_elsewhere(
    sqlite_url: str, ws: Workspace, team: Seeded
) -> None:
    from crm_tui.domain.tasks.lifecycle import complete_task

    app = create_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        assert desk.desk is not None and desk.desk.tasks
        first = desk.desk.tasks[0]
        complete_task(workspace(sqlite_url, "ivanova"), first.id, first.version, "договорились о встрече")
        await wait_for(
            pilot,
            lambda: desk.desk is not None and first.id not in [t.id for t in desk.desk.tasks],
            timeout=2.5,
        )


async def test_the_desk_under_the_funnel_does_not_read_itself_until_it_is_back(
    sqlite_url: str, ws: Workspace, team: Seeded
) -> None:
    """A screen covered by another full screen is not seen: it does not read itself again at
    every change (Textual counts the screen right under the top one as current, so the desk
    under the funnel read the base again, and was drawn again under it, at each new deal).
    Back on top, it catches up within its poll."""
    from crm_tui.domain.tasks.lifecycle import complete_task
    from crm_tui.screens.funnel import FunnelScreen

    app = create_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        desk = app.screen
        assert isinstance(desk, DeskScreen) and desk.desk is not None and desk.desk.tasks
        first = desk.desk.tasks[0]
        shown = desk.desk
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FunnelScreen) and app.screen.board is not None)
        complete_task(workspace(sqlite_url, "ivanova"), first.id, first.version, "договорились о встрече")
        await pilot.pause(2.5)  # two polls and more
        await settle(pilot)
        assert desk.desk is shown, "the covered desk read itself again"
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: desk.desk is not None and first.id not in [t.id for t in desk.desk.tasks],
            timeout=2.5,
        )
