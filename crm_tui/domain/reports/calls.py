"""Calls and mails per manager and period: the head's daily control of the team's activity.

A call is answered when it lasted (``duration_s`` above zero, as the PBX and the card record
it); an inbound call without a duration is missed. The figures are the person's who made or
took the touch (``interactions.user_id``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Label,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import figures_within, sees_everyones_figures
from crm_tui.domain.reports.period import (
    Bucket,
    Period,
    bucket_label,
    local_bucket,
    local_buckets,
    local_start,
)
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
    grouped_query,
    in_order,
    slice_columns,
)
from crm_tui.i18n import N_
from crm_tui.storage.models import Direction, InteractionKind, interactions, users

BY_PIECES = frozenset({"sqlite"})
"""The databases a report by day, week or month reads piece by piece: SQLite sorts what it
groups, PostgreSQL hashes it (and works out a moment's local day itself, quickly)."""
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
    times = [s for s in by if s in TIME_SLICES]
    buckets = local_buckets([TIME_SLICES[s] for s in times], tz, period) if times else []
    if session.get_bind().dialect.name in BY_PIECES and times:
        return _by_pieces(session, viewer, by, times, buckets, period, tz, manager_id)
    partial = _partial(session, viewer, times, tz, period, manager_id)
    # PostgreSQL's partial sums carry their local day, week or month as a moment, named once per
    # group here (SQLite's, read this way only in the tests, carry the name)
    named = (lambda start: start) if session.get_bind().dialect.name == "sqlite" else bucket_label
    source = Source(partial, partial.c.person, None, {s: named(partial.c[s.value]) for s in times})
    rows = grouped(session, viewer, source, by, _totals(partial), [], period, tz)
    return _report(by, rows)


def _by_pieces(
    session: Session,
    viewer: Viewer,
    by: Sequence[Slice],
    times: Sequence[Slice],
    buckets: Sequence[Bucket],
    period: Period,
    tz: ZoneInfo,
    manager_id: int | None,
) -> Report:
    """SQLite, by day, week or month: one query, run for each piece of the period (a range of the
    index, its day, week or month a constant). Every row of the report falls in one piece, so
    the pieces' rows are the report's; working out the day of each of a year's touches and
    sorting them by it took seconds."""
    personal = (
        manager_id is not None
        or not sees_everyones_figures(viewer)
        or any(s in (Slice.MANAGER, Slice.REGION) for s in by)
    )
    partial = _piece(viewer, times, manager_id, personal=personal)
    source = Source(partial, partial.c.person, None, {s: partial.c[s.value] for s in times})
    query = grouped_query(session, viewer, source, by, _totals(partial), [], period, tz)
    rows = []
    for bucket in buckets:
        labels = {f"piece_{s.value}": text for s, text in zip(times, bucket.labels, strict=True)}
        found = session.execute(query, {"piece_start": bucket.start, "piece_end": bucket.end, **labels})
        rows += [dict(row._mapping) for row in found]
    return _report(by, in_order(rows, [c.key for c in slice_columns(by)]))


def _totals(partial: Subquery) -> list[Label[Any]]:
    """The report's figures out of the partial sums per kind."""
    p = partial.c
    call, mail = p.kind == InteractionKind.CALL.value, p.kind == InteractionKind.EMAIL.value

    def total(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    return [
        total(call, p.inbound).label("calls_in"),
        total(call, p.outbound).label("calls_out"),
        total(call, p.lasted).label("answered"),
        total(call, p.missed).label("missed"),
        total(call, p.seconds).label("talk_seconds"),
        total(mail, p.inbound).label("mails_in"),
        total(mail, p.outbound).label("mails_out"),
    ]


def _report(by: Sequence[Slice], rows: list[dict[str, Any]]) -> Report:
    for row in rows:
        for column in COLUMNS:
            row[column.key] = int(row[column.key])
    return Report("calls", slice_columns(by) + COLUMNS, rows)


def _figures() -> list[Label[Any]]:
    """The partial sums of a group of touches of one kind."""
    i = interactions.c
    inbound, outbound = i.direction == Direction.INBOUND.value, i.direction == Direction.OUTBOUND.value
    lasted = func.coalesce(i.duration_s, 0) > 0
    return [
        counted(inbound).label("inbound"),
        counted(outbound).label("outbound"),
        counted(lasted).label("lasted"),
        counted(and_(inbound, ~lasted)).label("missed"),
        func.coalesce(func.sum(i.duration_s), 0).label("seconds"),
    ]


def _where(
    viewer: Viewer,
    start: ColumnElement[Any] | datetime,
    end: ColumnElement[Any] | datetime,
    manager_id: int | None,
) -> list[ColumnElement[bool]]:
    i = interactions.c
    where = [
        i.kind.in_([InteractionKind.CALL.value, InteractionKind.EMAIL.value]),
        i.occurred_at >= start,
        i.occurred_at < end,
        figures_within(viewer, i.user_id),
    ]
    if manager_id is not None:
        where.append(i.user_id == manager_id)
    return where


def _partial(
    session: Session,
    viewer: Viewer,
    times: Sequence[Slice],
    tz: ZoneInfo,
    period: Period,
    manager_id: int | None,
) -> Subquery:
    """The partial sums per kind, person and local start of the day, week or month worked out
    for each touch (PostgreSQL's ``date_trunc`` in the zone: SQLite reads by pieces)."""
    i = interactions.c
    dialect = session.get_bind().dialect
    buckets = [
        (
            local_bucket(dialect, i.occurred_at, TIME_SLICES[s], tz, period)
            if dialect.name == "sqlite"
            else local_start(i.occurred_at, TIME_SLICES[s], tz)
        ).label(s.value)
        for s in times
    ]
    start, end = period.bounds(tz)
    query = (
        select(i.kind.label("kind"), i.user_id.label("person"), *buckets, *_figures())
        .where(*_where(viewer, start, end, manager_id))
        .group_by(*by_position([i.kind, i.user_id, *buckets]))
    )
    # (an "INDEXED BY" hint here was never written out: SQLAlchemy's SQLite compiler has no
    # table hints; the planner takes the covering indexes of migration 0020 by itself)
    return query.subquery("partial")


def _piece(viewer: Viewer, times: Sequence[Slice], manager_id: int | None, *, personal: bool) -> Subquery:
    """SQLite: the partial sums of one piece of the period (bound as ``piece_start``,
    ``piece_end`` and its labels). Per person, each person's range of the index in turn (their
    touches come in the grouping's order: no sort), and nobody's touches for an admin; for
    everyone together, one range per kind."""
    i = interactions.c
    start = bindparam("piece_start", type_=i.occurred_at.type)
    end = bindparam("piece_end", type_=i.occurred_at.type)
    labels = [bindparam(f"piece_{s.value}", type_=String).label(s.value) for s in times]
    where = _where(viewer, start, end, manager_id)
    if not personal:
        return (
            select(i.kind.label("kind"), null().label("person"), *labels, *_figures())
            .where(*where)
            .group_by(i.kind)
            .subquery("partial")
        )
    people = users.alias("people")
    part = (
        select(i.kind.label("kind"), people.c.id.label("person"), *labels, *_figures())
        .select_from(people.join(interactions, i.user_id == people.c.id))
        # the people in scope before their touches: a head's dozen, not every user's seek
        .where(*where, figures_within(viewer, people.c.id))
        .group_by(people.c.id, i.kind)
    )
    if manager_id is not None or not sees_everyones_figures(viewer):
        return part.subquery("partial")
    nobody = (
        select(i.kind.label("kind"), null().label("person"), *labels, *_figures())
        .where(*where, i.user_id.is_(None))
        .group_by(i.kind)
    )
    return union_all(part, nobody).subquery("partial")


def calls_per_day(
    session: Session, viewer: Viewer, period: Period, tz: ZoneInfo, manager_id: int | None = None
) -> list[tuple[str, int]]:
    """Calls made or taken each day of the period (the dashboard's sparkline), days without
    any included as zero."""
    report = calls_report(session, viewer, period, tz, (Slice.DAY,), manager_id=manager_id)
    found = {row["day"]: row["calls_in"] + row["calls_out"] for row in report.rows}
    days = [(period.start + timedelta(days=n)).isoformat() for n in range(period.days)]
    return [(day, int(found.get(day, 0))) for day in days]
