"""The KPI reports by name: one entry point for `crm report <name>`, the dashboard and the
export, so that the numbers a head sees on screen, in `--json` and in the workbook are the same
call. Cells are shown and exported here by their column's kind (money, seconds, shares)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.captions import Captions, segment_name
from crm_tui.domain.exports import (
    DATE_FORMAT,
    DURATION_FORMAT,
    MONEY_FORMAT,
    SHARE_FORMAT,
    Sheet,
    write_csv_sheets,
    write_sheets,
)
from crm_tui.domain.reports.call_sources import calls_by_source_report, source_name
from crm_tui.domain.reports.calls import calls_report
from crm_tui.domain.reports.growth import growth_report
from crm_tui.domain.reports.invoices import OVERDUE_DAYS, invoices_report
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.plan import plan_report
from crm_tui.domain.reports.refusals import refusals_report
from crm_tui.domain.reports.silent import SILENT_DAYS, silent_report
from crm_tui.domain.reports.stage_times import stage_times_report
from crm_tui.domain.reports.table import Column, Kind, Report, Slice
from crm_tui.domain.reports.task_control import tasks_report
from crm_tui.domain.values.formatting import money, share_percent
from crm_tui.i18n import NC_, decimal, number


class KpiName(StrEnum):
    CALLS = "calls"
    GROWTH = "growth"
    STAGES = "stages"
    SILENT = "silent"
    PLAN = "plan"
    TASKS = "tasks"
    REFUSALS = "refusals"
    INVOICES = "invoices"


DEFAULT_SLICES: dict[KpiName, tuple[Slice, ...]] = {
    KpiName.STAGES: (),
    KpiName.SILENT: (Slice.MANAGER, Slice.SEGMENT),
}


@dataclass(frozen=True)
class KpiQuery:
    name: KpiName
    period: Period
    by: tuple[Slice, ...] | None = None
    """None: the report's own default (per manager)."""
    manager_id: int | None = None
    silent_days: int = SILENT_DAYS
    overdue_days: int = OVERDUE_DAYS
    """Invoices: unpaid this many days after their date are overdue."""
    pipeline_id: int | None = None


def run_kpi(session: Session, viewer: Viewer, query: KpiQuery, now: datetime, tz: ZoneInfo) -> Report:
    """The report ``query`` names; ``UnknownSlice`` for a slice it has no meaning for."""
    by: Sequence[Slice] = (
        query.by if query.by is not None else DEFAULT_SLICES.get(query.name, (Slice.MANAGER,))
    )
    p, m = query.period, query.manager_id
    match query.name:
        case KpiName.CALLS if Slice.SOURCE in by:
            return calls_by_source_report(session, viewer, p, tz, by, manager_id=m)
        case KpiName.CALLS:
            return calls_report(session, viewer, p, tz, by, manager_id=m)
        case KpiName.GROWTH:
            return growth_report(session, viewer, p, tz, by, manager_id=m)
        case KpiName.STAGES:
            return stage_times_report(
                session, viewer, p, tz, now, by, manager_id=m, pipeline_id=query.pipeline_id
            )
        case KpiName.SILENT:
            return silent_report(session, viewer, now, tz, query.silent_days, by, manager_id=m)
        case KpiName.PLAN:
            return plan_report(session, viewer, p, tz, now, by, manager_id=m)
        case KpiName.TASKS:
            return tasks_report(session, viewer, p, tz, now, by, manager_id=m)
        case KpiName.REFUSALS:
            return refusals_report(session, viewer, p, tz, by, manager_id=m, pipeline_id=query.pipeline_id)
        case KpiName.INVOICES:
            return invoices_report(
                session, viewer, p, tz, now, by, manager_id=m, overdue_days=query.overdue_days
            )


def shown_rows(report: Report) -> list[list[str]]:
    """Every cell of ``report`` as a person reads it (``shown``); a column of money with kopecks
    when any of its figures has them, so none is rounded and the column's digits line up."""
    exact = {
        c.key: any(int(row.get(c.key) or 0) % 100 for row in report.rows)
        for c in report.columns
        if c.kind is Kind.MONEY
    }
    return [
        [shown(c, row.get(c.key), kopecks=exact.get(c.key, False)) for c in report.columns]
        for row in report.rows
    ]


def shown(column: Column, value: Any, *, kopecks: bool = False) -> str:
    """A cell as a person reads it, in the language in force (money with ``kopecks`` or whole
    rubles: ``shown_rows`` decides it for a whole column)."""
    if value is None:
        return "—"
    if column.key == "source":
        return source_name(str(value))
    if column.key == "segment":
        return segment_name(str(value) or None)
    match column.kind:
        case Kind.MONEY:
            return money(int(value), with_kopecks=kopecks)
        case Kind.SHARE:
            return share_percent(float(value))
        case Kind.DAYS:
            return decimal(float(value))
        case Kind.SECONDS:
            seconds = int(value)
            return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        case Kind.COUNT:
            return number(int(value))
        case Kind.DATE:
            return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
        case _:
            return str(value)


def exported(column: Column, value: Any) -> object:
    """A cell as the workbook holds it: roubles and shares as numbers, days as dates, talk time
    as a duration; text through the one export writer (formula-safe)."""
    if value is None:
        return None
    if column.key == "source":
        return source_name(str(value))
    if column.key == "segment":
        return segment_name(str(value) or None)
    match column.kind:
        case Kind.MONEY:
            return int(value) / 100
        case Kind.DATE:
            return date.fromisoformat(str(value))
        case Kind.SECONDS:
            return timedelta(seconds=int(value))
        case _:
            return value


NUMBER_FORMATS = {
    Kind.MONEY: MONEY_FORMAT,
    Kind.SHARE: SHARE_FORMAT,
    Kind.DATE: DATE_FORMAT,
    Kind.SECONDS: DURATION_FORMAT,
}
"""How the workbook shows a column of each kind: roubles, a percentage, a date, a duration."""


SHEET_NAMES: Captions[str] = Captions(
    "report sheet",
    {
        "calls": NC_("report sheet", "Calls and mails"),
        "growth": NC_("report sheet", "New clients"),
        "stages": NC_("report sheet", "Time in stage"),
        "silent": NC_("report sheet", "Silent clients"),
        "plan": NC_("report sheet", "Plan and fact"),
        "tasks": NC_("report sheet", "Tasks"),
        "refusals": NC_("report sheet", "Refusals"),
        "invoices": NC_("report sheet", "Invoices"),
        "leads": NC_("report sheet", "Requests"),
    },
)
"""A report's sheet in its workbook, named in the interface's language (the code is the JSON's)."""


def report_sheet(report: Report) -> Sheet:
    """The report as the one sheet its workbook or CSV holds: named after it, headers in the
    interface's language, each cell as ``exported`` and each column in its kind's format."""
    return Sheet(
        SHEET_NAMES.caption(report.name),
        [c.title for c in report.columns],
        ([exported(c, row.get(c.key)) for c in report.columns] for row in report.rows),
        [NUMBER_FORMATS.get(c.kind) for c in report.columns],
    )


def export_xlsx(report: Report, target: Path) -> int:
    """The report as a workbook of one sheet named after it. Returns the rows written."""
    write_sheets(target, [report_sheet(report)])
    return len(report.rows)


def export_csv(report: Report, target: Path) -> int:
    """The same sheet as a CSV (``crm_tui.domain.exports.write_csv``: what a Russian Excel
    opens as numbers and dates). Returns the rows written."""
    write_csv_sheets(target, [report_sheet(report)])
    return len(report.rows)
