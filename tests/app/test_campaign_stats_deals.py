"""The campaign's figures screen shows a step's deals and who is behind them (issue 24: deals
opened within 30 days after the step's letter, per step, not only per campaign)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from crm_tui.app import create_app
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import open_workspace
from crm_tui.scheduling.outbox_send import send_outbox
from crm_tui.screens.campaign_stats import CampaignStatsScreen
from crm_tui.screens.campaigns import CampaignsScreen
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import settle, text_of, wait_for
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, add_deal, mail_setup


async def test_a_steps_deals_are_on_the_figures_screen_with_the_client_behind_them(
    sqlite_url: str, team: Seeded, smtp_server: Mailbox
) -> None:
    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    ids = add_clients(admin, 3)
    mail_setup(admin, smtp_server.port)
    enrol(admin, "Drip")
    send_outbox(admin)
    add_deal(admin, ids[1], FROZEN_NOW + timedelta(days=2))  # after the first letter
    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW + timedelta(days=3)))
    app = create_app(head)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignsScreen) and bool(app.screen.entries))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignStatsScreen))
        stats = app.screen
        assert isinstance(stats, CampaignStatsScreen)
        title = stats.query_one("#campaign-behind-title", Static)
        await wait_for(pilot, lambda: "sent (step 1): 3" in text_of(title))
        for _ in range(6):  # failed, uncertain, bounced, unsubscribed, replied, deals
            await pilot.press("n")
        await wait_for(pilot, lambda: "deals (step 1): 1" in text_of(title))
        behind = stats.query_one("#campaign-behind", RecordTable)
        assert behind.row_count == 1
        assert "Клиент client 1" in " ".join(str(c) for c in behind.get_row_at(0))
