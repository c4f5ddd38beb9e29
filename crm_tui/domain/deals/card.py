"""The deal screen's read model: the deal, its stage history, tasks and interactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_deals
from crm_tui.domain.deals.lines import DealLineRow, deal_line_rows
from crm_tui.domain.errors import not_found
from crm_tui.storage.models import clients, deal_stage_changes, deals, interactions, stages, tasks, users

DEAL_TASKS = 30
DEAL_TOUCHES = 30


@dataclass(frozen=True)
class StageStep:
    at: datetime
    before: str | None
    after: str
    user: str | None
    comment: str | None
    user_login: str | None = None


@dataclass(frozen=True)
class DealTask:
    id: int
    title: str
    due_at: datetime
    status: str
    result: str | None
    assignee: str | None
    assignee_login: str | None = None


@dataclass(frozen=True)
class DealTouch:
    at: datetime
    kind: str
    summary: str


@dataclass(frozen=True)
class DealCard:
    id: int
    title: str
    client_id: int
    client: str
    owner: str | None
    stage: str
    pipeline_id: int
    stage_id: int
    status: str
    amount: int
    expected_close: date | None
    stage_entered_at: datetime
    lost_reason: str | None
    lost_comment: str | None
    version: int
    history: list[StageStep]
    tasks: list[DealTask]
    touches: list[DealTouch]
    owner_id: int | None = None
    owner_login: str | None = None
    lines: list[DealLineRow] = field(default_factory=list)


def load_deal_card(session: Session, viewer: Viewer, deal_id: int) -> DealCard:
    d = deals.c
    row = session.execute(
        select(
            d.id,
            d.title,
            d.client_id,
            clients.c.name,
            users.c.full_name,
            stages.c.name,
            d.pipeline_id,
            d.stage_id,
            d.status,
            d.amount,
            d.expected_close,
            d.stage_entered_at,
            d.lost_reason,
            d.lost_comment,
            d.version,
            d.owner_id,
            users.c.login,
        )
        .select_from(
            deals.join(clients, clients.c.id == d.client_id)
            .join(stages, stages.c.id == d.stage_id)
            .outerjoin(users, users.c.id == d.owner_id)
        )
        .where(d.id == deal_id, visible_deals(viewer))
    ).first()
    if row is None:
        raise not_found("deal", deal_id)
    h = deal_stage_changes.c
    before, after = stages.alias("before"), stages.alias("after")
    history = [
        StageStep(*r)
        for r in session.execute(
            select(h.at, before.c.name, after.c.name, users.c.full_name, h.comment, users.c.login)
            .select_from(
                deal_stage_changes.outerjoin(before, before.c.id == h.from_stage_id)
                .join(after, after.c.id == h.to_stage_id)
                .outerjoin(users, users.c.id == h.user_id)
            )
            .where(h.deal_id == deal_id)
            .order_by(h.at.desc(), h.id.desc())
        )
    ]
    t = tasks.c
    deal_tasks = [
        DealTask(*r)
        for r in session.execute(
            select(t.id, t.title, t.due_at, t.status, t.result, users.c.full_name, users.c.login)
            .select_from(tasks.outerjoin(users, users.c.id == t.assignee_id))
            .where(t.deal_id == deal_id)
            .order_by(t.status != "open", t.due_at.desc())
            .limit(DEAL_TASKS)
        )
    ]
    i = interactions.c
    touches = [
        DealTouch(*r)
        for r in session.execute(
            select(i.occurred_at, i.kind, i.summary)
            .where(i.deal_id == deal_id)
            .order_by(i.occurred_at.desc())
            .limit(DEAL_TOUCHES)
        )
    ]
    return DealCard(
        id=row.id,
        title=row.title,
        client_id=row.client_id,
        client=row.name,
        owner=row.full_name,
        stage=row[5],
        pipeline_id=row.pipeline_id,
        stage_id=row.stage_id,
        status=row.status,
        amount=row.amount,
        expected_close=row.expected_close,
        stage_entered_at=row.stage_entered_at,
        lost_reason=row.lost_reason,
        lost_comment=row.lost_comment,
        version=row.version,
        history=history,
        tasks=deal_tasks,
        touches=touches,
        owner_id=row.owner_id,
        owner_login=row.login,
        lines=deal_line_rows(session, deal_id),
    )
