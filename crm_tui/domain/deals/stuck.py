"""Stuck deals: open deals longer in their stage than the stage allows (seed 003). The kanban
marks them, the tick reminds their owners, and heads list them (`crm report stuck`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, literal, or_, select

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_deals
from crm_tui.storage.models import DealStatus, deals, stages, users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit


def stuck_condition(session: Unit, now: datetime) -> ColumnElement[bool]:
    """The limits are few, so the condition is an OR over them with the cutoffs computed here:
    no date arithmetic in SQL, the same on SQLite and PostgreSQL."""
    s, d = stages.c, deals.c
    limits = session.execute(select(s.id, s.stuck_after_days).where(s.stuck_after_days.is_not(None))).all()
    if not limits:
        return literal(False)
    per_stage = [
        and_(d.stage_id == sid, d.stage_entered_at < now - timedelta(days=days)) for sid, days in limits
    ]
    return and_(d.status == DealStatus.OPEN.value, or_(*per_stage))


@dataclass(frozen=True)
class StuckDeal:
    id: int
    title: str
    owner: str | None
    stage: str
    days: int
    limit_days: int
    amount: int


def stuck_deals(session: Unit, viewer: Viewer, now: datetime, limit: int = 1000) -> list[StuckDeal]:
    d, s = deals.c, stages.c
    rows = session.execute(
        select(d.id, d.title, users.c.full_name, s.name, d.stage_entered_at, s.stuck_after_days, d.amount)
        .select_from(deals.join(stages, s.id == d.stage_id).outerjoin(users, users.c.id == d.owner_id))
        .where(visible_deals(viewer), stuck_condition(session, now))
        .order_by(d.stage_entered_at, d.id)
        .limit(limit)
    )
    return [
        StuckDeal(
            r.id, r.title, r.full_name, r.name, (now - r.stage_entered_at).days, r.stuck_after_days, r.amount
        )
        for r in rows
    ]
