"""The inbox, a request's card and its dialogs at 80x24 and 120x40, on the seeded team with three
requests of Москва (one overdue in the region's queue), frozen at FROZEN_NOW in Moscow."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from tests.app.test_inbox import requests
from tests.seed import Seeded
from tests.snapshots.conftest import SnapCompare
from tests.snapshots.test_screens import keys_then_settle

CASES: dict[str, Callable[[Pilot[None]], object]] = {
    "inbox": keys_then_settle("I"),
    "lead_card": keys_then_settle("I", "j", "j", "enter"),
    "lead_answer": keys_then_settle("I", "j", "j", "l"),
    "lead_convert": keys_then_settle("I", "j", "j", "v"),
    "lead_junk": keys_then_settle("I", "x"),
    "desk_with_requests": keys_then_settle(),
    "lead_analysis": keys_then_settle("I", "R"),
}


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
@pytest.mark.parametrize("case", list(CASES))
def test_lead_screens(
    snap_compare: SnapCompare, ws: Workspace, sqlite_url: str, team: Seeded, case: str, size: tuple[int, int]
) -> None:
    requests(sqlite_url)
    assert snap_compare(create_app(ws), terminal_size=size, run_before=CASES[case])
