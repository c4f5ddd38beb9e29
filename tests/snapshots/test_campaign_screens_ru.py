"""The campaigns' screens in Russian at 80x24: states and reasons in words, never their codes;
the campaign editor at 80x24 and 120x40."""

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


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
def test_campaign_editor_in_russian(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, russian: None, size: tuple[int, int]
) -> None:
    drip(sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle(*KEYS["editor"]))
