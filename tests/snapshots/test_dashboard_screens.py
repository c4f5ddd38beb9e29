"""The head's dashboard and the records behind a figure, at 80x24 and 120x40 (the seeded team as
Смирнов, head of sales in Москва, frozen at Friday 20.11.2026 12:30 MSK).

Update with ``pytest tests/snapshots/test_dashboard_screens.py --snapshot-update``."""

from __future__ import annotations

import pytest

from crm_tui.app import create_app
from tests.app.support import workspace
from tests.seed import Seeded
from tests.snapshots.conftest import SnapCompare
from tests.snapshots.test_screens import keys_then_settle

BOTH = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)


@BOTH
def test_dashboard(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("K"))


@BOTH
def test_dashboard_silent_clients(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]
) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(
        app, terminal_size=size, run_before=keys_then_settle("K", "tab", "tab", "tab", "enter")
    )
