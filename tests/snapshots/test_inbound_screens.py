"""The inbound screen as an admin sees it, at 80x24 and 120x40, in English and in Russian: the
site's form and a PBX with their events, a shared mailbox switched off after a good reading, and
a manager's mailbox whose last reading failed (the seeded team, frozen at Friday 20.11.2026
12:30 MSK; nothing is read: the readings are recorded as the reader records them).

Update with ``pytest tests/snapshots/test_inbound_screens.py --snapshot-update``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from crm_tui import i18n
from crm_tui.app import create_app
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.inbound.mailboxes import (
    PasswordMissing,
    add_mailbox,
    keep_bookmark,
    note_reading,
    set_enabled,
)
from crm_tui.domain.inbound.sources import add_source, remember
from crm_tui.domain.workspace import open_workspace
from tests.app.support import workspace
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.snapshots.conftest import SnapCompare
from tests.snapshots.test_screens import keys_then_settle

BOTH = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)


def channels(url: str) -> None:
    admin = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    site = add_source(admin, "site-form", "form").source
    pbx = add_source(admin, "zadarma", "zadarma", secret="vendor-secret").source
    add_source(admin, "bot", "telegram")
    for n, outcome in enumerate(("new", "touch", "new")):
        remember(
            replace(admin, clock=fixed_clock(FROZEN_NOW - timedelta(hours=3 - n))), site, f"f{n}", outcome
        )
    for n in range(12):
        remember(
            replace(admin, clock=fixed_clock(FROZEN_NOW - timedelta(minutes=90 - n))), pbx, f"c{n}", "client"
        )
    sales = add_mailbox(
        admin, "sales", "imaps://sales@our-firm.ru@mail.our-firm.ru", password_env="CRM_SALES_PW"
    )
    earlier = replace(admin, clock=fixed_clock(FROZEN_NOW - timedelta(minutes=20)))
    keep_bookmark(earlier, sales, "INBOX", 1733000000, 1042)
    note_reading(earlier, sales, 42, None)
    set_enabled(admin, "sales", False)
    own = add_mailbox(
        admin,
        "ivanova",
        "imaps://ivanova@mail.our-firm.ru:993",
        password_env="CRM_IVANOVA_PW",
        owner="ivanova",
    )
    try:  # the reader's own words, in the language in force, as a tick would keep them
        own.password()
    except PasswordMissing as missing:
        note_reading(
            replace(admin, clock=fixed_clock(FROZEN_NOW - timedelta(minutes=5))), own, 0, str(missing)
        )


@pytest.fixture
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


@BOTH
def test_inbound_screen(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int]
) -> None:
    channels(sqlite_url)
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("H", "down", "down", "down"))


@BOTH
def test_inbound_screen_in_russian(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, russian: None, size: tuple[int, int]
) -> None:
    channels(sqlite_url)
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle("H", "down", "down", "down"))


def test_new_mailbox_dialog(snap_compare: SnapCompare, sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys_then_settle("H", "m"))
