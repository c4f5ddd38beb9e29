"""The campaigns as a head of sales sees them, at 80x24 and 120x40: the list, a campaign's figures
with the recipients behind the first, and the uncertain letters (the seeded team as Смирнов,
frozen at Friday 20.11.2026 12:30 MSK; three lost clients enrolled in the drip, one letter sent,
one left uncertain, as after a crash, the rest pending); and the campaign's editor.

Update with ``pytest tests/snapshots/test_campaign_screens.py --snapshot-update``."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from textual.pilot import Pilot
from textual.widgets import Static

from crm_tui.app import create_app
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import open_workspace
from crm_tui.storage.models import outbox
from tests.app.support import settle, text_of, wait_for, workspace
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.snapshots.conftest import SnapCompare
from tests.unit.campaign_base import add_clients, mail_setup

BOTH = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)
KEYS = {
    "list": ("L",),
    "figures": ("L", "enter"),
    "uncertain": ("L", "u"),
    "editor": ("L", "E"),
    "settings": ("L", "E", "ctrl+g"),
}


def drip(url: str) -> None:
    admin = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    add_clients(admin, 3)
    mail_setup(admin, 2525)  # nothing is sent in these tests: the states are set below
    enrol(admin, "Drip")
    with admin.write() as session:
        first, second = session.scalars(
            select(outbox.c.id).where(outbox.c.state == "pending").order_by(outbox.c.id).limit(2)
        )
        session.execute(update(outbox).where(outbox.c.id == first).values(state="sent", sent_at=FROZEN_NOW))
        session.execute(update(outbox).where(outbox.c.id == second).values(state="uncertain"))


@BOTH
@pytest.mark.parametrize("screen", list(KEYS))
def test_campaigns(
    snap_compare: SnapCompare, sqlite_url: str, team: Seeded, size: tuple[int, int], screen: str
) -> None:
    drip(sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in KEYS[screen]:
            await pilot.press(key)
            await settle(pilot)
        if screen == "figures":  # the recipients behind the figure load after the figures do
            title = pilot.app.screen.query_one("#campaign-behind-title", Static)
            await wait_for(pilot, lambda: text_of(title).strip() != "")
            await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run)
