"""The funnel and forecast reports: for the funnel screen's report view and `crm report`.

Counts, sums and reach are SQL aggregates over the deals the viewer may see; only the medians
of time in stage are taken in Python (SQLite has no percentile function), from one windowed
read of the stage history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, case, cast, func, literal, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, scope_for
from crm_tui.domain.access.visibility import visible_deals
from crm_tui.domain.deals.pipelines import stages_of
from crm_tui.storage.models import DealStatus, deal_stage_changes, deals, pipelines, stages, users
from crm_tui.storage.sql_time import days_between


@dataclass(frozen=True)
class ReportScope:
    pipeline_id: int
    date_from: date | None = None
    date_to: date | None = None
    """Deals created from ``date_from`` up to and including ``date_to`` (the team's days)."""
    owner_id: int | None = None


@dataclass
class StageLine:
    stage_id: int
    name: str
    is_won: bool
    is_lost: bool
    deals: int = 0
    amount: int = 0
    reached: int = 0
    conversion: float | None = None
    """Share of the deals that reached this stage and reached the next one too."""
    median_days: float | None = None


@dataclass
class FunnelReport:
    pipeline: str
    stages: list[StageLine]
    lost_reasons: list[tuple[str, int, int]] = field(default_factory=list)
    """(reason, deals, amount)"""

    def as_json(self) -> dict[str, Any]:
        return {
            "pipeline": self.pipeline,
            "stages": [s.__dict__ for s in self.stages],
            "lost_reasons": [{"reason": r, "deals": n, "amount": a} for r, n, a in self.lost_reasons],
        }


def _scope(viewer: Viewer, scope: ReportScope, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    d = deals.c
    conditions = [visible_deals(viewer), d.pipeline_id == scope.pipeline_id]
    if scope.owner_id is not None:
        conditions.append(d.owner_id == scope.owner_id)
    if scope.date_from is not None:
        conditions.append(d.created_at >= datetime.combine(scope.date_from, time.min, tzinfo=tz))
    if scope.date_to is not None:
        conditions.append(
            d.created_at < datetime.combine(scope.date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    return conditions


def funnel_report(
    session: Session, viewer: Viewer, scope: ReportScope, now: datetime, tz: ZoneInfo
) -> FunnelReport:
    d, s = deals.c, stages.c
    where = _scope(viewer, scope, tz)
    lines = [StageLine(x.id, x.name, x.is_won, x.is_lost) for x in stages_of(session, scope.pipeline_id)]
    by_id = {line.stage_id: line for line in lines}
    positions = {x.id: x.position for x in stages_of(session, scope.pipeline_id)}
    for stage_id, n, amount in session.execute(
        select(d.stage_id, func.count(), func.coalesce(func.sum(d.amount), 0))
        .where(*where)
        .group_by(d.stage_id)
    ):
        by_id[stage_id].deals, by_id[stage_id].amount = int(n), int(amount)

    # How far each deal got: its furthest open or won stage (a lost deal: where it was lost from).
    furthest = d.furthest_position
    reach_pos = case(
        (s.is_lost.is_(True), furthest), (s.position > furthest, s.position), else_=furthest
    ).label("pos")
    reach_counts: dict[Any, int] = dict(
        session.execute(
            select(reach_pos, func.count())
            .select_from(deals.join(stages, s.id == d.stage_id))
            .where(*where)
            .group_by(reach_pos)
        ).all()
    )
    for line in lines:
        if line.is_lost:
            line.reached = line.deals
            continue
        position = positions[line.stage_id]
        line.reached = sum(int(n) for pos, n in reach_counts.items() if pos is not None and pos >= position)
    ordered = [line for line in lines if not line.is_lost]
    for current, following in pairwise(ordered):
        current.conversion = round(following.reached / current.reached, 4) if current.reached else None
    whole = (
        scope_for(viewer, Capability.SEE_DEALS) is Scope.ALL
        and scope.owner_id is None
        and scope.date_from is None
        and scope.date_to is None
    )
    medians = _median_days(session, where, now, whole, scope.pipeline_id)
    for line in lines:
        if line.stage_id in medians and not (line.is_won or line.is_lost):
            line.median_days = round(medians[line.stage_id], 1)

    reasons = [
        (str(reason or "—"), int(n), int(amount))
        for reason, n, amount in session.execute(
            select(d.lost_reason, func.count(), func.coalesce(func.sum(d.amount), 0))
            .where(*where, d.status == DealStatus.LOST.value)
            .group_by(d.lost_reason)
            .order_by(func.count().desc(), d.lost_reason)
        )
    ]
    name = session.scalar(select(pipelines.c.name).where(pipelines.c.id == scope.pipeline_id)) or ""
    return FunnelReport(str(name), lines, reasons)


TENTHS = 10
"""Stays are counted in tenths of a day: the median is read off that histogram, exact to the
0.1 day the report shows, without sorting a million stays (SQLite has no percentile)."""


def _median_days(
    session: Session, where: list[ColumnElement[bool]], now: datetime, whole_pipeline: bool, pipeline_id: int
) -> dict[int, float]:
    """Median days in each stage: every finished stay (``stay_tenths`` of the history row that
    ended it) and every open deal's current stay. For the whole pipeline the finished stays
    are one ordered walk of ``ix_deal_stage_changes_stays``; a narrower scope adds its deals."""
    d, h = deals.c, deal_stage_changes.c
    dialect = session.get_bind().dialect
    finished = select(h.from_stage_id.label("stage_id"), h.stay_tenths.label("bucket")).where(
        h.from_stage_id.in_(select(stages.c.id).where(stages.c.pipeline_id == pipeline_id)),
        h.stay_tenths.is_not(None),
    )
    if not whole_pipeline:
        finished = finished.where(h.deal_id.in_(select(d.id).where(*where)))
    current_days = days_between(dialect, literal(now, d.stage_entered_at.type), d.stage_entered_at)
    current = select(
        d.stage_id.label("stage_id"), cast(current_days * TENTHS, Integer).label("bucket")
    ).where(*where, d.status == DealStatus.OPEN.value)
    histogram: dict[int, dict[int, int]] = {}
    for part in (finished, current):
        grouped = part.subquery()
        for stage_id, bucket, n in session.execute(
            select(grouped.c.stage_id, grouped.c.bucket, func.count()).group_by(
                grouped.c.stage_id, grouped.c.bucket
            )
        ):
            counts = histogram.setdefault(int(stage_id), {})
            counts[int(bucket)] = counts.get(int(bucket), 0) + int(n)
    return {stage_id: _median_of(sorted(counts.items())) / TENTHS for stage_id, counts in histogram.items()}


def _median_of(buckets: list[tuple[int, int]]) -> float:
    """The median of a sorted histogram ``[(value, count), ...]``."""
    total = sum(n for _, n in buckets)
    wanted = [(total - 1) // 2, total // 2]  # 0-based ranks of the middle one or two
    found: list[int] = []
    seen = 0
    for value, n in buckets:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return sum(found) / len(found)


@dataclass(frozen=True)
class ForecastLine:
    month: str
    """``YYYY-MM`` of the expected close, or ``none`` when nobody set it."""
    manager: str
    deals: int
    amount: int
    weighted: int
    """Kopecks: the sum of amount x probability / 100, rounded half up once per line (not per
    deal), so the lines add up to the pipeline's weighted total within a kopeck each."""


def forecast_total(lines: Sequence[ForecastLine]) -> ForecastLine:
    """The forecast's total row: its deals, amount and weighted amount summed (``month`` and
    ``manager`` empty), one sum for the screen and the command alike."""
    return ForecastLine(
        month="",
        manager="",
        deals=sum(line.deals for line in lines),
        amount=sum(line.amount for line in lines),
        weighted=sum(line.weighted for line in lines),
    )


def weighted_kopecks(amount_times_probability: int) -> int:
    """``sum(amount * probability)`` (kopeck-percent) to kopecks, half up."""
    return (amount_times_probability + 50) // 100


def _month(session: Session, column: ColumnElement[Any]) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def forecast_report(session: Session, viewer: Viewer, pipeline_id: int | None = None) -> list[ForecastLine]:
    d, s = deals.c, stages.c
    month = func.coalesce(_month(session, d.expected_close), literal("none"))
    query = (
        select(
            month.label("month"),
            func.coalesce(users.c.full_name, literal("—")).label("manager"),
            func.count(),
            func.coalesce(func.sum(d.amount), 0),
            func.coalesce(func.sum(d.amount * s.probability), 0),
        )
        .select_from(deals.join(stages, s.id == d.stage_id).outerjoin(users, users.c.id == d.owner_id))
        .where(visible_deals(viewer), d.status == DealStatus.OPEN.value)
        .group_by(month, users.c.full_name)
        .order_by(month, users.c.full_name)
    )
    if pipeline_id is not None:
        query = query.where(d.pipeline_id == pipeline_id)
    return [
        ForecastLine(str(m), str(manager), int(n), int(amount), weighted_kopecks(int(product)))
        for m, manager, n, amount, product in session.execute(query)
    ]
