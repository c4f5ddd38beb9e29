"""New clients per period and owner: how the base grows (seed 003's "new requests")."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Column, Kind, Report, Slice, Source, counted, grouped, slice_columns
from crm_tui.i18n import N_
from crm_tui.storage.models import ClientStatus, clients

COLUMNS = [
    Column("new_clients", N_("New clients"), Kind.COUNT),
    Column("customers", N_("Already buying"), Kind.COUNT),
]


def growth_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    by: Sequence[Slice] = (Slice.MANAGER,),
    *,
    manager_id: int | None = None,
) -> Report:
    """Clients created in the period, by their owner now; and how many of them buy already."""
    c = clients.c
    start, end = period.bounds(tz)
    figures = [
        func.count().label("new_clients"),
        counted(c.status == ClientStatus.CUSTOMER.value).label("customers"),
    ]
    where = [c.created_at >= start, c.created_at < end]
    if manager_id is not None:
        where.append(c.owner_id == manager_id)
    source = Source(clients, c.owner_id, c.created_at, {Slice.SEGMENT: func.coalesce(c.segment, "")})
    rows = grouped(session, viewer, source, by, figures, where, period, tz)
    for row in rows:
        row["new_clients"], row["customers"] = int(row["new_clients"]), int(row["customers"])
    return Report("growth", slice_columns(by) + COLUMNS, rows)
