"""Calls and mails per manager and period: the head's daily control of the team's activity.

A call is answered when it lasted (``duration_s`` above zero, as the PBX and the card record
it); an inbound call without a duration is missed. The figures are the person's who made or
took the touch (``interactions.user_id``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Column, Kind, Report, Slice, Source, counted, grouped, slice_columns
from crm_tui.i18n import N_
from crm_tui.storage.models import Direction, InteractionKind, interactions

COLUMNS = [
    Column("calls_in", N_("Inbound calls"), Kind.COUNT),
    Column("calls_out", N_("Outbound calls"), Kind.COUNT),
    Column("answered", N_("Answered"), Kind.COUNT),
    Column("missed", N_("Missed"), Kind.COUNT),
    Column("talk_seconds", N_("Talk time"), Kind.SECONDS),
    Column("mails_in", N_("Mails in"), Kind.COUNT),
    Column("mails_out", N_("Mails out"), Kind.COUNT),
]


def calls_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    by: Sequence[Slice] = (Slice.MANAGER,),
    *,
    manager_id: int | None = None,
) -> Report:
    i = interactions.c
    call = i.kind == InteractionKind.CALL.value
    mail = i.kind == InteractionKind.EMAIL.value
    inbound, outbound = i.direction == Direction.INBOUND.value, i.direction == Direction.OUTBOUND.value
    lasted = func.coalesce(i.duration_s, 0) > 0
    figures = [
        counted(and_(call, inbound)).label("calls_in"),
        counted(and_(call, outbound)).label("calls_out"),
        counted(and_(call, lasted)).label("answered"),
        counted(and_(call, inbound, ~lasted)).label("missed"),
        func.coalesce(func.sum(case((call, i.duration_s), else_=0)), 0).label("talk_seconds"),
        counted(and_(mail, inbound)).label("mails_in"),
        counted(and_(mail, outbound)).label("mails_out"),
    ]
    start, end = period.bounds(tz)
    where = [
        i.occurred_at >= start,
        i.occurred_at < end,
        i.kind.in_([InteractionKind.CALL.value, InteractionKind.EMAIL.value]),
    ]
    if manager_id is not None:
        where.append(i.user_id == manager_id)
    rows = grouped(
        session, viewer, Source(interactions, i.user_id, i.occurred_at), by, figures, where, period, tz
    )
    for row in rows:
        for column in COLUMNS:
            row[column.key] = int(row[column.key])
    return Report("calls", slice_columns(by) + COLUMNS, rows)


def calls_per_day(
    session: Session, viewer: Viewer, period: Period, tz: ZoneInfo, manager_id: int | None = None
) -> list[tuple[str, int]]:
    """Calls made or taken each day of the period (the dashboard's sparkline), days without
    any included as zero."""
    report = calls_report(session, viewer, period, tz, (Slice.DAY,), manager_id=manager_id)
    found = {row["day"]: row["calls_in"] + row["calls_out"] for row in report.rows}
    days = [(period.start + timedelta(days=n)).isoformat() for n in range(period.days)]
    return [(day, int(found.get(day, 0))) for day in days]
