"""Time in each stage (median and 90th percentile) and the deals over their stage's limit.

A stay counts in the period it ended in (the history row that moved the deal on, with its
``stay_tenths``), for the deal's owner. Both percentiles are nearest-rank: the stay at rank
ceil(p x n) of its group, read off a histogram the database counts (how many stays of each
length; some 1,100 lengths against 640,000 stays a year on the large demo base). Over the
limit is now, for the open deals (``deals.stuck``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import FromClause, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, require, scope_for
from crm_tui.domain.access.visibility import figures_within
from crm_tui.domain.deals.stuck import stuck_condition
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import (
    TIME_SLICES,
    Column,
    Kind,
    Report,
    Slice,
    Source,
    by_position,
    slice_columns,
    slice_keys,
)
from crm_tui.i18n import N_
from crm_tui.storage.models import deal_stage_changes, deals, pipelines, stages, users

COLUMNS = [
    Column("stays", N_("Stays"), Kind.COUNT),
    Column("median_days", N_("Median, days"), Kind.DAYS),
    Column("p90_days", N_("90%, days"), Kind.DAYS),
    Column("over_limit", N_("Over the limit now"), Kind.COUNT),
]
TENTHS = 10


def stage_times_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
    by: Sequence[Slice] = (),
    *,
    manager_id: int | None = None,
    pipeline_id: int | None = None,
) -> Report:
    require(viewer, Capability.SEE_REPORTS)
    h, d = deal_stage_changes.c, deals.c
    by = [x for x in by if x not in (Slice.PIPELINE, Slice.STAGE)]
    keyed = [Slice.PIPELINE, Slice.STAGE, *by]
    start, end = period.bounds(tz)
    stage_of = _stages(session, pipeline_id)
    # Whose stays they are matters only for a narrower scope or a slice by person: everyone's
    # stays per stage are a walk along ix_deal_stage_changes_stage_stay_at, the deals unread.
    personal = (
        scope_for(viewer, Capability.SEE_REPORTS) is not Scope.ALL
        or manager_id is not None
        or any(x in (Slice.MANAGER, Slice.REGION) for x in by)
    )
    tables: FromClause = deal_stage_changes.join(deals, d.id == h.deal_id) if personal else deal_stage_changes
    keys = slice_keys(session, Source(tables, d.owner_id, h.at), by, period, tz)
    where = [h.at >= start, h.at < end, h.stay_tenths.is_not(None)]
    if personal:
        # reached from the person's deals (ix_deal_stage_changes_deal_stays); naming the
        # stages here would make SQLite walk every stay by stage and look each deal up
        where.append(figures_within(viewer, d.owner_id))
    else:
        where.append(h.from_stage_id.in_(list(stage_of)))
    if manager_id is not None:
        where.append(d.owner_id == manager_id)
    if any(x in (Slice.MANAGER, Slice.REGION) for x in by):
        tables = tables.outerjoin(users, users.c.id == d.owner_id)
    # A histogram (how many stays of each length) per stage and slice; the nearest-rank
    # percentiles are read off it here, exactly as ranking every stay would give them.
    histogram = (
        select(h.from_stage_id, *keys, h.stay_tenths, func.count())
        .select_from(tables)
        .where(*where)
        .group_by(*by_position([h.from_stage_id, *keys, h.stay_tenths]))
    )
    names = [k.name for k in keys]
    stays: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    for found_row in session.execute(histogram):
        values = tuple(found_row)
        stage_id, stay, count = values[0], values[-2], values[-1]
        slices = values[1:-2]
        if stage_id not in stage_of:
            continue
        pipeline, stage, position = stage_of[stage_id]
        stays.setdefault((pipeline, stage, position, *slices), []).append((int(stay), int(count)))
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for group, counts in stays.items():
        pipeline, stage, position = group[:3]
        counts.sort()
        n = sum(count for _, count in counts)
        found[(pipeline, stage, *group[3:])] = {
            "pipeline": pipeline,
            "stage": stage,
            **dict(zip(names, group[3:], strict=True)),
            "position": position,
            "stays": n,
            "median_days": _at_rank(counts, (n + 1) // 2) / TENTHS,
            "p90_days": _at_rank(counts, (n * 9 + 9) // 10) / TENTHS,
            "over_limit": 0,
        }
    if not any(x in TIME_SLICES for x in by):
        _add_over_limit(session, viewer, now, keyed, period, tz, found, manager_id, pipeline_id)
    rows = sorted(
        found.values(),
        key=lambda row: (str(row["pipeline"]), row["position"], *(str(row[n] or "") for n in names)),
    )
    for row in rows:
        del row["position"]
    return Report("stages", slice_columns(keyed) + COLUMNS, rows)


def _stages(session: Session, pipeline_id: int | None) -> dict[int, tuple[str, str, int]]:
    """Each stage's pipeline, name and position (of one pipeline, or all)."""
    s = stages.c
    query = select(s.id, pipelines.c.name, s.name, s.position).join(
        pipelines, pipelines.c.id == s.pipeline_id
    )
    if pipeline_id is not None:
        query = query.where(s.pipeline_id == pipeline_id)
    return {int(i): (str(p), str(n), int(pos)) for i, p, n, pos in session.execute(query)}


def _at_rank(counts: Sequence[tuple[int, int]], rank: int) -> int:
    """The value at ``rank`` (from 1) of the sorted values that ``counts`` (value, how many)
    describe."""
    seen = 0
    for value, count in counts:
        seen += count
        if seen >= rank:
            return value
    raise ValueError(rank)  # pragma: no cover - rank is within the counts


def _add_over_limit(
    session: Session,
    viewer: Viewer,
    now: datetime,
    keyed: Sequence[Slice],
    period: Period,
    tz: ZoneInfo,
    found: dict[tuple[Any, ...], dict[str, Any]],
    manager_id: int | None,
    pipeline_id: int | None,
) -> None:
    d, s = deals.c, stages.c
    tables = deals.join(stages, s.id == d.stage_id).join(pipelines, pipelines.c.id == s.pipeline_id)
    extra = {Slice.PIPELINE: pipelines.c.name, Slice.STAGE: s.name}
    keys = slice_keys(session, Source(tables, d.owner_id, None, extra), keyed, period, tz)
    query = (
        select(*keys, s.position, func.count())
        .select_from(tables.outerjoin(users, users.c.id == d.owner_id))
        .where(figures_within(viewer, d.owner_id), stuck_condition(session, now))
        .group_by(*by_position([*keys, s.position]))
    )
    if manager_id is not None:
        query = query.where(d.owner_id == manager_id)
    if pipeline_id is not None:
        query = query.where(d.pipeline_id == pipeline_id)
    names = [k.name for k in keys]
    for row in session.execute(query):
        values = list(row)
        key = tuple(values[: len(names)])
        line = found.setdefault(
            key,
            {**dict(zip(names, key, strict=True)), "position": values[-2], "stays": 0, "median_days": None,
             "p90_days": None, "over_limit": 0},
        )  # fmt: skip
        line["over_limit"] = int(values[-1])
