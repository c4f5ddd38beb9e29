"""The funnel settings and the portrait fields at 80x24 with a long playbook and long choices
highlighted: the cut column is read in full on the line under the table (issue 19).

Update with ``pytest tests/snapshots/test_settings_small.py --snapshot-update`` and read the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

from crm_tui.app import create_app
from tests.app.support import workspace
from tests.seed import Seeded
from tests.snapshots.test_screens import keys_then_settle

SMALL = (80, 24)
SnapCompare = Callable[..., bool]


def test_funnel_settings_playbook_in_full(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    steps = keys_then_settle("F", "comma", "down", "down")  # Proposal sent
    assert snap_compare(app, terminal_size=SMALL, run_before=steps)


def test_fields_settings_choices_in_full(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "admin"), start="clients")
    steps = keys_then_settle("comma", "down", "down", "down")  # Market segment
    assert snap_compare(app, terminal_size=SMALL, run_before=steps)
