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

from sqlalchemy import ColumnElement, FromClause, Integer, Label, Select, bindparam, case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import figures_within, sees_everyones_figures
from crm_tui.domain.deals.stuck import stuck_condition
from crm_tui.domain.reports.calls import BY_PIECES
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
    h = deal_stage_changes.c
    # whose a stay is: the deal's owner now, copied onto its history (migration 0025's triggers)
    owner = h.owner_id
    by = [x for x in by if x not in (Slice.PIPELINE, Slice.STAGE)]
    keyed = [Slice.PIPELINE, Slice.STAGE, *by]
    start, end = period.bounds(tz)
    stage_of = _stages(session, pipeline_id)
    # Whose stays they are matters only for a narrower scope or a slice by person: everyone's
    # stays per stage are a walk along ix_deal_stage_changes_stage_stay_at; a person's, along
    # ix_deal_stage_changes_owner_stays (the deals are never read: joining them to group a year's
    # stays by owner cost SQLite a sort of them all).
    personal = (
        not sees_everyones_figures(viewer)
        or manager_id is not None
        or any(x in (Slice.MANAGER, Slice.REGION) for x in by)
    )
    sqlite = session.get_bind().dialect.name == "sqlite"
    tables: FromClause = deal_stage_changes
    pieces = _by_person(session, by, manager_id)
    # per manager, the stays are grouped by whose they are (a number, not names and regions:
    # PostgreSQL sorted a year's stays by the names on disk); the person's slices are filled in
    by_owner = Slice.MANAGER in by
    grouped_by = [x for x in by if not (by_owner and x in (Slice.MANAGER, Slice.REGION))]
    keys = slice_keys(session, Source(tables, owner, h.at), grouped_by, period, tz)
    if by_owner and not pieces:
        keys.insert(0, owner.label("owner"))
    where = [h.at >= start, h.at < end, h.stay_tenths.is_not(None)]
    if personal:
        # the stages are left to the rows' reading: named here, SQLite would walk every stay
        # by stage instead of the people's own
        where.append(figures_within(viewer, owner))
    else:
        where.append(h.from_stage_id.in_(list(stage_of)))
    if manager_id is not None:
        where.append(owner == manager_id)
    if any(x in (Slice.MANAGER, Slice.REGION) for x in grouped_by):
        tables = tables.outerjoin(users, users.c.id == owner)
    grouped_names = [k.name for k in keys]
    if pieces:
        where.append(owner.is_not_distinct_from(bindparam("piece_person", type_=Integer)))
    if sqlite or not by_owner:
        # A histogram (how many stays of each length) per stage and slice, and the nearest-rank
        # percentiles read off it in SQL, exactly as ranking every stay would give them: a
        # stage's thousand lengths for tens of thousands of stays (per person the lengths barely
        # repeat, and PostgreSQL sorts the stays per group instead, ``_ordered_set``).
        histogram = (
            select(
                h.from_stage_id.label("stage_id"), *keys, h.stay_tenths.label("stay"), func.count().label("n")
            )
            .select_from(tables)
            .where(*where)
            .group_by(*by_position([h.from_stage_id, *keys, h.stay_tenths]))
        )
        query = _percentiles(histogram, grouped_names)
    else:
        query = _ordered_set(tables, where, keys)
    names = [c.key for c in slice_columns(by)]
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    people = _people(session, viewer) if by_owner else {}
    for values, person in _percentile_rows(session, query, people, pieces):
        stage_id, (n, median, p90) = values[0], values[-3:]
        known = {**person, **dict(zip(grouped_names, values[1:-3], strict=True))}
        if "owner" in known:
            known.update(people.get(known["owner"], NOBODY))
        slices = tuple(known[name] for name in names)
        if stage_id not in stage_of:
            continue
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


def _by_person(session: Session, by: Sequence[Slice], manager_id: int | None) -> bool:
    """Per manager on SQLite, the stays are read one person at a time (a range of
    ix_deal_stage_changes_owner_stays each, their histogram's windows over a few thousand rows:
    sorting a year's 640,000 stays at once by person, stage and length took seconds). A person's
    rows are their own groups, so the pieces together are the whole."""
    return session.get_bind().dialect.name in BY_PIECES and Slice.MANAGER in by and manager_id is None


NOBODY = {"manager": None, "manager_name": None, "region": None}


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
        people[None] = NOBODY
    return people


def _percentile_rows(
    session: Session, query: Select[Any], people: dict[int | None, dict[str, Any]], pieces: bool
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The rows, each with the person's slices when read by person (else nothing)."""
    if not pieces:
        for row in session.execute(query):
            yield tuple(row), {}
        return
    for someone, person in people.items():
        for row in session.execute(query, {"piece_person": someone}):
            yield tuple(row), person


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
