"""Time in stage on SQLite: histograms of the stays read off an index in its order, and the
nearest-rank percentiles read off them here.

SQLite has no ordered-set aggregates, and its window functions over the histograms (a running
sum per group) cost more than the reading itself: some 400 ms a year per manager on the large
demo base. Here each histogram comes out of the database already in its group's order (the
index's, or a small sort per day, week or month), and the percentiles are found by bisecting its
running counts, so Python touches each group, not each stay. Grouping by something the index
does not hold in order (a region, a head's people together) merges the histograms here, a few
tens of thousands of rows, instead of having SQLite sort a year's stays by it.

Which index: the stays per stage (``ix_deal_stage_changes_stage_stay_at``) for everyone's figures
by stage; each owner's (``ix_deal_stage_changes_owner_stays``) for a person's, a head's or per
manager or region; the stays by moment (``ix_deal_stage_changes_at_stays``, migration 0028) for
a day, week or month, a range of it each. PostgreSQL works its percentiles out itself
(``stage_times``): read by pieces there, a year by day was 365 round trips, slower than its one
grouping (5.6-10 s against 1.9 s at load 12).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate, groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from crm_tui.domain.reports.period import Period, local_bucket, local_buckets
from crm_tui.domain.reports.table import TIME_SLICES, Slice, by_position
from crm_tui.storage.models import deal_stage_changes

Person = Mapping[str, Any]
"""A person's slices: manager, manager_name, region."""
NOBODY: Person = {"manager": None, "manager_name": None, "region": None}
"""The slices of the stays of deals without an owner (an admin's line of their own)."""
Figures = tuple[int, int, int]
"""A group's stays, and its median and 90th percentile, in tenths of a day."""


def percentiles(stays: Sequence[int], counts: Sequence[int]) -> Figures:
    """Nearest rank (the stay at rank ceil(p x n) of the sorted stays) from a histogram: the
    distinct lengths in order and how many stays had each."""
    running = list(accumulate(counts))
    n = running[-1]
    median = stays[bisect_left(running, (n + 1) // 2)]
    p90 = stays[bisect_left(running, (9 * n + 9) // 10)]
    return n, median, p90


def stay_groups(
    session: Session,
    by: Sequence[Slice],
    period: Period,
    tz: ZoneInfo,
    people: Mapping[int | None, Person],
    *,
    everyone: bool,
    stage_ids: Sequence[int],
) -> Iterator[tuple[int, dict[str, Any], Figures]]:
    """Per stage and group of ``by`` (a person, a region, a day, week or month: no pipeline or
    stage), the figures of the stays that ended in ``period``: (stage id, the slices' values by
    their `--json` keys, figures). ``people``: whose stays count, with their slices; ``everyone``:
    all stays, nobody's too (an admin's figures, not narrowed)."""
    times = [s for s in by if s in TIME_SLICES]
    personal = [s for s in by if s in (Slice.MANAGER, Slice.REGION)]
    h = deal_stage_changes.c
    where: list[ColumnElement[bool]] = [h.stay_tenths.is_not(None)]
    start, end = period.bounds(tz)
    # the period tested inside the index walked, not looked up: a year's range of
    # ix_deal_stage_changes_at_stays would have SQLite sort a year's stays
    moment = _beside_the_index(h.at)
    if times and not everyone and len(people) == 1:
        # one person's stays by day, week or month: their range of
        # ix_deal_stage_changes_owner_stays, each stay's day worked out and sorted (a few
        # thousand, 40-50 ms; the pieces below read everyone's 640,000 to keep theirs, 120-300 ms).
        # A region's 80,000 are the other way round (0.7-0.8 s of CPU this way, 0.4-0.55 s by pieces).
        dialect = session.get_bind().dialect
        days = [local_bucket(dialect, h.at, TIME_SLICES[s], tz, period) for s in times]
        where += [moment >= start, moment < end, h.owner_id.in_([p for p in people if p is not None])]
        rows = session.execute(_histogram([*days, h.from_stage_id, h.owner_id], where)).all()
        n = len(times)
        for found, batch in groupby(rows, lambda row: tuple(row[:n])):
            named = dict(zip((s.value for s in times), found, strict=True))
            for stage_id, values, figures in _groups(
                [row[n:] for row in batch], personal, people, owner_at=1
            ):
                yield stage_id, {**named, **values}, figures
        return
    if times:
        # everyone's or a region's: a range of ix_deal_stage_changes_at_stays per piece, the owner
        # tested inside the index, as an expression (on the column, SQLite read each person's
        # whole range for every piece)
        owner: ColumnElement[Any] = func.coalesce(h.owner_id, 0)
        if not everyone:
            where.append(owner.in_([0 if p is None else p for p in people]))
        where += [
            h.at >= bindparam("piece_start", type_=h.at.type),
            h.at < bindparam("piece_end", type_=h.at.type),
        ]
        # the stage as an expression: SQLite would otherwise skip along the stages' index, whose
        # order the grouping has, seeking the piece's range once per stage and length
        query = _histogram([h.from_stage_id + 0, *([owner] if personal else [])], where)
        for bucket in local_buckets([TIME_SLICES[s] for s in times], tz, period):
            labels = dict(zip((s.value for s in times), bucket.labels, strict=True))
            rows = session.execute(query, {"piece_start": bucket.start, "piece_end": bucket.end}).all()
            for stage_id, values, figures in _groups(
                rows, personal, people, owner_at=1 if personal else None
            ):
                yield stage_id, {**labels, **values}, figures
        return
    if everyone and not personal:
        # everyone's per stage: a walk along ix_deal_stage_changes_stage_stay_at, in order, the
        # period a range of each length's stays (tested row by row, 0.15 s became 0.22 s)
        period_of = [h.at >= start, h.at < end, h.from_stage_id.in_(stage_ids)]
        query = _histogram([h.from_stage_id], [*where, *period_of])
        yield from _groups(session.execute(query).all(), [], people, owner_at=None)
        return
    where += [moment >= start, moment < end]
    # a person's, a head's, per manager or region: ix_deal_stage_changes_owner_stays in order
    if not everyone:
        where.append(h.owner_id.in_([p for p in people if p is not None]))
    rows = session.execute(_histogram([h.owner_id, h.from_stage_id], where)).all()
    yield from _groups(rows, personal, people, owner_at=0, stage_at=1)


def _beside_the_index(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The same moment (``at || ''``: SQLite keeps it as text), which SQLite will not look up in
    an index: the condition is then tested on the rows of the index the grouping chose."""
    return type_coerce(column.op("||")(literal_column("''")), column.type)


def _histogram(keys: Sequence[ColumnElement[Any]], where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """How many stays of each length per ``keys``, in the keys' order then the length's."""
    positions = by_position([*keys, deal_stage_changes.c.stay_tenths])
    return (
        select(*keys, deal_stage_changes.c.stay_tenths, func.count())
        .where(*where)
        .group_by(*positions)
        .order_by(*positions)
    )


def _groups(
    rows: Sequence[Any],
    personal: Sequence[Slice],
    people: Mapping[int | None, Person],
    *,
    owner_at: int | None,
    stage_at: int = 0,
) -> Iterator[tuple[int, dict[str, Any], Figures]]:
    """The figures per stage and group of histogram rows (keys, length, count) in their keys'
    order. Per person, a group is a run of rows; by region, or for several people together,
    their histograms are merged first."""
    stays, counts = itemgetter(-2), itemgetter(-1)
    if Slice.MANAGER in personal or owner_at is None:
        key = itemgetter(stage_at) if owner_at is None else itemgetter(stage_at, owner_at)
        for found, run in groupby(rows, key):
            group = list(run)
            stage_id, values = (found, {}) if owner_at is None else (found[0], _person(people, found[1]))
            yield stage_id, values, percentiles(list(map(stays, group)), list(map(counts, group)))
        return
    merged: dict[tuple[int, Any], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_region = Slice.REGION in personal
    for row in rows:
        region = _person(people, row[owner_at])["region"] if by_region else None
        merged[(row[stage_at], region)][row[-2]] += row[-1]
    for (stage_id, region), histogram in merged.items():
        lengths = sorted(histogram)
        values = {"region": region} if by_region else {}
        yield stage_id, values, percentiles(lengths, [histogram[n] for n in lengths])


def _person(people: Mapping[int | None, Person], owner: int | None) -> dict[str, Any]:
    """The person's slices; an owner written 0 (``coalesce``) is nobody."""
    return dict(people.get(owner or None, NOBODY))
