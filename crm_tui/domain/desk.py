""" "My sales": the manager's home screen as one read model.

Each part is its own query over an index that starts with the user (tasks by assignee, deals by
owner), so the desk costs the same on a base of 2,000 clients or of 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from crm_tui.domain.clock import local_day_bounds, local_month_bounds
from crm_tui.domain.workspace import Workspace
from storage.models import (
    Client,
    Deal,
    DealStatus,
    Direction,
    Interaction,
    Stage,
    Task,
    TaskStatus,
    User,
)

DESK_TASK_LIMIT = 200
DESK_INBOUND_LIMIT = 10


@dataclass(frozen=True)
class DeskTask:
    id: int
    title: str
    kind: str
    due_at: datetime
    overdue: bool
    client_id: int | None
    client: str | None
    version: int


@dataclass(frozen=True)
class StageSummary:
    stage_id: int
    stage: str
    position: int
    count: int
    amount: int


@dataclass(frozen=True)
class InboundItem:
    id: int
    kind: str
    channel: str | None
    occurred_at: datetime
    client_id: int | None
    client: str | None
    summary: str


@dataclass(frozen=True)
class Kpi:
    plan: int
    fact: int
    won_count: int
    awaiting_payment: int
    awaiting_payment_count: int
    overdue_tasks: int

    @property
    def plan_share(self) -> float | None:
        return None if self.plan <= 0 else self.fact / self.plan


@dataclass(frozen=True)
class Desk:
    tasks: list[DeskTask]
    stages: list[StageSummary]
    inbound: list[InboundItem]
    kpi: Kpi


def my_tasks(session: Session, user_id: int, now: datetime, day_end: datetime) -> list[DeskTask]:
    rows = session.execute(
        select(Task.id, Task.title, Task.kind, Task.due_at, Task.client_id, Client.name, Task.version)
        .outerjoin(Client, Client.id == Task.client_id)  # type: ignore[arg-type]
        .where(Task.assignee_id == user_id, Task.status == TaskStatus.OPEN, Task.due_at < day_end)  # type: ignore[arg-type]
        .order_by(Task.due_at, Task.id)
        .limit(DESK_TASK_LIMIT)
    )
    return [
        DeskTask(t_id, title, kind, due, due < now, client_id, client, version)
        for t_id, title, kind, due, client_id, client, version in rows
    ]


def my_stages(session: Session, user_id: int) -> list[StageSummary]:
    rows = session.execute(
        select(
            Stage.id, Stage.name, Stage.position, func.count(Deal.id), func.coalesce(func.sum(Deal.amount), 0)
        )
        .join(Deal, Deal.stage_id == Stage.id)  # type: ignore[arg-type]
        .where(Deal.owner_id == user_id, Deal.status == DealStatus.OPEN)  # type: ignore[arg-type]
        .group_by(Stage.id, Stage.name, Stage.position, Stage.pipeline_id)
        .order_by(Stage.pipeline_id, Stage.position)
    )
    return [StageSummary(s_id, name, pos, count, int(amount)) for s_id, name, pos, count, amount in rows]


def recent_inbound(session: Session, user_id: int) -> list[InboundItem]:
    rows = session.execute(
        select(
            Interaction.id,
            Interaction.kind,
            Interaction.channel,
            Interaction.occurred_at,
            Interaction.client_id,
            Client.name,
            Interaction.summary,
        )
        .join(Client, Client.id == Interaction.client_id)  # type: ignore[arg-type]
        .where(Interaction.direction == Direction.INBOUND, Client.owner_id == user_id)  # type: ignore[arg-type]
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())  # type: ignore[attr-defined, union-attr]
        .limit(DESK_INBOUND_LIMIT)
    )
    return [InboundItem(*row) for row in rows]


def my_kpi(session: Session, user_id: int, now: datetime, month: tuple[datetime, datetime]) -> Kpi:
    plan = session.scalar(select(User.monthly_target).where(User.id == user_id)) or 0
    won_count, fact = session.execute(
        select(func.count(Deal.id), func.coalesce(func.sum(Deal.amount), 0)).where(
            Deal.owner_id == user_id,  # type: ignore[arg-type]
            Deal.status == DealStatus.WON,  # type: ignore[arg-type]
            Deal.closed_at >= month[0],  # type: ignore[operator]
            Deal.closed_at < month[1],  # type: ignore[operator]
        )
    ).one()
    awaiting_count, awaiting = session.execute(
        select(func.count(Deal.id), func.coalesce(func.sum(Deal.amount), 0))
        .join(Stage, Stage.id == Deal.stage_id)  # type: ignore[arg-type]
        .where(
            Deal.owner_id == user_id,  # type: ignore[arg-type]
            Deal.status == DealStatus.OPEN,  # type: ignore[arg-type]
            Stage.code == "awaiting_payment",  # type: ignore[arg-type]
        )
    ).one()
    overdue = session.scalar(
        select(func.count(Task.id)).where(
            Task.assignee_id == user_id,  # type: ignore[arg-type]
            Task.status == TaskStatus.OPEN,  # type: ignore[arg-type]
            Task.due_at < now,  # type: ignore[arg-type]
        )
    )
    return Kpi(
        plan=int(plan),
        fact=int(fact),
        won_count=int(won_count),
        awaiting_payment=int(awaiting),
        awaiting_payment_count=int(awaiting_count),
        overdue_tasks=int(overdue or 0),
    )


def load_desk(ws: Workspace) -> Desk:
    now = ws.now()
    _, day_end = local_day_bounds(now, ws.tz)
    month = local_month_bounds(now, ws.tz)
    user_id = ws.viewer.user_id
    with ws.read() as session:
        return Desk(
            tasks=my_tasks(session, user_id, now, day_end),
            stages=my_stages(session, user_id),
            inbound=recent_inbound(session, user_id),
            kpi=my_kpi(session, user_id, now, month),
        )
