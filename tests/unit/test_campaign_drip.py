"""Seed 000's drip on lost clients, day by day: letters on days 8, 15 and 20, a reply, a deal and
a manager's stop end a recipient's letters; on day 30 the rest are the managers' call list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select, update

from crm_tui.domain.campaigns.answers import note_reply
from crm_tui.domain.campaigns.consents import record_consent
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.examples import lost_drip
from crm_tui.domain.campaigns.nonresponders import nonresponders
from crm_tui.domain.campaigns.rows import stop_client
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.campaigns.setup import CampaignDraft, add_campaign
from crm_tui.domain.campaigns.stats import campaign_stats, recipients_behind
from crm_tui.domain.errors import NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.channels.mail.message import read_mail
from crm_tui.scheduling import outbox_job
from crm_tui.storage.models import clients, deals, pipelines, stages, tasks
from tests.seed import FROZEN_NOW
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import STEPS, add_clients, at


def _sender(ws: Workspace, port: int) -> None:
    set_sender(
        ws,
        SenderDraft("ivanova@ourfirm.ru", "Светлана Иванова", login="ivanova", smtp_host="127.0.0.1",
                    smtp_port=port, smtp_security="none"),
    )  # fmt: skip


def test_the_lost_drip_runs_to_its_call_list(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    ids = add_clients(ws, 5)
    with ws.write() as session:  # a name a spreadsheet would run as a formula
        session.execute(update(clients).where(clients.c.id == ids[4]).values(name="=HYPERLINK(1)"))
    _sender(ws, smtp_server.port)
    with ws.read() as session:
        draft = lost_drip(session, "Потерянные")
    add_campaign(ws, draft)
    assert enrol(ws, "Потерянные").letters == 15

    def day(n: int) -> Workspace:
        return at(ws, FROZEN_NOW + timedelta(days=n, minutes=1))

    with ws.read() as session:
        assert not outbox_job.has_work(session, FROZEN_NOW + timedelta(days=7))
    assert outbox_job.run(day(8))["sent"] == 5
    first = {r.to[0]: r.message for r in smtp_server.letters}
    reply = first["client0@example.ru"]
    with ws.write() as session:  # client 0 answers the first letter
        raw = (
            f"From: client0@example.ru\r\nTo: ivanova@ourfirm.ru\r\nSubject: Re: x\r\n"
            f"Message-ID: <r0@example.ru>\r\nIn-Reply-To: {reply['Message-ID']}\r\n\r\nПозвоните мне.\r\n"
        ).encode()
        note_reply(session, read_mail(raw), FROZEN_NOW + timedelta(days=9))
    with ws.write() as session:  # client 1 gets a deal on day 10
        pipeline = session.scalar(select(pipelines.c.id))
        stage = session.scalar(select(stages.c.id).where(stages.c.pipeline_id == pipeline))
        moment = FROZEN_NOW + timedelta(days=10)
        session.execute(
            insert(deals).values(
                client_id=ids[1], pipeline_id=pipeline, stage_id=stage, title="Поставка", amount=0,
                status="open",
                stage_entered_at=moment, created_at=moment, updated_at=moment, version=1, furthest_position=0,
            )
        )  # fmt: skip
    stop_client(workspace_for("ivanova"), ids[2])  # the manager: "stop for this client"
    with pytest.raises(NotFound):  # not his client: as if there were none
        stop_client(workspace_for("petrov"), ids[3])
    assert outbox_job.run(day(15))["sent"] == 2
    assert outbox_job.run(day(20))["sent"] == 2
    stats = campaign_stats(day(30), "Потерянные")
    assert (stats.total.enrolled, stats.total.sent, stats.total.replied, stats.total.deals) == (5, 9, 1, 1)
    assert [f.sent for _, _, f in stats.steps] == [5, 2, 2]
    assert [f.replied for _, _, f in stats.steps] == [1, 0, 0]
    assert [f.deals for _, _, f in stats.steps] == [1, 0, 0]  # the deal of day 10 came after letter 1
    assert [r.address for r in recipients_behind(ws, "Потерянные", "replied", 1)] == ["client0@example.ru"]
    book = tmp_path / "calls.xlsx"
    rows, opened = nonresponders(day(30), "Потерянные", xlsx=book, make_tasks=True)
    assert sorted(r.client_id for r in rows) == [ids[3], ids[4]] and opened == 2
    assert all(r.letters == 3 for r in rows)
    assert nonresponders(day(30), "Потерянные", make_tasks=True)[1] == 0, "the tasks are opened once"
    assert nonresponders(day(29), "Потерянные")[0] == []
    sheet = load_workbook(book).active
    assert sheet is not None
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row}
    assert cells["=HYPERLINK(1)"] == "s", (
        "a contact's formula-like name is text in the call list, never a formula"
    )
    with ws.read() as session:
        owners = (
            session.execute(select(tasks.c.assignee_id).where(tasks.c.origin.like("campaign:%")))
            .scalars()
            .all()
        )
    assert len(owners) == 2


def test_advertising_goes_only_to_addresses_with_consent(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 3)
    _sender(ws, smtp_server.port)
    add_campaign(ws, CampaignDraft("Акция", kind="advertising", audience={"segment": "lost"}, steps=STEPS))
    assert record_consent(ws, "client1@example.ru", "форма на сайте", FROZEN_NOW.date())
    assert not record_consent(ws, "CLIENT1@example.ru", "ещё раз", FROZEN_NOW.date())
    result = enrol(ws, "Акция")
    assert result.enrolled == 1 and result.left_out["no_consent"] == 2
