"""Plan against fact per manager and region, with the projection of the period's end.

The plan is each person's monthly target (``users.monthly_target``), pro rata for a period
that is not whole months; the fact is what the desk counts: the amounts of the deals won
(closed) in the period. The projection goes on at the pace so far: fact / days gone x days of
the period, while the period runs; the fact once it is over.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Label, func, or_, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, require, roles_with
from crm_tui.domain.access.visibility import figures_within
from crm_tui.domain.reports.period import Period, month_of
from crm_tui.domain.reports.table import (
    Column,
    Kind,
    Report,
    Slice,
    UnknownSlice,
    by_position,
    share,
    slice_columns,
)
from crm_tui.i18n import N_
from crm_tui.storage.models import DealStatus, deals, users

COLUMNS = [
    Column("plan", N_("Plan"), Kind.MONEY),
    Column("fact", N_("Fact"), Kind.MONEY),
    Column("won", N_("Deals won"), Kind.COUNT),
    Column("done_share", N_("Done"), Kind.SHARE),
    Column("projection", N_("Projection"), Kind.MONEY),
    Column("projected_share", N_("Projected"), Kind.SHARE),
]

SELLERS = [role.value for role in roles_with(Capability.OWN_CLIENTS, Scope.ALL)]
"""Who has a plan row even without a sale: the people who own clients."""


def plan_factor(period: Period) -> float:
    """How many months of target the period holds: each month's days in it over its days."""
    factor, day = 0.0, period.start
    while day <= period.end:
        month = month_of(day)
        last = min(month.end, period.end)
        factor += ((last - day).days + 1) / month.days
        day = last + timedelta(days=1)
    return factor


def elapsed_share(period: Period, now: datetime, tz: ZoneInfo) -> float:
    start, end = period.bounds(tz)
    if now <= start:
        return 0.0
    if now >= end:
        return 1.0
    return (now - start) / (end - start)


def plan_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
    by: Sequence[Slice] = (Slice.MANAGER,),
    *,
    manager_id: int | None = None,
) -> Report:
    require(viewer, Capability.SEE_REPORTS)
    if any(s not in (Slice.MANAGER, Slice.REGION) for s in by):
        raise UnknownSlice(next(s for s in by if s not in (Slice.MANAGER, Slice.REGION)).value)
    d, u = deals.c, users.c
    start, end = period.bounds(tz)
    won = (
        select(d.owner_id, func.sum(d.amount).label("fact"), func.count().label("won"))
        .where(d.status == DealStatus.WON.value, d.closed_at >= start, d.closed_at < end)
        .group_by(d.owner_id)
        .subquery()
    )
    keys: list[Label[Any]] = []
    for s in by:
        if s is Slice.MANAGER:
            keys += [u.login.label("manager"), u.full_name.label("manager_name")]
        else:
            keys.append(u.region.label("region"))
    query = (
        select(
            *keys,
            func.coalesce(func.sum(u.monthly_target), 0).label("target"),
            func.coalesce(func.sum(won.c.fact), 0).label("fact"),
            func.coalesce(func.sum(won.c.won), 0).label("won"),
        )
        .select_from(users.outerjoin(won, won.c.owner_id == u.id))
        .where(
            figures_within(viewer, u.id),
            or_(u.role.in_(SELLERS) & u.active, won.c.won.is_not(None)),
        )
    )
    if manager_id is not None:
        query = query.where(u.id == manager_id)
    if keys:
        query = query.group_by(*by_position(keys)).order_by(*by_position(keys))
    factor, gone = plan_factor(period), elapsed_share(period, now, tz)
    rows = []
    for found in session.execute(query):
        row = dict(found._mapping)
        target = int(row.pop("target"))
        fact = int(row["fact"])
        plan = round(target * factor)
        projection = round(fact / gone) if gone > 0 else 0
        row.update(
            plan=plan,
            fact=fact,
            won=int(row["won"]),
            done_share=share(fact, plan),
            projection=projection,
            projected_share=share(projection, plan),
        )
        rows.append(row)
    return Report("plan", slice_columns(by) + COLUMNS, rows)


def this_month(now: datetime, tz: ZoneInfo) -> Period:
    return month_of(now.astimezone(tz).date())
