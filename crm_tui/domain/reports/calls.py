"""Calls and mails per manager and period: the head's daily control of the team's activity.

A call is answered when it lasted (``duration_s`` above zero, as the PBX and the card record
it); an inbound call without a duration is missed. The figures are the person's who made or
took the touch (``interactions.user_id``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import figures_within
from crm_tui.domain.reports.period import Period, local_bucket
from crm_tui.domain.reports.table import (
    TIME_SLICES,
    Column,
    Kind,
    Report,
    Slice,
    Source,
    by_position,
    counted,
    grouped,
    slice_columns,
)
from crm_tui.i18n import N_
from crm_tui.storage.models import Direction, InteractionKind, interactions

SHORT_DAYS = 62
"""Up to this many days the touches are read by time (a range of the index), beyond it by
person (the index's order: no sort of a year of touches)."""
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
    """Two steps: the touches are counted per kind and person (and day, week or month) off a
    covering index alone (for a long period in its order, ``ix_interactions_kind_user_time``);
    those few hundred partial sums are then grouped by the slices asked for. A year is some
    650,000 touches on the large demo base: grouping them by the managers' names sorted every
    one of them."""
    i = interactions.c
    inbound, outbound = i.direction == Direction.INBOUND.value, i.direction == Direction.OUTBOUND.value
    lasted = func.coalesce(i.duration_s, 0) > 0
    dialect = session.get_bind().dialect
    times = [s for s in by if s in TIME_SLICES]
    buckets = [local_bucket(dialect, i.occurred_at, TIME_SLICES[s], tz, period).label(s.value) for s in times]
    start, end = period.bounds(tz)
    partial_query = (
        select(
            i.kind.label("kind"),
            i.user_id.label("person"),
            *buckets,
            counted(inbound).label("inbound"),
            counted(outbound).label("outbound"),
            counted(lasted).label("lasted"),
            counted(and_(inbound, ~lasted)).label("missed"),
            func.coalesce(func.sum(i.duration_s), 0).label("seconds"),
        )
        .where(
            i.kind.in_([InteractionKind.CALL.value, InteractionKind.EMAIL.value]),
            i.occurred_at >= start,
            i.occurred_at < end,
            figures_within(viewer, i.user_id),
        )
        .group_by(*by_position([i.kind, i.user_id, *buckets]))
    )
    if manager_id is not None:
        partial_query = partial_query.where(i.user_id == manager_id)
    # SQLite has no statistics to tell a fortnight from a year: name the index that suits
    index = (
        "ix_interactions_kind_time_user" if period.days <= SHORT_DAYS else "ix_interactions_kind_user_time"
    )
    partial = partial_query.with_hint(interactions, f"INDEXED BY {index}", "sqlite").subquery("partial")
    p = partial.c
    call, mail = p.kind == InteractionKind.CALL.value, p.kind == InteractionKind.EMAIL.value

    def total(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    figures = [
        total(call, p.inbound).label("calls_in"),
        total(call, p.outbound).label("calls_out"),
        total(call, p.lasted).label("answered"),
        total(call, p.missed).label("missed"),
        total(call, p.seconds).label("talk_seconds"),
        total(mail, p.inbound).label("mails_in"),
        total(mail, p.outbound).label("mails_out"),
    ]
    source = Source(partial, p.person, None, {s: p[s.value] for s in times})
    rows = grouped(session, viewer, source, by, figures, [], period, tz)
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
