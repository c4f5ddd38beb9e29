"""The app shell: first run, switching screens, the command palette, quitting."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.command import CommandPalette
from textual.widgets import Static
from textual.worker import WorkerFailed

from crm_tui.app import create_app, describe_error
from crm_tui.app.commands import ActionCommands
from crm_tui.domain.errors import StaleEdit
from crm_tui.domain.workspace import Workspace, prepare_database
from crm_tui.screens.clients import ClientsScreen
from crm_tui.screens.desk import DeskScreen
from crm_tui.screens.dialogs.task_result import TaskResultScreen
from crm_tui.screens.first_run import FirstRunScreen
from crm_tui.storage.errors import DatabaseUnavailable
from tests.app.support import add_clients, notifications, settle, text_of, workspace
from tests.seed import Seeded, seed_team

SIZE = (120, 40)


async def test_first_run_on_an_empty_database(sqlite_url: str) -> None:
    engine = prepare_database(sqlite_url)
    ws = workspace(sqlite_url, "root")  # the first person to open it becomes its admin
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        guide = text_of(app.screen.query_one("#first-run-guide", Static))
        assert "crm demo" in guide and "crm import clients FILE" in guide and "crm user add" in guide
        assert "PATH" not in guide  # crm is on PATH here (the default): nothing to explain
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert notifications(app) == ["Still no clients."]
        seeded = seed_team(engine)  # meanwhile an admin loads the clients
        assert seeded.clients
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_d_and_c_switch_screens_and_keep_the_list(
    sqlite_engine: Engine, team: Seeded, ws: Workspace
) -> None:
    add_clients(sqlite_engine, team, 60)
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("c")
        await settle(pilot)
        clients = app.screen
        assert isinstance(clients, ClientsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert clients.page_number == 2
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is clients and clients.page_number == 2


async def test_start_screen_and_unknown_start(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
    with pytest.raises(ValueError, match="unknown start screen"):
        create_app(ws, start="funnel")


async def test_the_palette_lists_every_action_of_the_app_and_the_screen(ws: Workspace) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = ActionCommands(app.screen)
        found = {name: help_text for name, help_text, _command, _shown in provider._actions()}
        for name in ["Open", "Done", "Snooze", "Refresh", "Desk", "Clients", "Quit"]:
            assert name in found, found
        assert found["Done"] == "key x"


async def test_a_palette_command_runs_its_action(ws: Workspace) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Done")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskResultScreen)


async def test_q_quits(ws: Workspace) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


def test_errors_read_as_one_line() -> None:
    stale = "task «x» was changed by someone else meanwhile: reload and retry"
    assert describe_error(StaleEdit(stale)) == stale
    assert describe_error(DatabaseUnavailable("cannot use database x.db: locked")) == (
        "cannot use database x.db: locked"
    )
    assert describe_error(KeyError("id")) == "unexpected error: KeyError: 'id'"
    assert describe_error(ZeroDivisionError()) == "unexpected error: ZeroDivisionError"


async def test_a_workspace_that_cannot_open_ends_the_app_with_one_line() -> None:
    """`crm` paints first and opens the base in a worker; an unknown user ends it with code 2."""
    from crm_tui.app import create_app
    from crm_tui.domain.errors import UnknownUser

    def refuse() -> Workspace:
        raise UnknownUser("unknown user 'stranger': ask an admin to run `crm user add stranger`")

    app = create_app(refuse)
    async with app.run_test(size=(80, 20)) as pilot:
        with contextlib.suppress(WorkerFailed):  # the failed opening is the point
            await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert app.startup_error == "unknown user 'stranger': ask an admin to run `crm user add stranger`"


async def test_an_ops_account_is_sent_to_the_commands(sqlite_url: str, team: object) -> None:
    from crm_tui.app import create_app
    from crm_tui.domain.access.users import add_user
    from crm_tui.domain.workspace import open_app_workspace
    from crm_tui.storage.database import write_session
    from crm_tui.storage.models import Role
    from tests.seed import FROZEN_NOW

    with write_session(prepare_database(sqlite_url)) as session:
        add_user(session, login="nightly", full_name="Cron", role=Role.OPS, region=None, now=FROZEN_NOW,
                 by_user_id=None)  # fmt: skip
    app = create_app(lambda: open_app_workspace(sqlite_url, "nightly"))
    async with app.run_test(size=(80, 20)) as pilot:
        with contextlib.suppress(WorkerFailed):  # the failed opening is the point
            await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert app.startup_error is not None and "nightly is an ops account" in app.startup_error


async def test_first_run_names_crm_as_it_is_typed_here(sqlite_url: str) -> None:
    """A fresh install's .venv/bin is not on PATH: `crm demo` would be "command not found"."""
    prepare_database(sqlite_url)
    app = create_app(workspace(sqlite_url, "root"), command=".venv/bin/crm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        guide = text_of(app.screen.query_one("#first-run-guide", Static))
        assert ".venv/bin/crm demo" in guide and ".venv/bin/crm import clients FILE" in guide
        assert 'export PATH="$PWD/.venv/bin:$PATH"' in guide


def test_crm_is_named_by_its_path_when_path_does_not_find_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_tui.config import crm_command

    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    program = bin_dir / "crm"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    assert crm_command(str(program), search_path="/usr/bin") == ".venv/bin/crm"
    assert crm_command(str(program), search_path=str(bin_dir)) == "crm"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert crm_command(str(program), search_path="/usr/bin") == "~/.venv/bin/crm"
