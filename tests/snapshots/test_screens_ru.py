"""The screens of test_screens.py in Russian, at 80x24 and at 120x40: the seeded team in a base
named in Russian (tests/russian_base.py), frozen at Friday 20.11.2026 12:30 MSK.

Russian words are longer than English ones; these show what fits. tests/snapshots/
test_russian_text.py reads their text for English words left over. Update with
``pytest tests/snapshots/test_screens_ru.py --snapshot-update`` and read the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from crm_tui import i18n
from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace, prepare_database
from tests.app.support import settle, workspace
from tests.app.test_dedup_review import add_twins
from tests.importers.files import write_managers_xlsx
from tests.russian_base import name_in_russian
from tests.seed import Seeded
from tests.snapshots.deals_tasks_cases import CASES, deals_and_tasks
from tests.snapshots.test_screens import import_file, keys_then_settle, settled

SnapCompare = Callable[..., bool]
Size = tuple[int, int]

pytestmark = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


@pytest.fixture
def team(team: Seeded, sqlite_url: str, prepared: Callable[[str], Engine]) -> Seeded:
    """The seeded team, its shipped funnel and fields named in Russian."""
    name_in_russian(prepared(sqlite_url))
    return team


def test_desk(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    assert snap_compare(create_app(ws), terminal_size=size, run_before=settled)


def test_clients_list(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    assert snap_compare(create_app(ws, start="clients"), terminal_size=size, run_before=settled)


def test_client_card(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("j", "j", "j", "enter"))


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("l", id="log_call_with_next_step"),
        pytest.param("u", id="requisites"),
        pytest.param("b", id="installed_base"),
        pytest.param("m", id="contact_moved"),
        pytest.param("a", id="new_contact"),
        pytest.param("e", id="portrait"),
    ],
)
def test_client_card_dialog(snap_compare: SnapCompare, ws: Workspace, key: str, size: Size) -> None:
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("j", "j", "j", "enter", key))


def test_client_card_timeline_page_two(
    snap_compare: SnapCompare, ws: Workspace, team: Seeded, size: Size
) -> None:
    from crm_tui.domain.interactions.log import log_interaction
    from crm_tui.storage.models import InteractionKind

    for n in range(40):
        log_interaction(ws, team.clients["teplo"], InteractionKind.NOTE, f"Заметка {n:02}")
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle(*["j"] * 5, "enter", "n"))


def test_first_run(snap_compare: SnapCompare, sqlite_url: str, size: Size) -> None:
    prepare_database(sqlite_url)
    app = create_app(workspace(sqlite_url, "root"))
    assert snap_compare(app, terminal_size=size, run_before=settled)


def test_snooze_dialog(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    assert snap_compare(create_app(ws), terminal_size=size, run_before=keys_then_settle("s"))


@pytest.fixture
def petrov_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_managers_xlsx(tmp_path / "petrov.xlsx")


def test_import_mapping(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path, size: Size) -> None:
    app = create_app(ws, data_dir=Path("data"))
    keys = ("end", "e", *["up"] * 7, "enter")  # past the portrait's four fields
    assert snap_compare(app, terminal_size=size, run_before=import_file(petrov_file, *keys))


def test_import_preview(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path, size: Size) -> None:
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=size, run_before=import_file(petrov_file, "n"))


def test_import_summary(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path, size: Size) -> None:
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=size, run_before=import_file(petrov_file, "n", "r"))


def test_duplicate_review(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size) -> None:
    add_twins(prepare_database(sqlite_url), team)
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("D"))


def test_segments(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size) -> None:
    from tests.app.test_segments_screen import sales_history

    sales_history(prepare_database(sqlite_url), team, sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("S", "2"))


def test_funnel_kanban(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("F"))


def test_funnel_report(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("F", "v"))


def test_deal(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: Size) -> None:
    """Not in English: a deal opened from the funnel (its history, tasks and touches)."""
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("F", "enter"))


def test_command_palette(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    """Not in English: Ctrl+P on the desk, every command and Textual's own ones in Russian."""
    assert snap_compare(create_app(ws), terminal_size=size, run_before=keys_then_settle("ctrl+p"))


def test_keys_panel(snap_compare: SnapCompare, ws: Workspace, size: Size) -> None:
    """Not in English: Textual's keys panel over the clients list, the search field focused."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash")
        pilot.app.action_show_help_panel()
        await settle(pilot)

    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("case", list(CASES))
def test_deals_and_tasks(
    snap_compare: SnapCompare, ws: Workspace, sqlite_url: str, team: Seeded, case: str, size: Size
) -> None:
    """The new deal, deal edit, line and task dialogs, the deal's lines and the week."""
    deals_and_tasks(sqlite_url, team)
    start, steps = CASES[case]
    assert snap_compare(create_app(ws, start=start), terminal_size=size, run_before=steps)
