""" "My sales": the manager's home screen as one read model.

Each part is its own query over an index that starts with the user (tasks by assignee, deals by
owner), so the desk costs the same on a base of 2,000 clients or of 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from crm_tui.domain.clock import local_day_bounds, local_month_bounds
from crm_tui.domain.leads.inbox import inbox_counts
from crm_tui.domain.portrait.completeness import owner_completeness
from crm_tui.domain.reports.period import Grain, Period, local_bucket
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    DealStatus,
    Direction,
    TaskStatus,
    clients,
    deals,
    interactions,
    leads,
    stages,
    tasks,
    users,
)

DESK_TASK_LIMIT = 200
DESK_INBOUND_LIMIT = 10
AWAITING_PAYMENT = "awaiting_payment"


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
    deal_id: int | None = None
    deal: str | None = None
    """The title of the deal the task is on, if any (shown beside the task's title)."""


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
    lead_id: int | None = None
    """A touch of a request not yet a client's: Enter opens the request."""


@dataclass(frozen=True)
class Kpi:
    plan: int
    fact: int
    won_count: int
    awaiting_payment: int
    awaiting_payment_count: int
    overdue_tasks: int
    clients: int = 0
    well_described: int = 0
    """Own clients with a portrait at 80% or more (the managers' completeness KPI)."""

    @property
    def described_share(self) -> float | None:
        return None if not self.clients else self.well_described / self.clients

    @property
    def plan_share(self) -> float | None:
        return None if self.plan <= 0 else self.fact / self.plan


@dataclass(frozen=True)
class Desk:
    tasks: list[DeskTask]
    stages: list[StageSummary]
    inbound: list[InboundItem]
    kpi: Kpi
    requests: int = 0
    """The user's open requests (new, in work): the "Open requests" tile (not "New requests":
    the dashboard's tile of that name counts the month's arrivals, and one label for two figures
    read as a mistake)."""
    late_requests: int = 0
    """Those of them past their answer time unanswered."""
    won_by_week: list[int] = field(default_factory=list)
    """Kopecks won in each of the last ``TREND_WEEKS`` weeks, the oldest first (this one last):
    the plan tile's sparkline of the user's own trend."""


TREND_WEEKS = 8


def won_by_week(session: Session, user_id: int, now: datetime, tz: ZoneInfo) -> list[int]:
    """The user's sums won per local week (from Monday), the last ``TREND_WEEKS`` of them, weeks
    without a win as zero; grouped by the database as the reports group by week."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=today.weekday() + 7 * (TREND_WEEKS - 1))
    period = Period(first, today)
    start, end = period.bounds(tz)
    d = deals.c
    week = local_bucket(session.get_bind().dialect, d.closed_at, Grain.WEEK, tz, period).label("week")
    found = {
        str(label): int(total)
        for label, total in session.execute(
            select(week, func.coalesce(func.sum(d.amount), 0))
            .where(
                d.owner_id == user_id,
                d.status == DealStatus.WON.value,
                d.closed_at >= start,
                d.closed_at < end,
            )
            .group_by(literal_column("1"))
        )
    }
    return [found.get((first + timedelta(weeks=n)).isoformat(), 0) for n in range(TREND_WEEKS)]


def my_tasks(session: Session, user_id: int, now: datetime, day_end: datetime) -> list[DeskTask]:
    t = tasks.c
    rows = session.execute(
        select(
            t.id, t.title, t.kind, t.due_at, t.client_id, clients.c.name, t.version, t.deal_id, deals.c.title
        )
        .select_from(
            tasks.outerjoin(clients, clients.c.id == t.client_id).outerjoin(deals, deals.c.id == t.deal_id)
        )
        .where(t.assignee_id == user_id, t.status == TaskStatus.OPEN.value, t.due_at < day_end)
        .order_by(t.due_at, t.id)
        .limit(DESK_TASK_LIMIT)
    )
    return [
        DeskTask(t_id, title, kind, due, due < now, client_id, client, version, deal_id, deal)
        for t_id, title, kind, due, client_id, client, version, deal_id, deal in rows
    ]


def my_stages(session: Session, user_id: int) -> list[StageSummary]:
    s, d = stages.c, deals.c
    rows = session.execute(
        select(s.id, s.name, s.position, func.count(d.id), func.coalesce(func.sum(d.amount), 0))
        .select_from(deals.join(stages, s.id == d.stage_id))
        .where(d.owner_id == user_id, d.status == DealStatus.OPEN.value)
        .group_by(s.id, s.name, s.position, s.pipeline_id)
        .order_by(s.pipeline_id, s.position)
    )
    return [StageSummary(s_id, name, pos, count, int(amount)) for s_id, name, pos, count, amount in rows]


def recent_inbound(session: Session, user_id: int) -> list[InboundItem]:
    """The latest inbound touches of the user's clients and of the user's requests that are no
    client's yet, newest first."""
    i = interactions.c
    # The latest touches are picked from the (client, direction, time) index alone, then read:
    # read first, every inbound touch of every own client was read to keep ten of them.
    latest = (
        select(i.id)
        .select_from(interactions.join(clients, clients.c.id == i.client_id))
        .where(i.direction == Direction.INBOUND.value, clients.c.owner_id == user_id)
        .order_by(i.occurred_at.desc(), i.id.desc())
        .limit(DESK_INBOUND_LIMIT)
    )
    of_clients = session.execute(
        select(i.id, i.kind, i.channel, i.occurred_at, i.client_id, clients.c.name, i.summary, i.lead_id)
        .select_from(interactions.join(clients, clients.c.id == i.client_id))
        .where(i.id.in_(latest))
    ).all()
    of_requests = session.execute(
        select(
            i.id, i.kind, i.channel, i.occurred_at, i.client_id,
            func.coalesce(leads.c.company_name, leads.c.person_name), i.summary, i.lead_id,
        )
        .select_from(interactions.join(leads, leads.c.id == i.lead_id))
        .where(i.direction == Direction.INBOUND.value, leads.c.owner_id == user_id, i.client_id.is_(None))
        .order_by(i.occurred_at.desc(), i.id.desc())
        .limit(DESK_INBOUND_LIMIT)
    ).all()  # fmt: skip
    merged = sorted([*of_clients, *of_requests], key=lambda row: (row[3], row[0]), reverse=True)
    return [InboundItem(*row) for row in merged[:DESK_INBOUND_LIMIT]]


def my_kpi(session: Session, user_id: int, now: datetime, month: tuple[datetime, datetime]) -> Kpi:
    d = deals.c
    plan = session.scalar(select(users.c.monthly_target).where(users.c.id == user_id)) or 0
    won_count, fact = session.execute(
        select(func.count(d.id), func.coalesce(func.sum(d.amount), 0)).where(
            d.owner_id == user_id,
            d.status == DealStatus.WON.value,
            d.closed_at >= month[0],
            d.closed_at < month[1],
        )
    ).one()
    awaiting_count, awaiting = session.execute(
        select(func.count(d.id), func.coalesce(func.sum(d.amount), 0))
        .select_from(deals.join(stages, stages.c.id == d.stage_id))
        .where(
            d.owner_id == user_id,
            d.status == DealStatus.OPEN.value,
            stages.c.code == AWAITING_PAYMENT,
        )
    ).one()
    overdue = session.scalar(
        select(func.count(tasks.c.id)).where(
            tasks.c.assignee_id == user_id,
            tasks.c.status == TaskStatus.OPEN.value,
            tasks.c.due_at < now,
        )
    )
    owned, described = owner_completeness(session, user_id)
    return Kpi(
        clients=owned,
        well_described=described,
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
        requests, late = inbox_counts(session, user_id, now)
        return Desk(
            tasks=my_tasks(session, user_id, now, day_end),
            stages=my_stages(session, user_id),
            inbound=recent_inbound(session, user_id),
            kpi=my_kpi(session, user_id, now, month),
            requests=requests,
            late_requests=late,
            won_by_week=won_by_week(session, user_id, now, ws.tz),
        )
