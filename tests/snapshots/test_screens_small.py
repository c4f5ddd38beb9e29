"""Every screen at 80x24 (the terminal a manager opens over SSH), in English, on the seeded team
frozen at Friday 20.11.2026 12:30 MSK: what matters gets the room (the desk's tasks, the list's
names, the card's timeline with its details, the kanban's totals whole). test_screens.py keeps
the same screens at 120x40; the screens it does not have are here at both sizes.

Update with ``pytest tests/snapshots/test_screens_small.py --snapshot-update`` and read the SVGs
(tests/snapshots/screen_text.py gives their text).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace, prepare_database
from tests.app.support import workspace
from tests.app.test_dedup_review import add_twins
from tests.seed import Seeded
from tests.snapshots.test_screens import import_file, keys_then_settle, settled

SMALL = (80, 24)
SnapCompare = Callable[..., bool]
BOTH = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)


def test_desk(snap_compare: SnapCompare, ws: Workspace) -> None:
    assert snap_compare(create_app(ws), terminal_size=SMALL, run_before=settled)


def test_clients_list(snap_compare: SnapCompare, ws: Workspace) -> None:
    assert snap_compare(create_app(ws, start="clients"), terminal_size=SMALL, run_before=settled)


def test_clients_list_filtered_by_owner(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    """A head's list filtered by an owner: the full name on one line, the list not pushed down."""

    async def run(pilot: object) -> None:
        await settled(pilot)  # type: ignore[arg-type]
        from textual.widgets import Select

        pilot.app.screen.query_one("#owner", Select).value = team.users["petrov"]  # type: ignore[attr-defined]
        await settled(pilot)  # type: ignore[arg-type]

    app = create_app(workspace(sqlite_url, "admin"), start="clients")
    assert snap_compare(app, terminal_size=SMALL, run_before=run)


def test_client_card(snap_compare: SnapCompare, ws: Workspace) -> None:
    """Ромашка: the timeline keeps its Details column, the deals and the task in view."""
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("j", "j", "j", "enter"))


@BOTH
def test_deal(snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("F", "enter"))


def test_funnel_kanban(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("F"))


def test_funnel_report(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("F", "v"))


@BOTH
def test_funnel_settings(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]
) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("F", "comma"))


def test_segments(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    from tests.app.test_segments_screen import sales_history

    sales_history(prepare_database(sqlite_url), team, sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("S", "2"))


@BOTH
def test_segment_moves(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]
) -> None:
    """`m` after a recompute: who moved, first segments included."""
    from tests.app.test_segments_screen import sales_history

    sales_history(prepare_database(sqlite_url), team, sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("S", "m"))


def test_duplicate_review(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    add_twins(prepare_database(sqlite_url), team)
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("D"))


def test_first_run(snap_compare: SnapCompare, sqlite_url: str) -> None:
    prepare_database(sqlite_url)
    app = create_app(workspace(sqlite_url, "root"))
    assert snap_compare(app, terminal_size=SMALL, run_before=settled)


@BOTH
def test_fields_settings(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]
) -> None:
    app = create_app(workspace(sqlite_url, "admin"), start="clients")
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("comma"))


@pytest.fixture
def petrov_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.importers.files import write_managers_xlsx

    monkeypatch.chdir(tmp_path)
    return write_managers_xlsx(tmp_path / "petrov.xlsx")


def test_import_mapping(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path) -> None:
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=SMALL, run_before=import_file(petrov_file))


def test_import_preview(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path) -> None:
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=SMALL, run_before=import_file(petrov_file, "n"))


def test_import_summary(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path) -> None:
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=SMALL, run_before=import_file(petrov_file, "n", "r"))


@BOTH
def test_orders_import(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]
) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("S", "i"))
