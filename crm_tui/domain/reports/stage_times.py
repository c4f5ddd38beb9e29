"""Time in each stage (median and 90th percentile) and the deals over their stage's limit.

A stay counts in the period it ended in (the history row that moved the deal on, with its
``stay_tenths``), for the deal's owner. Both percentiles are nearest-rank, taken in SQL by
window functions (SQLite has no percentile function; both engines number rows): the stay at
rank ceil(p x n) of its group. Over the limit is now, for the open deals (``deals.stuck``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
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
    h, d, s = deal_stage_changes.c, deals.c, stages.c
    by = [x for x in by if x not in (Slice.PIPELINE, Slice.STAGE)]
    extra = {Slice.PIPELINE: pipelines.c.name, Slice.STAGE: s.name}
    keyed = [Slice.PIPELINE, Slice.STAGE, *by]
    start, end = period.bounds(tz)
    tables = (
        deal_stage_changes.join(deals, d.id == h.deal_id)
        .join(stages, s.id == h.from_stage_id)
        .join(pipelines, pipelines.c.id == s.pipeline_id)
    )
    keys = slice_keys(session, Source(tables, d.owner_id, h.at, extra), keyed, period, tz)
    where = [figures_within(viewer, d.owner_id), h.at >= start, h.at < end, h.stay_tenths.is_not(None)]
    if manager_id is not None:
        where.append(d.owner_id == manager_id)
    if pipeline_id is not None:
        where.append(s.pipeline_id == pipeline_id)
    partition = [*keys, s.position]
    ranked = (
        select(
            *keys,
            s.position.label("position"),
            h.stay_tenths.label("stay"),
            func.row_number().over(partition_by=partition, order_by=h.stay_tenths).label("rank"),
            func.count().over(partition_by=partition).label("n"),
        )
        .select_from(tables.outerjoin(users, users.c.id == d.owner_id))
        .where(*where)
        .subquery()
    )
    r = ranked.c
    names = [k.name for k in keys]
    query = select(
        *(r[name] for name in names),
        r.position,
        func.max(r.n).label("stays"),
        func.max(case((r.rank == (r.n + 1) // 2, r.stay))).label("median"),
        func.max(case((r.rank == (r.n * 9 + 9) // 10, r.stay))).label("p90"),
    ).group_by(*by_position([*keys, r.position]))
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for found_row in session.execute(query):
        values = dict(found_row._mapping)
        found[tuple(values[name] for name in names)] = {
            **{name: values[name] for name in names},
            "position": values["position"],
            "stays": int(values["stays"]),
            "median_days": values["median"] / TENTHS,
            "p90_days": values["p90"] / TENTHS,
            "over_limit": 0,
        }
    if not any(x in TIME_SLICES for x in by):
        _add_over_limit(session, viewer, now, keyed, period, tz, found, manager_id, pipeline_id)
    rows = sorted(
        found.values(),
        key=lambda row: (str(row["pipeline"]), row["position"], *(str(row[n] or "") for n in names[2:])),
    )
    for row in rows:
        del row["position"]
    return Report("stages", slice_columns(keyed) + COLUMNS, rows)


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
