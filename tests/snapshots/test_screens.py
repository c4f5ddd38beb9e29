"""What each screen looks like at 120x40 on the seeded team, frozen at Friday 20.11.2026 12:30 MSK.

Update with ``pytest tests/snapshots --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace, prepare_database
from tests.app.support import settle, workspace
from tests.app.test_dedup_review import add_twins
from tests.importers.files import write_managers_xlsx
from tests.seed import Seeded

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
def test_client_card_dialog(snap_compare: SnapCompare, ws: Workspace, key: str) -> None:
    """Each of the card's editors over Ромашка's card, as it opens."""
    app = create_app(ws, start="clients")
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("j", "j", "j", "enter", key))


def test_client_card_timeline_page_two(snap_compare: SnapCompare, ws: Workspace, team: Seeded) -> None:
    """Теплодом with 40 notes: the timeline's second page, with its position in the subtitle."""
    from crm_tui.domain.interactions.log import log_interaction
    from crm_tui.storage.models import InteractionKind

    for n in range(40):
        log_interaction(ws, team.clients["teplo"], InteractionKind.NOTE, f"Заметка {n:02}")
    app = create_app(ws, start="clients")
    steps = keys_then_settle(*["j"] * 5, "enter", "n")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


def test_client_card_shown_on_the_kept_screen(snap_compare: SnapCompare, ws: Workspace, team: Seeded) -> None:
    """Ромашка opened after Теплодом was opened, paged and left: the card screen is kept and
    refilled, and must look exactly as Ромашка's card built afresh (test_client_card)."""
    from crm_tui.domain.interactions.log import log_interaction
    from crm_tui.storage.models import InteractionKind

    for n in range(40):
        log_interaction(ws, team.clients["teplo"], InteractionKind.NOTE, f"Заметка {n:02}")
    app = create_app(ws, start="clients")
    steps = keys_then_settle(*["j"] * 5, "enter", "n", "8", "j", "escape", "k", "k", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


def test_first_run(snap_compare: SnapCompare, sqlite_url: str) -> None:
    prepare_database(sqlite_url)
    app = create_app(workspace(sqlite_url, "root"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settled)


def test_snooze_dialog(snap_compare: SnapCompare, ws: Workspace) -> None:
    assert snap_compare(create_app(ws), terminal_size=SIZE, run_before=keys_then_settle("s"))


@pytest.fixture
def petrov_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The messy managers' workbook; the working directory is the test's, so the error file
    lands in ``data/imports/`` relative to it and reads the same in every run."""
    monkeypatch.chdir(tmp_path)
    return write_managers_xlsx(tmp_path / "petrov.xlsx")


def import_file(path: Path, *keys: str) -> Callable[[Pilot[None]], object]:
    """`i`, the file's path, Enter, Enter on its first sheet, then ``keys``."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        pilot.app.screen.query_one("#file-path", Input).value = str(path)
        for key in ("enter", "enter", *keys):
            await pilot.press(key)
            await settle(pilot)

    return run


def test_import_mapping(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path) -> None:
    """The columns of Petrov's sheet: suggested fields, how sure, sample values; the last one,
    «Сайт», mapped to note by hand (End, e, up seven times from ignore, past the portrait's four fields,
    to note, Enter)."""
    app = create_app(ws, data_dir=Path("data"))
    keys = ("end", "e", *["up"] * 7, "enter")  # past the portrait's four fields
    assert snap_compare(app, terminal_size=SIZE, run_before=import_file(petrov_file, *keys))


def test_import_preview(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path) -> None:
    """The rows as they will be imported, a warning and a rejected row, the dry-run counts."""
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=SIZE, run_before=import_file(petrov_file, "n"))


def test_import_summary(snap_compare: SnapCompare, ws: Workspace, petrov_file: Path) -> None:
    """Batch 1 imported: the counts, the error file, the first problems; `u` undoes it."""
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=SIZE, run_before=import_file(petrov_file, "n", "r"))


def test_duplicate_review(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    """The admin's review: one company typed twice, side by side, the differing fields marked."""
    add_twins(prepare_database(sqlite_url), team)
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("D"))


def test_segments(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    """The head's segments: tiles with counts and sums, the loyal clients by last purchase."""
    from tests.app.test_segments_screen import sales_history

    sales_history(prepare_database(sqlite_url), team, sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("S", "2"))


def test_funnel_kanban(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    """The head's funnel: a column per stage with count and sum, cards oldest first."""
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=(160, 45), run_before=keys_then_settle("F"))


def test_funnel_report(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    """The report view: reach and conversion per stage, lost reasons, the weighted forecast."""
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=(160, 45), run_before=keys_then_settle("F", "v"))
