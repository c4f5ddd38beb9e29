"""What a report screen's export key writes: the figures the screen shows, as the sheets of one
workbook (through the one export writer, ``crm_tui.domain.exports``), into the data folder's
``exports/`` under the report's name and the day, so a head can find it and send it on.

Headers are in the interface's language; counts, money and shares are numbers (roubles with
their format, shares as percentages), days and moments dates, so a director's spreadsheet adds
them up. Moments are written in the viewer's time zone (a workbook has no zones).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from crm_tui.domain.exports import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    MONTH_FORMAT,
    SHARE_FORMAT,
    Sheet,
    write_csv_sheets,
    write_sheets,
)
from crm_tui.domain.reports.dashboard import Dashboard
from crm_tui.domain.reports.dashboard_sales import DrillRow
from crm_tui.domain.reports.funnel import ForecastLine, FunnelReport
from crm_tui.domain.reports.leads import BAND_NAMES, LeadReport
from crm_tui.i18n import _, pgettext

EXPORTS_FOLDER = "exports"


def export_path(data_dir: Path, report: str, today: date, suffix: str = ".xlsx") -> Path:
    """``<data_dir>/exports/<report>-<day>.xlsx`` (or ``.csv``); a second export the same day gets
    ``-2``, then ``-3``: an earlier file a head may have sent on is never overwritten."""
    folder = data_dir / EXPORTS_FOLDER
    stem = f"{report}-{today.isoformat()}"
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def save_report(
    data_dir: Path, report: str, today: date, sheets: Sequence[Sheet], *, csv: bool = False
) -> Path:
    """The sheets written to a new file in the exports folder (0600, the folder 0700), a workbook
    or (``csv``) a CSV of the parts one under another (``write_csv_sheets``); its path."""
    path = export_path(data_dir, report, today, ".csv" if csv else ".xlsx")
    (write_csv_sheets if csv else write_sheets)(path, sheets)
    return path


def _money(kopecks: int | None) -> float | None:
    return None if kopecks is None else kopecks / 100


def dashboard_sheets(d: Dashboard, whose: str) -> list[Sheet]:
    """The dashboard's figures (one row each: a count, a sum or a share in its own column), the
    plan against fact per manager, and the calls per day of the trend."""
    figures: list[list[object]] = [
        [pgettext("figures", "Whose"), whose, None, None],
        [_("Month"), f"{d.month.start:%m.%Y}", None, None],
        [_("Plan"), None, _money(d.plan), None],
        [_("Fact"), None, _money(d.fact), d.plan_share],
        [_("Projection at this pace"), None, _money(d.projection), None],
        [_("Calls per day"), round(d.calls_per_day, 2), None, None],
        [_("Deals closed"), d.closed, None, None],
        [_("Deals won"), d.won, None, d.conversion],
        [_("Overdue tasks"), d.overdue_tasks, None, None],
        [_("Clients without a touch for 30 days"), d.silent_clients, None, None],
        [_("New requests this month"), d.new_requests, None, None],
        [_("Awaiting payment"), d.awaiting.deals, _money(d.awaiting.amount), None],
    ]
    managers = [[bar.name, _money(bar.plan), _money(bar.fact), bar.fact / bar.plan if bar.plan else None]
                for bar in d.bars]  # fmt: skip
    return [
        Sheet(
            _("Dashboard"),
            [_("Figure"), _("Number"), _("Amount"), _("Share")],
            figures,
            [None, None, MONEY_FORMAT, SHARE_FORMAT],
        ),
        Sheet(
            _("Plan / fact by manager"),
            [_("Manager"), _("Plan"), _("Fact"), _("Done")],
            managers,
            [None, MONEY_FORMAT, MONEY_FORMAT, SHARE_FORMAT],
        ),
        Sheet(
            _("Calls per day"),
            [_("Day"), _("Calls")],
            [[date.fromisoformat(day), n] for day, n in d.calls_by_day],
            [DATE_FORMAT],
        ),
    ]


def drill_sheet(title: str, rows: Sequence[DrillRow], tz: ZoneInfo) -> list[Sheet]:
    """The records behind a figure, as the list shows them."""
    return [
        Sheet(
            title,
            [_("When"), _("Client"), _("Whose"), _("What"), _("Amount")],
            [
                [
                    row.at.astimezone(tz).replace(tzinfo=None) if row.at else None,
                    row.client,
                    row.who,
                    row.text,
                    _money(row.amount),
                ]
                for row in rows
            ],
            [DATETIME_FORMAT, None, None, None, MONEY_FORMAT],
        )
    ]


def lead_sheets(report: LeadReport) -> list[Sheet]:
    """The lead analysis: the team's row, then each group's."""
    header = [_("Group"), _("Requests"), _("New"), _("Repeat"), _("In work"), _("Converted"), _("Junk"),
              _("Conversion"), _("Band"), _("Median minutes to the first answer"),
              _("Answered on time")]  # fmt: skip
    rows: list[list[object]] = []
    for label, g in [(_("team"), report.team), *((report.label(g), g) for g in report.groups)]:
        shown = g.as_json()
        band = shown["band"]
        minutes = shown["median_response_minutes"]
        rows.append([label, g.total, g.new, g.repeat, g.in_work, g.converted, g.junk, shown["conversion"],
                     _(BAND_NAMES[band]) if band else None, minutes, shown["on_time"]])  # fmt: skip
    formats = [None] * 7 + [SHARE_FORMAT, None, None, SHARE_FORMAT]
    return [Sheet(_("Lead analysis"), header, rows, formats)]


def funnel_sheets(report: FunnelReport, forecast: Sequence[ForecastLine]) -> list[Sheet]:
    """The funnel's report view: stages, lost reasons, the weighted forecast, a sheet each."""
    stages = [
        [s.name, s.deals, _money(s.amount), s.reached, s.conversion, s.median_days] for s in report.stages
    ]
    reasons = [[reason, n, _money(amount)] for reason, n, amount in report.lost_reasons]
    ahead: list[list[object]] = [
        [
            _("no date") if line.month == "none" else date.fromisoformat(line.month + "-01"),
            line.manager,
            line.deals,
            _money(line.amount),
            _money(line.weighted),
        ]
        for line in forecast
    ]
    return [
        Sheet(
            _("Funnel: {name}").format(name=report.pipeline),
            [_("Stage"), _("Now"), _("Amount"), _("Reached"), _("To next"), _("Median days")],
            stages,
            [None, None, MONEY_FORMAT, None, SHARE_FORMAT],
        ),
        Sheet(_("Lost reasons"), [_("Reason"), _("Deals"), _("Amount")], reasons, [None, None, MONEY_FORMAT]),
        Sheet(
            _("Forecast"),
            [_("Close month"), _("Manager"), _("Deals"), _("Amount"), _("Weighted")],
            ahead,
            [MONTH_FORMAT, None, None, MONEY_FORMAT, MONEY_FORMAT],
        ),
    ]
