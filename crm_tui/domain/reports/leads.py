"""Lead analysis (seed 004): how many requests came, how many were repeat, in work, converted,
junk; the conversion, how fast and how often on time they were answered; by source, channel,
manager, region, day or week, each group beside the team.

Seed 004 grades conversion: 2-5% is average, 6-9% above average, over 10% good (``band``).
Conversion counts new requests (a repeat request is a client already) that became clients.
One read of the period's requests the viewer may see, along ``ix_leads_received``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import visible_leads
from crm_tui.storage.models import LeadStatus, lead_sources, leads, users
from crm_tui.storage.sql_time import days_between

GROUPINGS = ("source", "channel", "manager", "region", "day", "week")
_CONVERTED, _IN_WORK, _JUNK = LeadStatus.CONVERTED.value, LeadStatus.IN_WORK.value, LeadStatus.JUNK.value


def band(conversion: float | None) -> str | None:
    """Seed 004's grade of a conversion share: ``below`` under 2%, ``average`` to 6%, ``above``
    to 10%, ``good`` from 10%."""
    if conversion is None:
        return None
    percent = conversion * 100
    if percent < 2:
        return "below"
    if percent < 6:
        return "average"
    if percent < 10:
        return "above"
    return "good"


@dataclass
class LeadFigures:
    key: str
    new: int = 0
    repeat: int = 0
    in_work: int = 0
    converted: int = 0
    junk: int = 0
    answered_on_time: int = 0
    with_deadline: int = 0
    response_minutes: list[float] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.repeat

    @property
    def conversion(self) -> float | None:
        return self.converted / self.new if self.new else None

    @property
    def median_response(self) -> float | None:
        return median(self.response_minutes) if self.response_minutes else None

    @property
    def on_time(self) -> float | None:
        return self.answered_on_time / self.with_deadline if self.with_deadline else None

    def as_json(self) -> dict[str, Any]:
        conversion = self.conversion
        return {
            "key": self.key,
            "requests": self.total,
            "new": self.new,
            "repeat": self.repeat,
            "in_work": self.in_work,
            "converted": self.converted,
            "junk": self.junk,
            "conversion": round(conversion * 100, 1) if conversion is not None else None,
            "band": band(conversion),
            "median_response_minutes": round(self.median_response, 1)
            if self.median_response is not None
            else None,
            "on_time": round(self.on_time * 100, 1) if self.on_time is not None else None,
        }


@dataclass(frozen=True)
class LeadReport:
    date_from: date
    date_to: date
    by: str | None
    team: LeadFigures
    groups: list[LeadFigures]

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "by": self.by,
            "team": self.team.as_json(),
            "groups": [g.as_json() for g in self.groups],
        }


def _count(
    figures: LeadFigures, repeat: object, status: str, minutes: float | None, counted: int, on_time: int
) -> None:
    if repeat:
        figures.repeat += 1
    else:
        figures.new += 1
        if status == _CONVERTED:
            figures.converted += 1
    if status == _IN_WORK:
        figures.in_work += 1
    elif status == _JUNK:
        figures.junk += 1
    if minutes is not None:
        figures.response_minutes.append(float(minutes))
    figures.with_deadline += counted
    figures.answered_on_time += on_time


def _group_column(by: str | None) -> ColumnElement[Any]:
    ld = leads.c
    if by == "source":
        return func.coalesce(lead_sources.c.name, ld.utm_source)
    if by == "channel":
        return ld.channel
    if by == "manager":
        return users.c.full_name
    if by == "region":
        return ld.region
    return ld.received_at


def _key(value: object, by: str | None, tz: ZoneInfo) -> str:
    if by in ("day", "week") and isinstance(value, datetime):
        local = value.astimezone(tz).date()
        if by == "week":
            return (local - timedelta(days=local.weekday())).isoformat()
        return local.isoformat()
    return str(value) if value is not None else "—"


def lead_report(
    session: Session,
    viewer: Viewer,
    date_from: date,
    date_to: date,
    *,
    by: str | None,
    now: datetime,
    tz: ZoneInfo,
) -> LeadReport:
    """The period's figures for the team and per group (``by`` one of ``GROUPINGS``).

    The minutes to the first answer and whether it came in time are worked out by the database,
    so a year of requests comes back as plain numbers, not as timestamps to convert."""
    require(viewer, Capability.SEE_LEADS)
    start = datetime.combine(date_from, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    ld = leads.c
    dialect = session.get_bind().dialect
    answered = ld.first_response_at.is_not(None)
    counted_by_now = (
        ld.answer_due_at.is_not(None) & (ld.status != _JUNK) & (answered | (ld.answer_due_at < now))
    )
    in_time = (
        answered
        & ld.answer_due_at.is_not(None)
        & (ld.status != _JUNK)
        & (ld.first_response_at <= ld.answer_due_at)
    )
    minutes = case(
        (answered, days_between(dialect, ld.first_response_at, ld.received_at) * 1440.0), else_=None
    )
    joined = leads.outerjoin(lead_sources, lead_sources.c.id == ld.source_id)
    if by == "manager":
        joined = joined.outerjoin(users, users.c.id == ld.owner_id)
    query = (
        select(
            ld.repeat, ld.status, minutes, case((counted_by_now, 1), else_=0), case((in_time, 1), else_=0),
            _group_column(by) if by is not None else ld.id,
        )
        .select_from(joined)
        .where(ld.received_at >= start, ld.received_at < end, visible_leads(viewer))
    )  # fmt: skip
    team = LeadFigures("team")
    groups: dict[str, LeadFigures] = {}
    for repeat, status, taken, counted, on_time, group in session.execute(query).tuples():
        _count(team, repeat, status, taken, counted, on_time)
        if by is not None:
            key = _key(group, by, tz)
            figures = groups.get(key)
            if figures is None:
                figures = groups[key] = LeadFigures(key)
            _count(figures, repeat, status, taken, counted, on_time)
    ordered = sorted(groups.values(), key=lambda g: g.key if by in ("day", "week") else (-g.total, g.key))
    return LeadReport(date_from, date_to, by, team, ordered)
