"""What every KPI report is: named columns and rows of figures, grouped in SQL by the slices
asked for (manager, region, day, week, month, and a report's own), over the people the viewer
may see figures of.

One shape for every report lets the CLI print, `--json` and `--xlsx` them, and the dashboard
show them, without a line of code per report. Rows are the database's grouped answer: a report
never reads the rows it counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, FromClause, Label, Select, case, func, literal_column, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import figures_within
from crm_tui.domain.reports.period import Grain, Period, local_bucket
from crm_tui.i18n import N_, _, pgettext
from crm_tui.storage.models import users


class Slice(StrEnum):
    MANAGER = "manager"
    REGION = "region"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    PIPELINE = "pipeline"
    STAGE = "stage"
    SEGMENT = "segment"
    REASON = "reason"
    SOURCE = "source"
    """Where a touch came from (calls: the PBX); the leads report has its own sources."""


class Kind(StrEnum):
    """How a column's values read: the CLI, the export and the dashboard format by it."""

    TEXT = "text"
    DATE = "date"
    COUNT = "count"
    MONEY = "money"
    """Kopecks."""
    SECONDS = "seconds"
    SHARE = "share"
    """0..1, or None where there is nothing to divide by."""
    DAYS = "days"


@dataclass(frozen=True)
class Column:
    key: str
    """The `--json` key (English, stable)."""
    caption: str
    """A msgid: the header the screens and the workbook show, translated when shown."""
    kind: Kind
    context: str | None = None
    """The msgid's context, where the same English word names two things ("Lost": a segment,
    the deals lost)."""

    @property
    def title(self) -> str:
        """The header in the language in force."""
        return _(self.caption) if self.context is None else pgettext(self.context, self.caption)


SLICE_COLUMNS: Mapping[Slice, tuple[Column, ...]] = {
    Slice.MANAGER: (
        Column("manager", N_("Login"), Kind.TEXT),
        Column("manager_name", N_("Manager"), Kind.TEXT),
    ),
    Slice.REGION: (Column("region", N_("Region"), Kind.TEXT),),
    Slice.DAY: (Column("day", N_("Day"), Kind.DATE),),
    Slice.WEEK: (Column("week", N_("Week from"), Kind.DATE),),
    Slice.MONTH: (Column("month", N_("Month"), Kind.DATE),),
    Slice.PIPELINE: (Column("pipeline", N_("Pipeline"), Kind.TEXT),),
    Slice.STAGE: (Column("stage", N_("Stage"), Kind.TEXT),),
    Slice.SEGMENT: (Column("segment", N_("Segment"), Kind.TEXT),),
    Slice.REASON: (Column("reason", N_("Lost reason"), Kind.TEXT),),
    Slice.SOURCE: (Column("source", N_("Source"), Kind.TEXT),),
}
TIME_SLICES = {Slice.DAY: Grain.DAY, Slice.WEEK: Grain.WEEK, Slice.MONTH: Grain.MONTH}


@dataclass
class Report:
    name: str
    """The report's code (calls, growth, ...): the workbook's sheet, the JSON's ``report``."""
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def total(self, key: str) -> int:
        return sum(int(row[key] or 0) for row in self.rows)


class UnknownSlice(ValueError):
    """A slice this report has no meaning for (refusals by segment)."""


@dataclass(frozen=True)
class Source:
    """What a report groups: its tables, whose figures they are, when each row happened, and the
    report's own slices (``extra``: a segment, a reason...; a day, week or month a report
    grouped by itself, from a subquery)."""

    tables: FromClause
    person: ColumnElement[Any]
    moment: ColumnElement[Any] | None
    extra: Mapping[Slice, ColumnElement[Any]] = field(default_factory=dict)


def slice_columns(by: Sequence[Slice]) -> list[Column]:
    return [column for s in by for column in SLICE_COLUMNS[s]]


def check_slices(by: Sequence[Slice], source: Source) -> None:
    for s in by:
        if s in source.extra:
            continue
        if s in TIME_SLICES and source.moment is None:
            raise UnknownSlice(s.value)
        if s not in TIME_SLICES and s not in (Slice.MANAGER, Slice.REGION) and s not in source.extra:
            raise UnknownSlice(s.value)


def slice_keys(
    session: Session, source: Source, by: Sequence[Slice], period: Period, tz: ZoneInfo
) -> list[Label[Any]]:
    """The grouping columns ``by`` names, labelled with their `--json` keys (``users`` joined
    on ``source.person``)."""
    check_slices(by, source)
    dialect = session.get_bind().dialect
    keys: list[Label[Any]] = []
    for s in by:
        if s is Slice.MANAGER:
            keys += [users.c.login.label("manager"), users.c.full_name.label("manager_name")]
        elif s is Slice.REGION:
            keys.append(users.c.region.label("region"))
        elif s in source.extra:
            keys.append(source.extra[s].label(s.value))
        elif s in TIME_SLICES:
            assert source.moment is not None
            keys.append(local_bucket(dialect, source.moment, TIME_SLICES[s], tz, period).label(s.value))
    return keys


def grouped(
    session: Session,
    viewer: Viewer,
    source: Source,
    by: Sequence[Slice],
    figures: Sequence[Label[Any]],
    where: Sequence[ColumnElement[bool]],
    period: Period,
    tz: ZoneInfo,
) -> list[dict[str, Any]]:
    """One grouped query: a dict per group, its slice keys then ``figures`` by their labels,
    in the slices' order. Only the figures of people whose figures ``viewer`` may see."""
    query = grouped_query(session, viewer, source, by, figures, where, period, tz)
    return [dict(row._mapping) for row in session.execute(query)]


def grouped_query(
    session: Session,
    viewer: Viewer,
    source: Source,
    by: Sequence[Slice],
    figures: Sequence[Label[Any]],
    where: Sequence[ColumnElement[bool]],
    period: Period,
    tz: ZoneInfo,
) -> Select[Any]:
    """The query ``grouped`` runs, for a report that runs it more than once (with other values
    of its parameters)."""
    require(viewer, Capability.SEE_REPORTS)
    keys = slice_keys(session, source, by, period, tz)
    # the people's names and regions only where a slice shows them (a join per row otherwise)
    named = any(s in (Slice.MANAGER, Slice.REGION) for s in by)
    tables = source.tables.outerjoin(users, users.c.id == source.person) if named else source.tables
    query = select(*keys, *figures).select_from(tables).where(figures_within(viewer, source.person), *where)
    if keys:
        query = query.group_by(*by_position(keys)).order_by(*by_position(keys))
    return query


def in_order(rows: list[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """``rows`` in the order ``ORDER BY`` on ``keys`` gives them (nothing first, text by code
    point as SQLite's and the C collation compare it), for rows gathered from several queries."""
    return sorted(rows, key=lambda row: [(0,) if row[k] is None else (1, row[k]) for k in keys])


def by_position(keys: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """``GROUP BY 1, 2``: PostgreSQL takes an expression with bound parameters (a time zone's
    name) in the select list and in the grouping for two different expressions."""
    return [literal_column(str(n)) for n in range(1, len(keys) + 1)]


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def counted(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """How many rows of a group meet ``condition`` (0 for none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
