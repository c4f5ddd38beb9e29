"""Three more of the dashboard's figures and the records behind them: the new requests of the
month (as `crm report leads` counts them: not repeat, received since the month's first, the
requests the viewer may see) and the deals awaiting payment (open, in the "Awaiting payment"
stage of any pipeline, as the desk's tile counts them, of the people whose figures the viewer
may see); and the deals won this month behind the plan's fact and each manager's bar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import figures_within, visible_leads
from crm_tui.domain.captions import LEAD_STATUS_NAMES
from crm_tui.domain.reports.period import month_of
from crm_tui.storage.models import DealStatus, clients, deals, leads, stages, users

AWAITING_PAYMENT = "awaiting_payment"
"""The stage code the desk's tile and this figure count (``crm_tui.domain.desk``)."""


@dataclass(frozen=True)
class Awaiting:
    deals: int
    amount: int
    """Kopecks."""


def _month_start(now: datetime, tz: ZoneInfo) -> datetime:
    return month_of(now.astimezone(tz).date()).bounds(tz)[0]


def _new_requests(
    viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None
) -> list[ColumnElement[bool]]:
    ld = leads.c
    where = [
        visible_leads(viewer),
        ld.repeat.is_(False),
        ld.received_at >= _month_start(now, tz),
        ld.received_at <= now,
    ]
    if manager_id is not None:
        where.append(ld.owner_id == manager_id)
    return where


def new_requests_count(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None
) -> int:
    """New (not repeat) requests received this month: `crm report leads`' ``new`` for the month."""
    require(viewer, Capability.SEE_REPORTS)
    return int(
        session.scalar(
            select(func.count()).select_from(leads).where(*_new_requests(viewer, now, tz, manager_id))
        )
        or 0
    )


def _awaiting(viewer: Viewer, manager_id: int | None) -> list[ColumnElement[bool]]:
    d = deals.c
    where = [
        figures_within(viewer, d.owner_id),
        d.status == DealStatus.OPEN.value,
        stages.c.code == AWAITING_PAYMENT,
    ]
    if manager_id is not None:
        where.append(d.owner_id == manager_id)
    return where


def awaiting_payment(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None
) -> Awaiting:
    """Open deals in the "Awaiting payment" stage: how many, and their sum."""
    require(viewer, Capability.SEE_REPORTS)
    d = deals.c
    count, amount = session.execute(
        select(func.count(d.id), func.coalesce(func.sum(d.amount), 0))
        .select_from(deals.join(stages, stages.c.id == d.stage_id))
        .where(*_awaiting(viewer, manager_id))
    ).one()
    return Awaiting(int(count), int(amount))


@dataclass(frozen=True)
class DrillRow:
    """One record behind a dashboard figure: when, what, whose, the client it opens, or the
    request (its card) or the deal (its screen) it is."""

    at: datetime | None
    text: str
    who: str
    client_id: int | None
    client: str | None
    lead_id: int | None = None
    deal_id: int | None = None
    amount: int | None = None


def drill_requests(
    session: Session,
    viewer: Viewer,
    now: datetime,
    tz: ZoneInfo,
    manager_id: int | None = None,
    limit: int = 500,
) -> list[DrillRow]:
    """The month's new requests, newest first."""
    require(viewer, Capability.SEE_REPORTS)
    ld = leads.c
    query = (
        select(
            ld.id,
            ld.received_at,
            ld.status,
            ld.message,
            ld.person_name,
            ld.company_name,
            users.c.full_name,
            ld.client_id,
            clients.c.name,
        )
        .select_from(
            leads.outerjoin(users, users.c.id == ld.owner_id).outerjoin(clients, clients.c.id == ld.client_id)
        )
        .where(*_new_requests(viewer, now, tz, manager_id))
        .order_by(ld.received_at.desc(), ld.id.desc())
        .limit(limit)
    )
    rows = []
    for lead_id, at, status, message, person, company, who, client_id, client in session.execute(query):
        first_line = (message or "").strip().splitlines()[0] if (message or "").strip() else ""
        name = client or company or person or "—"
        rows.append(
            DrillRow(
                at,
                f"{LEAD_STATUS_NAMES.caption(status)} · {first_line}".strip(" ·"),
                who or "—",
                client_id,
                name,
                lead_id=lead_id,
            )
        )
    return rows


def drill_awaiting(
    session: Session,
    viewer: Viewer,
    now: datetime,
    tz: ZoneInfo,
    manager_id: int | None = None,
    limit: int = 500,
) -> list[DrillRow]:
    """The deals awaiting payment, the longest waiting first."""
    require(viewer, Capability.SEE_REPORTS)
    d = deals.c
    query: Any = (
        select(d.id, d.stage_entered_at, d.title, d.amount, users.c.full_name, d.client_id, clients.c.name)
        .select_from(
            deals.join(stages, stages.c.id == d.stage_id)
            .outerjoin(users, users.c.id == d.owner_id)
            .outerjoin(clients, clients.c.id == d.client_id)
        )
        .where(*_awaiting(viewer, manager_id))
        .order_by(d.stage_entered_at, d.id)
        .limit(limit)
    )
    return [
        DrillRow(at, title, who or "—", client_id, client, deal_id=deal_id, amount=int(amount or 0))
        for deal_id, at, title, amount, who, client_id, client in session.execute(query)
    ]


def drill_won(
    session: Session,
    viewer: Viewer,
    now: datetime,
    tz: ZoneInfo,
    manager_id: int | None = None,
    limit: int = 500,
) -> list[DrillRow]:
    """The deals won this month, the latest first: the fact of the plan against fact (as the
    plan report counts it: won, closed since the month's first), a bar's records."""
    require(viewer, Capability.SEE_REPORTS)
    d = deals.c
    where = [
        figures_within(viewer, d.owner_id),
        d.status == DealStatus.WON.value,
        d.closed_at >= _month_start(now, tz),
        d.closed_at < month_of(now.astimezone(tz).date()).bounds(tz)[1],
    ]
    if manager_id is not None:
        where.append(d.owner_id == manager_id)
    query: Any = (
        select(d.id, d.closed_at, d.title, d.amount, users.c.full_name, d.client_id, clients.c.name)
        .select_from(
            deals.outerjoin(users, users.c.id == d.owner_id).outerjoin(clients, clients.c.id == d.client_id)
        )
        .where(*where)
        .order_by(d.closed_at.desc(), d.id.desc())
        .limit(limit)
    )
    return [
        DrillRow(at, title, who or "—", client_id, client, deal_id=deal_id, amount=int(amount or 0))
        for deal_id, at, title, amount, who, client_id, client in session.execute(query)
    ]
