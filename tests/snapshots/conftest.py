"""Snapshots run on the seeded team in a SQLite file, as Иванова, frozen at FROZEN_NOW in Moscow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from crm_tui.domain.workspace import Workspace
from tests.app.support import workspace
from tests.seed import Seeded, seed_team


@pytest.fixture
def team(sqlite_url: str, prepared: Callable[[str], Engine]) -> Seeded:
    return seed_team(prepared(sqlite_url))


@pytest.fixture
def ws(sqlite_url: str, team: Seeded) -> Workspace:
    return workspace(sqlite_url, "ivanova")


SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None] | None]


@pytest.fixture
def snap_compare(snap_compare: SnapCompare) -> SnapCompare:
    """pytest-textual-snapshot's ``snap_compare``, with the text cursors made steady before the
    screenshot: a cursor blinks every half second, so on a busy machine (parallel workers) it
    was sometimes caught in its hidden half. Steady, it shows as it does right after focus."""

    def compare(app: Any, *args: Any, run_before: RunBefore | None = None, **kwargs: Any) -> bool:
        async def then_steady(pilot: Pilot[None]) -> None:
            if run_before is not None:
                started = run_before(pilot)
                if started is not None:
                    await started
            for field in pilot.app.screen.query(Input):
                field.cursor_blink = False
            for area in pilot.app.screen.query(TextArea):
                area.cursor_blink = False
            await pilot.pause()

        return snap_compare(app, *args, run_before=then_steady, **kwargs)

    return compare
