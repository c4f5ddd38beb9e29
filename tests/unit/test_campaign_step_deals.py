"""A campaign's deals per step (issue 24's statistics): a deal opened within 30 days after a
step's letter, with no later letter between, is that step's; the campaign's total stays "within
30 days of entering". In the domain function and in `crm campaign stats --json`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.stats import campaign_stats, recipients_behind
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.outbox_send import send_outbox
from crm_tui.storage.database import dispose_engines
from tests.cli_support import crm
from tests.seed import FROZEN_NOW
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, add_deal, at, mail_setup


def test_deals_are_counted_for_the_step_whose_letter_came_last_before_them(
    db_url: str, workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    ids = add_clients(ws, 4)
    mail_setup(ws, smtp_server.port)  # the steps go on day 0 and day 8
    enrol(ws, "Drip")
    assert send_outbox(ws).sent == 4
    add_deal(ws, ids[0], FROZEN_NOW + timedelta(days=3))  # after the first letter only
    assert send_outbox(at(ws, FROZEN_NOW + timedelta(days=8, minutes=1))).sent == 4  # no tick stopped 0
    add_deal(ws, ids[1], FROZEN_NOW + timedelta(days=20))  # after the second
    add_deal(ws, ids[2], FROZEN_NOW + timedelta(days=45))  # 37 days after the second: nobody's
    add_deal(ws, ids[1], FROZEN_NOW + timedelta(days=25))  # a second deal of the same client: counted once

    stats = campaign_stats(ws, "Drip")

    assert [(step, f.deals) for step, _, f in stats.steps] == [(1, 1), (2, 1)]
    assert stats.total.deals == 2
    assert [r.client_id for r in recipients_behind(ws, "Drip", "deals", 1)] == [ids[0]]
    assert [r.client_id for r in recipients_behind(ws, "Drip", "deals", 2)] == [ids[1]]
    dispose_engines()
    shown = json.loads(
        crm("--db", db_url, "campaign", "stats", "Drip", "--json", user="admin", check=True).stdout
    )
    assert [s["deals"] for s in shown["steps"]] == [1, 1] and shown["total"]["deals"] == 2
