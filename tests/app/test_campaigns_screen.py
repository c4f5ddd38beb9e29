"""The campaigns as a head of sales works them: the list, a campaign's figures with the
recipients behind each, a letter's preview, and the uncertain letters resent or dropped."""

from __future__ import annotations

from sqlalchemy import select, update
from textual.widgets import Static

from crm_tui.app import create_app
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.scheduling.outbox_send import send_outbox
from crm_tui.screens.campaign_stats import CampaignStatsScreen
from crm_tui.screens.campaigns import CampaignsScreen, UncertainScreen
from crm_tui.storage.models import outbox
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import notifications, settle, text_of, wait_for
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, mail_setup

SIZE = (120, 40)


async def test_the_head_opens_a_campaign_sees_who_is_behind_a_figure_and_settles_an_uncertain_letter(
    sqlite_url: str, team: Seeded, smtp_server: Mailbox
) -> None:
    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    add_clients(admin, 3)
    mail_setup(admin, smtp_server.port)
    enrol(admin, "Drip")
    send_outbox(admin)
    with admin.write() as session:  # one letter's fate unknown, as after a crash
        first = session.scalar(select(outbox.c.id).where(outbox.c.state == "sent").order_by(outbox.c.id))
        session.execute(update(outbox).where(outbox.c.id == first).values(state="uncertain"))
    head: Workspace = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignsScreen) and bool(app.screen.entries))
        table = app.screen.query_one("#campaigns", RecordTable)
        assert table.row_count == 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignStatsScreen))
        stats = app.screen
        assert isinstance(stats, CampaignStatsScreen)
        await wait_for(pilot, lambda: stats.query_one("#campaign-figures", RecordTable).row_count == 3)
        await wait_for(
            pilot, lambda: "sent (step 1): 2" in text_of(stats.query_one("#campaign-behind-title", Static))
        )
        assert stats.query_one("#campaign-behind", RecordTable).row_count == 2
        await pilot.press("n")  # failed
        await pilot.press("n")  # uncertain
        await wait_for(
            pilot,
            lambda: "uncertain (step 1): 1" in text_of(stats.query_one("#campaign-behind-title", Static)),
        )
        await pilot.press("v")
        await wait_for(
            pilot, lambda: "Subject: Мы о вас помним" in text_of(stats.query_one("#campaign-preview", Static))
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignsScreen))
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UncertainScreen) and bool(app.screen.entries))
        await pilot.press("x")
        await wait_for(pilot, lambda: any("dropped" in n for n in notifications(app)))
    with admin.read() as session:
        assert session.scalar(select(outbox.c.state).where(outbox.c.id == first)) == "dropped"


async def test_a_manager_is_told_campaigns_are_not_theirs(
    sqlite_url: str, team: Seeded, ws: Workspace
) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert not isinstance(app.screen, CampaignsScreen)
        assert any("campaigns are run by a head of sales or an admin" in n for n in notifications(app)), (
            notifications(app)
        )
