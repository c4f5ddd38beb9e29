"""The app's start (issue 29): the desk's data is read in the worker that opens the base, so the
desk's first frame already shows it, and nothing the desk does not need is loaded before it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from crm_tui.app import create_app
from crm_tui.domain import desk as desk_domain
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.desk import DeskScreen
from crm_tui.storage.database import write_session
from crm_tui.storage.models import tasks
from tests.app.frames import recording
from tests.app.support import settle
from tests.seed import FROZEN_NOW, Seeded

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parents[2]


async def test_the_desk_is_drawn_with_its_data_read_once(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    read = desk_domain.load_desk

    def counted(workspace: Workspace) -> desk_domain.Desk:
        reads.append(1)
        return read(workspace)

    monkeypatch.setattr(desk_domain, "load_desk", counted)
    loaded = DeskScreen.on_desk_screen_loaded
    shown: list[list[str]] = []

    def show(screen: DeskScreen, event: DeskScreen.Loaded) -> None:
        loaded(screen, event)
        shown.append([t.title for t in event.desk.tasks])

    monkeypatch.setattr(DeskScreen, "on_desk_screen_loaded", show)
    app = create_app(lambda: ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert len(shown) == 1 and "Позвонить по КП" in shown[0], shown
    assert len(reads) == 1


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_the_desk_s_first_frame_with_its_data_is_the_whole_desk(
    ws: Workspace, size: tuple[int, int]
) -> None:
    """The first frame of the desk's data already has its tables' columns fitted to their width
    and the tiles' captions broken for theirs: it was drawn with the tables fitted to no width
    (the task's title cut to a few letters, its kind and client left out) and the captions on
    one line, and the real desk came with a second layout and frame."""
    app = create_app(lambda: ws)
    with recording(*size) as frames:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, DeskScreen)
    written, frames.pending = frames.pending, []
    first = None
    for frame in written:  # replayed one by one: the screen as each frame left it
        frames.pending.append(frame)
        frames.replay()
        if first is None and "Позвонить" in frames.text():
            first = frames.text()
    assert first is not None
    assert first == frames.text()


async def test_a_change_after_the_start_read_reaches_the_desk(ws: Workspace, team: Seeded) -> None:
    """The desk read at start-up watches the base from before that read: a task moved to today
    after it shows up without a key press."""
    app = create_app(lambda: ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeskScreen) and screen.desk is not None
        assert "Перезвонить после праздников" not in [t.title for t in screen.desk.tasks]
        with write_session(ws.engine) as session:
            session.execute(
                update(tasks).where(tasks.c.id == team.tasks["tomorrow_call"]).values(due_at=FROZEN_NOW)
            )
        await pilot.pause(1.3)
        await settle(pilot)
        assert screen.desk is not None
        assert "Перезвонить после праздников" in [t.title for t in screen.desk.tasks]


_WHAT_IS_LOADED = r"""
import asyncio, json, sys
from crm_tui.app import CrmApp, create_app
from crm_tui.domain.workspace import open_workspace

WATCHED = sys.argv[3].split(",")
seen = {}
probed = CrmApp.on_crm_app_probed
warmed = CrmApp.on_crm_app_warmed_up

async def on_probed(self, event):
    seen["desk read"] = event.desk is not None
    seen["before the desk"] = [m for m in WATCHED if m in sys.modules]
    await probed(self, event)

def on_warmed(self):
    warmed(self)
    seen["after it"] = [m for m in WATCHED if m in sys.modules]

CrmApp.on_crm_app_probed = on_probed
CrmApp.on_crm_app_warmed_up = on_warmed

async def main():
    app = create_app(lambda: open_workspace(sys.argv[1], sys.argv[2]))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(2000):
            if "after it" in seen:
                break
            await pilot.pause(0.01)
        # The card screen prepared just now: its header sets its title in a callback, which
        # fails (NoMatches) when the app leaves before it has run.
        await pilot.pause()
    print(json.dumps(seen))

asyncio.run(main())
"""

NOT_BEFORE_THE_DESK = (
    "crm_tui.screens.clients",
    "crm_tui.screens.card.screen",
    "crm_tui.screens.first_run",
    "crm_tui.screens.dialogs.task_change",
    "crm_tui.storage.records",
    "crm_tui.screens.week",
)


def test_nothing_the_desk_does_not_need_is_loaded_before_it(seeded_db: str) -> None:
    """In a fresh interpreter, as `crm` starts: the list, the card, the first-run page, the
    desk's dialogs and the mapped records load after the desk is up, not before."""
    result = subprocess.run(
        [sys.executable, "-c", _WHAT_IS_LOADED, seeded_db, "ivanova", ",".join(NOT_BEFORE_THE_DESK)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["desk read"] is True
    assert seen["before the desk"] == []
    # The card and the list are loaded once the desk is up, off the UI thread.
    assert "crm_tui.screens.card.screen" in seen["after it"]
    assert "crm_tui.screens.clients" in seen["after it"]
    assert "crm_tui.screens.week" in seen["after it"]  # `W` opens it without loading it
