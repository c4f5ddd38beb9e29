"""The new deal, deal edit, deal line and task dialogs, the deal screen with its lines and the
week view, at 80x24 and 120x40 (the seeded team as Иванова, frozen at Friday 20.11.2026 12:30 MSK).

Update with ``pytest tests/snapshots/test_deals_tasks_screens.py --snapshot-update`` and read the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from tests.seed import Seeded
from tests.snapshots.deals_tasks_cases import CASES, deals_and_tasks

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
@pytest.mark.parametrize("case", list(CASES))
def test_deals_and_tasks(
    snap_compare: SnapCompare, ws: Workspace, sqlite_url: str, team: Seeded, case: str, size: tuple[int, int]
) -> None:
    deals_and_tasks(sqlite_url, team)
    start, steps = CASES[case]
    assert snap_compare(create_app(ws, start=start), terminal_size=size, run_before=steps)
