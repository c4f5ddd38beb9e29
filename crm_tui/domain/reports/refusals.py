"""Refusals: the share of deals lost per manager and period, and the reasons (seed 003: the
head answers lost deals; this is how many and why)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import (
    Column,
    Kind,
    Report,
    Slice,
    Source,
    counted,
    grouped,
    share,
    slice_columns,
)
from crm_tui.i18n import N_, NC_, _
from crm_tui.storage.models import DealStatus, deals, pipelines

COLUMNS = [
    Column("closed", N_("Closed"), Kind.COUNT),
    Column("won", N_("Won"), Kind.COUNT),
    Column("lost", NC_("report column", "Lost"), Kind.COUNT, "report column"),
    Column("lost_share", N_("Lost share"), Kind.SHARE),
    Column("lost_amount", N_("Lost amount"), Kind.MONEY),
]


def refusals_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    by: Sequence[Slice] = (Slice.MANAGER,),
    *,
    manager_id: int | None = None,
    pipeline_id: int | None = None,
) -> Report:
    """Deals closed in the period (won or lost), the lost among them and their amount; by
    ``Slice.REASON`` the lost deals' reasons (the won in a row of their own, named so: it read
    as an empty reason)."""
    d = deals.c
    start, end = period.bounds(tz)
    lost = d.status == DealStatus.LOST.value
    figures = [
        func.count().label("closed"),
        counted(d.status == DealStatus.WON.value).label("won"),
        counted(lost).label("lost"),
        func.coalesce(func.sum(case((lost, d.amount), else_=0)), 0).label("lost_amount"),
    ]
    where = [
        d.closed_at >= start,
        d.closed_at < end,
        d.status.in_([DealStatus.WON.value, DealStatus.LOST.value]),
    ]
    if manager_id is not None:
        where.append(d.owner_id == manager_id)
    if pipeline_id is not None:
        where.append(d.pipeline_id == pipeline_id)
    pipeline_name = select(pipelines.c.name).where(pipelines.c.id == d.pipeline_id).scalar_subquery()
    extra = {
        Slice.REASON: case((lost, func.coalesce(d.lost_reason, "—")), else_=""),
        Slice.PIPELINE: pipeline_name,
    }
    rows = grouped(
        session, viewer, Source(deals, d.owner_id, d.closed_at, extra), by, figures, where, period, tz
    )
    for row in rows:
        for key in ("closed", "won", "lost", "lost_amount"):
            row[key] = int(row[key])
        row["lost_share"] = share(row["lost"], row["closed"])
        if row.get("reason") == "":
            row["reason"] = _(WON_ROW)
    columns = slice_columns(by) + COLUMNS
    return Report("refusals", columns, _ordered(rows, columns))


WON_ROW = N_("won (no reason)")


def _ordered(rows: list[dict[str, object]], columns: list[Column]) -> list[dict[str, object]]:
    return [{c.key: row[c.key] for c in columns} for row in rows]
