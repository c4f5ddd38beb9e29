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

from sqlalchemy import select
from sqlmodel import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import visible_leads
from crm_tui.storage.models import LeadStatus, lead_sources, leads, users

GROUPINGS = ("source", "channel", "manager", "region", "day", "week")


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


def _count(figures: LeadFigures, row: Any, now: datetime) -> None:
    if row.repeat:
        figures.repeat += 1
    else:
        figures.new += 1
        if row.status == LeadStatus.CONVERTED.value:
            figures.converted += 1
    if row.status == LeadStatus.IN_WORK.value:
        figures.in_work += 1
    elif row.status == LeadStatus.JUNK.value:
        figures.junk += 1
    if row.first_response_at is not None:
        figures.response_minutes.append((row.first_response_at - row.received_at).total_seconds() / 60)
    if row.answer_due_at is not None and row.status != LeadStatus.JUNK.value:
        answered = row.first_response_at
        if answered is not None or row.answer_due_at < now:
            figures.with_deadline += 1
            if answered is not None and answered <= row.answer_due_at:
                figures.answered_on_time += 1


def _key(row: Any, by: str | None, tz: ZoneInfo) -> str:
    if by == "source":
        return str(row.source or row.utm_source or "—")
    if by == "channel":
        return str(row.channel)
    if by == "manager":
        return str(row.owner or "—")
    if by == "region":
        return str(row.region or "—")
    local: date = row.received_at.astimezone(tz).date()
    if by == "week":
        return (local - timedelta(days=local.weekday())).isoformat()
    return local.isoformat()


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
    """The period's figures for the team and per group (``by`` one of ``GROUPINGS``)."""
    require(viewer, Capability.SEE_LEADS)
    start = datetime.combine(date_from, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    ld = leads.c
    rows = session.execute(
        select(
            ld.received_at, ld.repeat, ld.status, ld.channel, ld.region, ld.utm_source, ld.first_response_at,
            ld.answer_due_at, lead_sources.c.name.label("source"), users.c.full_name.label("owner"),
        )
        .select_from(
            leads.outerjoin(lead_sources, lead_sources.c.id == ld.source_id).outerjoin(
                users, users.c.id == ld.owner_id
            )
        )
        .where(ld.received_at >= start, ld.received_at < end, visible_leads(viewer))
    )  # fmt: skip
    team = LeadFigures("team")
    groups: dict[str, LeadFigures] = {}
    for row in rows:
        _count(team, row, now)
        if by is not None:
            key = _key(row, by, tz)
            _count(groups.setdefault(key, LeadFigures(key)), row, now)
    ordered = sorted(groups.values(), key=lambda g: g.key if by in ("day", "week") else (-g.total, g.key))
    return LeadReport(date_from, date_to, by, team, ordered)
