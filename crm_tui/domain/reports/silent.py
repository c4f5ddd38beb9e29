"""Clients nobody has talked to for N days, by owner and segment (seed 003: clients forgotten
are clients lost). Counted as of now, through the index of touches by client and time: a client
is silent when no touch of it falls within the last N days and it is older than that."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import figures_within
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Column, Kind, Report, Slice, Source, grouped, slice_columns
from crm_tui.i18n import N_
from crm_tui.storage.models import clients, interactions, users

SILENT_DAYS = 30
COLUMNS = [Column("silent_clients", N_("Without a touch"), Kind.COUNT)]


def _silent(now: datetime, days: int) -> list[ColumnElement[bool]]:
    c, i = clients.c, interactions.c
    cutoff = now - timedelta(days=days)
    touched = exists().where(i.client_id == c.id, i.occurred_at >= cutoff)
    return [~touched, c.created_at < cutoff]


def silent_report(
    session: Session,
    viewer: Viewer,
    now: datetime,
    tz: ZoneInfo,
    days: int = SILENT_DAYS,
    by: Sequence[Slice] = (Slice.MANAGER, Slice.SEGMENT),
    *,
    manager_id: int | None = None,
) -> Report:
    c = clients.c
    where = _silent(now, days)
    if manager_id is not None:
        where.append(c.owner_id == manager_id)
    today = now.astimezone(tz).date()
    source = Source(clients, c.owner_id, None, {Slice.SEGMENT: func.coalesce(c.segment, "")})
    figures = [func.count().label("silent_clients")]
    rows = grouped(session, viewer, source, by, figures, where, Period(today, today), tz)
    for row in rows:
        row["silent_clients"] = int(row["silent_clients"])
    return Report("silent", slice_columns(by) + COLUMNS, rows)


@dataclass(frozen=True)
class SilentClient:
    id: int
    name: str
    owner: str | None
    segment: str | None
    last_touch: datetime | None

    def last_day(self, tz: ZoneInfo) -> date | None:
        return None if self.last_touch is None else self.last_touch.astimezone(tz).date()


def silent_clients(
    session: Session,
    viewer: Viewer,
    now: datetime,
    days: int = SILENT_DAYS,
    *,
    manager_id: int | None = None,
    limit: int = 500,
) -> list[SilentClient]:
    """The clients behind the figure, longest silent first (never touched before the rest)."""
    require(viewer, Capability.SEE_REPORTS)
    c, i = clients.c, interactions.c
    last = select(func.max(i.occurred_at)).where(i.client_id == c.id).scalar_subquery().label("last")
    query = (
        select(c.id, c.name, users.c.full_name, c.segment, last)
        .select_from(clients.outerjoin(users, users.c.id == c.owner_id))
        .where(figures_within(viewer, c.owner_id), *_silent(now, days))
        .order_by(last.is_not(None), last, c.id)
        .limit(limit)
    )
    if manager_id is not None:
        query = query.where(c.owner_id == manager_id)
    return [SilentClient(*row) for row in session.execute(query)]
