"""The campaigns' screens in Russian at 80x24: states and reasons in words, never their codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm_tui import i18n
from crm_tui.app import create_app
from tests.app.support import workspace
from tests.seed import Seeded
from tests.snapshots.conftest import SnapCompare
from tests.snapshots.test_campaign_screens import KEYS, drip
from tests.snapshots.test_screens import keys_then_settle


@pytest.fixture
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


@pytest.mark.parametrize("screen", ["figures", "uncertain"])
def test_campaigns_in_russian(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, russian: None, screen: str
) -> None:
    drip(sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys_then_settle(*KEYS[screen]))
