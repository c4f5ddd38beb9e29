"""What each screen looks like at 120x40 on the seeded team, frozen at Friday 20.11.2026 12:30 MSK.

Update with ``pytest tests/snapshots --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace, prepare_database
from tests.app.support import settle, workspace

SIZE = (120, 40)
SnapCompare = Callable[..., bool]


async def settled(pilot: Pilot[None]) -> None:
    await settle(pilot)


def keys_then_settle(*keys: str) -> Callable[[Pilot[None]], object]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_desk(snap_compare: SnapCompare, ws: Workspace) -> None:
    assert snap_compare(create_app(ws), terminal_size=SIZE, run_before=settled)


def test_clients_list(snap_compare: SnapCompare, ws: Workspace) -> None:
    assert snap_compare(create_app(ws, start="clients"), terminal_size=SIZE, run_before=settled)


def test_client_card(snap_compare: SnapCompare, ws: Workspace) -> None:
    """Ромашка, opened from the list: three deals, a call, an overdue task."""
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("j", "j", "j", "enter"))


def test_first_run(snap_compare: SnapCompare, sqlite_url: str) -> None:
    prepare_database(sqlite_url)
    app = create_app(workspace(sqlite_url, "root"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settled)


def test_snooze_dialog(snap_compare: SnapCompare, ws: Workspace) -> None:
    assert snap_compare(create_app(ws), terminal_size=SIZE, run_before=keys_then_settle("s"))
