"""Time in each stage (median and 90th percentile) and the deals over their stage's limit.

A stay counts in the period it ended in (the history row that moved the deal on, with its
``stay_tenths``), for the deal's owner. Both percentiles are nearest-rank: the stay at rank
ceil(p x n) of its group, read off a histogram the database counts (how many stays of each
length; some 1,100 lengths against 640,000 stays a year on the large demo base). Over the
limit is now, for the open deals (``deals.stuck``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, FromClause, Label, Select, case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import figures_within, sees_everyones_figures
from crm_tui.domain.deals.stuck import stuck_condition
from crm_tui.domain.reports.calls import BY_PIECES
from crm_tui.domain.reports.period import Period, local_start
from crm_tui.domain.reports.stay_histograms import NOBODY, stay_groups
from crm_tui.domain.reports.table import (
    TIME_SLICES,
    Column,
    Kind,
    Report,
    Slice,
    Source,
    by_position,
    check_slices,
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
    by = [x for x in by if x not in (Slice.PIPELINE, Slice.STAGE)]
    keyed = [Slice.PIPELINE, Slice.STAGE, *by]
    check_slices(by, Source(deal_stage_changes, deal_stage_changes.c.owner_id, deal_stage_changes.c.at))
    stage_of = _stages(session, pipeline_id)
    names = [c.key for c in slice_columns(by)]
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    if session.get_bind().dialect.name in BY_PIECES:
        people = _people(session, viewer)
        if manager_id is not None:
            people = {manager_id: people[manager_id]} if manager_id in people else {}
        everyone = sees_everyones_figures(viewer) and manager_id is None
        groups = stay_groups(session, by, period, tz, people, everyone=everyone, stage_ids=list(stage_of))
    else:
        groups = _grouped_in_sql(session, viewer, period, tz, by, manager_id, stage_of)
    for stage_id, known, (n, median, p90) in groups:
        if stage_id not in stage_of:
            continue
        slices = tuple(known[name] for name in names)
        pipeline, stage, position = stage_of[stage_id]
        found[(pipeline, stage, *slices)] = {
            "pipeline": pipeline,
            "stage": stage,
            **dict(zip(names, slices, strict=True)),
            "position": position,
            "stays": int(n),
            "median_days": int(median) / TENTHS,
            "p90_days": int(p90) / TENTHS,
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


def _grouped_in_sql(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    by: Sequence[Slice],
    manager_id: int | None,
    stage_of: dict[int, tuple[str, str, int]],
) -> Iterator[tuple[int, dict[str, Any], tuple[int, int, int]]]:
    """PostgreSQL: per stage and slice, the stays and their percentiles, worked out by the
    server (SQLite's are ``stay_histograms``'s; this way on SQLite only in the tests, as a check of
    it). Everyone's stays per stage are a walk along ix_deal_stage_changes_stage_stay_at; a
    person's, along ix_deal_stage_changes_owner_stays (the deals are never read)."""
    h = deal_stage_changes.c
    # whose a stay is: the deal's owner now, copied onto its history (migration 0025's triggers)
    owner = h.owner_id
    start, end = period.bounds(tz)
    personal = (
        not sees_everyones_figures(viewer)
        or manager_id is not None
        or any(x in (Slice.MANAGER, Slice.REGION) for x in by)
    )
    tables: FromClause = deal_stage_changes
    # per manager, the stays are grouped by whose they are (a number, not names and regions:
    # PostgreSQL sorted a year's stays by the names on disk); the person's slices are filled in
    by_owner = Slice.MANAGER in by
    grouped_by = [x for x in by if not (by_owner and x in (Slice.MANAGER, Slice.REGION))]
    keys = slice_keys(session, Source(tables, owner, h.at), grouped_by, period, tz)
    # a day, week or month is grouped by its local start and named once per group below: the
    # text of each of a year's 550,000 stays sorted on disk (1.2 s for an admin's year by day)
    moments = {s.value: TIME_SLICES[s] for s in grouped_by if s in TIME_SLICES}
    if session.get_bind().dialect.name != "sqlite":
        keys = [
            local_start(h.at, moments[k.name], tz).label(k.name) if k.name in moments else k for k in keys
        ]
    if by_owner:
        keys.insert(0, owner.label("owner"))
    where = [h.at >= start, h.at < end, h.stay_tenths.is_not(None)]
    where.append(figures_within(viewer, owner) if personal else h.from_stage_id.in_(list(stage_of)))
    if manager_id is not None:
        where.append(owner == manager_id)
    if any(x in (Slice.MANAGER, Slice.REGION) for x in grouped_by):
        tables = tables.outerjoin(users, users.c.id == owner)
    grouped_names = [k.name for k in keys]
    if by_owner and session.get_bind().dialect.name != "sqlite":
        # per manager the lengths barely repeat: the server sorts each group's stays instead
        query = _ordered_set(tables, where, keys)
    else:
        # a histogram (how many stays of each length) per stage and slice, and the nearest-rank
        # percentiles read off it in SQL, exactly as ranking every stay would give them
        histogram = (
            select(
                h.from_stage_id.label("stage_id"), *keys, h.stay_tenths.label("stay"), func.count().label("n")
            )
            .select_from(tables)
            .where(*where)
            .group_by(*by_position([h.from_stage_id, *keys, h.stay_tenths]))
        )
        query = _percentiles(histogram, grouped_names)
    people = _people(session, viewer) if by_owner else {}
    for row in session.execute(query):
        values = tuple(row)
        known = dict(zip(grouped_names, values[1:-3], strict=True))
        for name in moments:
            if isinstance(known[name], datetime):
                known[name] = f"{known[name]:%Y-%m-%d}"  # as ``bucket_label`` names it
        if "owner" in known:
            known.update(people.get(known["owner"], NOBODY))
        n, median, p90 = values[-3:]
        yield values[0], known, (int(n), int(median), int(p90))


def _percentiles(histogram: Select[Any], names: Sequence[str]) -> Select[Any]:
    """Per stage and slice: the stays, and the lengths at ranks (n+1)//2 and (9n+9)//10 of the
    sorted stays: the shortest length whose running count reaches the rank (2 x running >= n,
    10 x running >= 9n: the same ranks without a division, which the two databases do apart)."""
    hist = histogram.subquery("histogram")
    group = [hist.c.stage_id, *(hist.c[n] for n in names)]
    running = (
        select(
            *group,
            hist.c.stay,
            func.sum(hist.c.n).over(partition_by=group, order_by=hist.c.stay).label("running"),
            func.sum(hist.c.n).over(partition_by=group).label("total"),
        )
    ).subquery("running")
    r = running.c
    kept = [r.stage_id, *(r[n] for n in names)]
    return select(
        *kept,
        func.max(r.total),
        func.min(case((r.running * 2 >= r.total, r.stay))),
        func.min(case((r.running * 10 >= r.total * 9, r.stay))),
    ).group_by(*by_position(kept))


def _ordered_set(
    tables: FromClause, where: Sequence[ColumnElement[bool]], keys: Sequence[Label[Any]]
) -> Select[Any]:
    """PostgreSQL, per manager: per stage and slice, the stays and their nearest-rank median and
    90th percentile as its ordered-set aggregate has them (``percentile_disc``: the first stay
    whose rank reaches p x n, the same ranks as ``_percentiles``), each group's stays sorted
    apart; a histogram per person is nearly as long as the stays, and its window over a year's
    groups was sorted on disk (0.8 s of the server's CPU, 0.55 s this way)."""
    h = deal_stage_changes.c
    # grouped by the person first, the stage next: ix_deal_stage_changes_owner_stays in order,
    # where the stage first had PostgreSQL sort a year's stays on disk (0.2 s against 0.6 s)
    positions = by_position([h.from_stage_id, *keys])
    return (
        select(
            h.from_stage_id.label("stage_id"),
            *keys,
            func.count(),
            func.percentile_disc(0.5).within_group(h.stay_tenths),
            func.percentile_disc(0.9).within_group(h.stay_tenths),
        )
        .select_from(tables)
        .where(*where)
        .group_by(*positions[1:], positions[0])
    )


def _people(session: Session, viewer: Viewer) -> dict[int | None, dict[str, Any]]:
    """The people whose figures the viewer may see, with the slices they fill in (and nobody's,
    for an admin: the deals without an owner are a line of their own)."""
    u = users.c
    people: dict[int | None, dict[str, Any]] = {
        int(i): {"manager": login, "manager_name": name, "region": region}
        for i, login, name, region in session.execute(
            select(u.id, u.login, u.full_name, u.region).where(figures_within(viewer, u.id)).order_by(u.id)
        )
    }
    if sees_everyones_figures(viewer):
        people[None] = dict(NOBODY)
    return people


def _stages(session: Session, pipeline_id: int | None) -> dict[int, tuple[str, str, int]]:
    """Each stage's pipeline, name and position (of one pipeline, or all)."""
    s = stages.c
    query = select(s.id, pipelines.c.name, s.name, s.position).join(
        pipelines, pipelines.c.id == s.pipeline_id
    )
    if pipeline_id is not None:
        query = query.where(s.pipeline_id == pipeline_id)
    return {int(i): (str(p), str(n), int(pos)) for i, p, n, pos in session.execute(query)}


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
