"""A base with many clients to write to, a sender on the loopback SMTP server and a campaign."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import insert, select

from crm_tui.domain.campaigns.enrol import Enrolled, enrol
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft, add_campaign
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    ChannelKind,
    ClientStatus,
    channels,
    clients,
    contacts,
    deals,
    pipelines,
    stages,
    users,
)

STEPS = (
    StepDraft(
        0,
        "Мы о вас помним, {{ name_patronymic }}",
        "Здравствуйте, {{ name_patronymic }}!\n{{ owner_signature }}",
    ),
    StepDraft(8, "Случай из практики", "{{ client }}: как это было у соседей.", "<p>{{ client }}</p>"),
)


def add_clients(
    ws: Workspace, count: int, *, owner: str = "ivanova", prefix: str = "client", segment: str = "lost"
) -> list[int]:
    now = ws.now()
    with ws.write() as session:
        owner_id = session.scalar(select(users.c.id).where(users.c.login == owner))
        ids: list[int] = []
        for n in range(count):
            client_id = session.execute(
                insert(clients)
                .values(
                    kind="company",
                    name=f"Клиент {prefix} {n}",
                    status=ClientStatus.PROSPECT.value,
                    owner_id=owner_id,
                    region="Москва",
                    name_key=f"клиент {prefix} {n}",
                    search_text="",
                    segment=segment,
                    segment_manual=False,
                    sales_total=0,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
                .returning(clients.c.id)
            ).scalar_one()
            contact_id = session.execute(
                insert(contacts)
                .values(client_id=client_id, full_name=f"Орлова Анна Сергеевна {n}", created_at=now)
                .returning(contacts.c.id)
            ).scalar_one()
            session.execute(
                insert(channels).values(
                    client_id=client_id,
                    contact_id=contact_id,
                    kind=ChannelKind.EMAIL.value,
                    value=f"{prefix}{n}@example.ru",
                    raw=f"{prefix}{n}@example.ru",
                )
            )
            ids.append(int(client_id))
        return ids


def mail_setup(ws: Workspace, port: int, *, per_minute: int | None = None, name: str = "Drip") -> int:
    set_sender(
        ws,
        SenderDraft(
            "ivanova@ourfirm.ru",
            "Светлана Иванова",
            login="ivanova",
            phone="+7 495 111-22-33",
            signature="С уважением, Светлана",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
            per_minute=per_minute,
        ),
    )
    return add_campaign(ws, CampaignDraft(name, audience={"segment": "lost"}, steps=STEPS))


def enrolled(ws: Workspace, name: str = "Drip") -> Enrolled:
    return enrol(ws, name)


def at(ws: Workspace, moment: datetime) -> Workspace:
    return replace(ws, clock=fixed_clock(moment))


def add_deal(ws: Workspace, client_id: int, moment: datetime) -> None:
    """A deal of ``client_id`` opened at ``moment`` (in the first pipeline's first stage)."""
    with ws.write() as session:
        pipeline = session.scalar(select(pipelines.c.id))
        stage = session.scalar(select(stages.c.id).where(stages.c.pipeline_id == pipeline))
        session.execute(
            insert(deals).values(
                client_id=client_id, pipeline_id=pipeline, stage_id=stage, title="Поставка", amount=0,
                status="open", stage_entered_at=moment, created_at=moment, updated_at=moment, version=1,
                furthest_position=0,
            )
        )  # fmt: skip
