"""Snapshots run on the seeded team in a SQLite file, as Иванова, frozen at FROZEN_NOW in Moscow."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from crm_tui.domain.workspace import Workspace
from tests.app.support import workspace
from tests.seed import Seeded, seed_team
from tests.snapshots.screen_text import screen_lines


@pytest.fixture
def team(sqlite_url: str, prepared: Callable[[str], Engine]) -> Seeded:
    return seed_team(prepared(sqlite_url))


@pytest.fixture
def ws(sqlite_url: str, team: Seeded) -> Workspace:
    return workspace(sqlite_url, "ivanova")


SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None] | None]


@pytest.fixture
def snap_compare(snap_compare: SnapCompare, request: pytest.FixtureRequest) -> SnapCompare:
    """pytest-textual-snapshot's ``snap_compare``, with the text cursors made steady before the
    screenshot: a cursor blinks every half second, so on a busy machine (parallel workers) it
    was sometimes caught in its hidden half. Steady, it shows as it does right after focus.

    A mismatch prints what differs as screen text (``what_differs``): CI keeps only its log, and
    a snapshot that failed there once and never here said nothing of what it had shown."""

    def compare(app: Any, *args: Any, run_before: RunBefore | None = None, **kwargs: Any) -> bool:
        shown: list[str] = []

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
            shown.append(pilot.app.export_screenshot())

        same = snap_compare(app, *args, run_before=then_steady, **kwargs)
        if not same and shown:
            print(what_differs(expected_svg(request), shown[-1]))
        return same

    return compare


def expected_svg(request: pytest.FixtureRequest) -> Path:
    """Where pytest-textual-snapshot keeps the test's snapshot (syrupy's single-file layout)."""
    module = Path(request.node.path)
    return module.parent / "__snapshots__" / module.stem / f"{request.node.name}.svg"


def what_differs(expected: Path, svg: str) -> str:
    """The lines of text that differ between the stored snapshot and ``svg``, or that only
    the colours, styles or the split of the text runs do."""
    if not expected.is_file():
        return f"no snapshot at {expected}"
    before = screen_lines(expected.read_text(encoding="utf-8"))
    after = screen_lines(svg)
    if before == after:
        return f"{expected.name}: the same text; only colours, styles or the text runs' split differ"
    diff = difflib.unified_diff(before, after, "stored", "shown now", lineterm="", n=1)
    return f"{expected.name}: the text differs\n" + "\n".join(diff)
