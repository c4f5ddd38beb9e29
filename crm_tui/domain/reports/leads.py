"""Lead analysis (seed 004): how many requests came, how many were repeat, in work, converted,
junk; the conversion, how fast and how often on time they were answered; by source, channel,
manager, region, day or week, each group beside the team.

Seed 004 grades conversion: 2-5% is average, 6-9% above average, over 10% good (``band``).
Conversion counts new requests (a repeat request is a client already) that became clients.
The database counts each group's figures and the middle of its minutes to the first answer;
the team's figures are the groups' sums, its median a query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Float, Select, case, func, literal, literal_column, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import visible_leads
from crm_tui.domain.captions import LEAD_CHANNEL_NAMES
from crm_tui.domain.leads.setup import source_label
from crm_tui.domain.reports.period import Grain, Period, local_bucket
from crm_tui.i18n import N_
from crm_tui.storage.models import LeadStatus, lead_sources, leads, users
from crm_tui.storage.sql_time import days_between

GROUPINGS = ("source", "channel", "manager", "region", "day", "week")
BAND_NAMES = {
    "below": N_("below average"),
    "average": N_("average"),
    "above": N_("above average"),
    "good": N_("good"),
}
"""``band``'s grades as a person reads them (msgids)."""
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
    median_minutes: float | None = None
    """The median of the minutes to the first answer of the answered requests."""

    @property
    def total(self) -> int:
        return self.new + self.repeat

    @property
    def conversion(self) -> float | None:
        return self.converted / self.new if self.new else None

    @property
    def median_response(self) -> float | None:
        return self.median_minutes

    @property
    def on_time(self) -> float | None:
        return self.answered_on_time / self.with_deadline if self.with_deadline else None

    def as_json(self) -> dict[str, Any]:
        """The figures as every report's ``--json`` has them: shares 0..1 (conversion, on time;
        the workbook's and the CSV's too), minutes with one decimal."""
        conversion = self.conversion
        return {
            "key": self.key,
            "requests": self.total,
            "new": self.new,
            "repeat": self.repeat,
            "in_work": self.in_work,
            "converted": self.converted,
            "junk": self.junk,
            "conversion": round(conversion, 4) if conversion is not None else None,
            "band": band(conversion),
            "median_response_minutes": round(self.median_response, 1)
            if self.median_response is not None
            else None,
            "on_time": round(self.on_time, 4) if self.on_time is not None else None,
        }


@dataclass(frozen=True)
class LeadReport:
    date_from: date
    date_to: date
    by: str | None
    team: LeadFigures
    groups: list[LeadFigures]

    def label(self, group: LeadFigures) -> str:
        """How a group's key reads to a person: a channel by its caption ("web form"), a source
        as every screen names one (``source_label``), the others (a manager's, a region's
        name, a day) as they are."""
        if self.by == "channel":
            return LEAD_CHANNEL_NAMES.caption(group.key)
        if self.by == "source":
            return source_label(group.key)
        return group.key

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "by": self.by,
            "team": self.team.as_json(),
            "groups": [g.as_json() for g in self.groups],
        }


def _group_column(by: str, dialect: Dialect, tz: ZoneInfo, period: Period) -> ColumnElement[Any]:
    ld = leads.c
    if by in ("day", "week"):
        return local_bucket(dialect, ld.received_at, Grain(by), tz, period)
    if by == "source":  # the source the intake found; an utm_source it did not know is none
        return lead_sources.c.name
    if by == "channel":
        return ld.channel
    if by == "manager":
        return users.c.full_name
    return ld.region


def _key(value: object) -> str:
    return str(value) if value is not None else "—"


def _counted(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _medians(session: Session, answers: Select[Any, Any]) -> tuple[float | None, dict[str, float]]:
    """The median of ``answers``' minutes for all of them and per group: the minutes travel as
    bare numbers (ranking them in SQL took longer than sorting them here)."""
    found: dict[str, list[float]] = {}
    every: list[float] = []
    for group, value in session.execute(answers):
        found.setdefault(_key(group), []).append(value)
        every.append(value)
    return (median(every) if every else None), {key: median(values) for key, values in found.items()}


def lead_report(
    session: Session,
    viewer: Viewer,
    date_from: date,
    date_to: date,
    *,
    by: str | None,
    now: datetime,
    tz: ZoneInfo,
    region: str | None = None,
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
    minutes = days_between(dialect, ld.first_response_at, ld.received_at) * 1440.0
    joined = leads.outerjoin(lead_sources, lead_sources.c.id == ld.source_id)
    if by == "manager":
        joined = joined.outerjoin(users, users.c.id == ld.owner_id)
    where: tuple[ColumnElement[bool], ...] = (
        ld.received_at >= start,
        ld.received_at < end,
        visible_leads(viewer),
    )
    if region is not None:  # the requests of one region (``crm_tui.domain.reports.region`` checked it)
        where += (ld.region == region,)
    team = LeadFigures("team")
    groups: dict[str, LeadFigures] = {}
    group = (
        _group_column(by, dialect, tz, Period(date_from, date_to)) if by is not None else literal("team")
    ).label("g")
    repeat = ld.repeat.is_(True)
    counts = (
        select(
            group,
            func.count(),
            _counted(repeat),
            _counted(ld.status == _IN_WORK),
            _counted(ld.status == _JUNK),
            _counted(~repeat & (ld.status == _CONVERTED)),
            _counted(counted_by_now),
            _counted(in_time),
        )
        .select_from(joined)
        .where(*where)
        .group_by(literal_column("1"))
    )
    for key, total, repeats, in_work, junk, converted, with_deadline, on_time in session.execute(counts):
        figures = team if by is None else groups.setdefault(_key(key), LeadFigures(_key(key)))
        figures.repeat += int(repeats)
        figures.new += int(total) - int(repeats)
        figures.in_work += int(in_work)
        figures.junk += int(junk)
        figures.converted += int(converted)
        figures.with_deadline += int(with_deadline)
        figures.answered_on_time += int(on_time)
        if by is not None:
            for name in (
                "repeat",
                "new",
                "in_work",
                "junk",
                "converted",
                "with_deadline",
                "answered_on_time",
            ):
                setattr(team, name, getattr(team, name) + getattr(figures, name))
    answers = (
        select(group, type_coerce(minutes, Float).label("m")).select_from(joined).where(*where, answered)
    )
    team.median_minutes, medians = _medians(session, answers)
    for key, value in medians.items():
        if key in groups:
            groups[key].median_minutes = value
    ordered = sorted(groups.values(), key=lambda g: g.key if by in ("day", "week") else (-g.total, g.key))
    return LeadReport(date_from, date_to, by, team, ordered)
