"""Lead analysis (seed 004): the last 30 days of requests, the team's figures and each group's
beside them (by source, manager, channel, region or week), conversion graded by the seed's band."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Header, Static

from crm_tui.domain.reports.leads import BAND_NAMES, LeadFigures, LeadReport, lead_report
from crm_tui.domain.values.formatting import fraction, share_percent
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import ReadingScreen
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable, clip

GROUPINGS = ("source", "manager", "channel", "region", "week")
GROUPING_NAMES = {
    "source": N_("by source"),
    "manager": N_("by manager"),
    "channel": N_("by channel"),
    "region": N_("by region"),
    "week": N_("by week"),
}
DAYS = 30


class LeadReportScreen(ReadingScreen):
    """Requests of the last 30 days: new, repeat, in work, converted, junk, conversion with its
    band, median minutes to the first answer, answered on time; per group beside the team.

    | Key(s) | Description |
    | :- | :- |
    | g | Group by source, manager, channel, region, week. |
    | e | Export the figures to an .xlsx in the data folder's exports/. |
    | E | Export the figures to a .csv there (for Excel: semicolons, decimal commas). |
    | escape | Back. |
    """

    TITLE = N_("Lead analysis")
    AUTO_FOCUS = "#lead-report"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("lead_report.group", "group", N_("Group")),
        bind("lead_report.export", "export", N_("Export")),
        bind("lead_report.export_csv", "export_csv", N_("CSV")),
        bind("lead_report.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, report: LeadReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.by = GROUPINGS[0]
        self.report: LeadReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="lead-report-team", markup=False)
        yield RecordTable(
            [
                Col(_("Group")),
                Col(_("New"), 6, right=True),
                Col(_("Repeat"), 7, right=True, optional=3),
                Col(_("In work"), 8, right=True, optional=2),
                Col(_("Converted"), 10, right=True),
                Col(_("Junk"), 6, right=True, optional=1),
                Col(_("Conv."), 7, right=True),
                Col(_("Band"), 14),
                Col(_("Answer"), 8, right=True, optional=4),
                Col(_("On time"), 8, right=True),
            ],
            id="lead-report",
        )
        yield KeyFooter(show_command_palette=False, compact=True)

    def action_export(self, csv: bool = False) -> None:
        from crm_tui.domain.reports.sheets import lead_sheets
        from crm_tui.screens.report_export import export_report

        report = self.report if self.report is not None and self.report.by == self.by else None
        export_report(self, f"leads-{self.by}", None if report is None else lead_sheets(report), csv=csv)

    def action_export_csv(self) -> None:
        self.action_export(csv=True)

    def action_group(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.load()

    @work(thread=True, exclusive=True, group="lead-report", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        today = self.ws.now().astimezone(self.ws.tz).date()
        with self.ws.read() as session:
            start = today - timedelta(days=DAYS - 1)
            report = lead_report(
                session, self.ws.viewer, start, today, by=self.by, now=self.ws.now(), tz=self.ws.tz
            )
        self.post_message(self.Loaded(report))

    def _cells(self, figures: LeadFigures, label: str) -> list[Text]:
        shown = figures.as_json()
        band = shown["band"]
        tone = {"below": "red", "average": "", "above": "green", "good": "bold green"}.get(band or "", "")

        def number(value: object) -> Text:
            return Text("—" if value is None else str(value), justify="right")

        return [
            literal(clip(label, 40)),
            number(figures.new),
            number(figures.repeat),
            number(figures.in_work),
            number(figures.converted),
            number(figures.junk),
            Text(share_percent(shown["conversion"]), justify="right"),
            Text(_(BAND_NAMES[band]) if band else "—", style=tone),
            Text(fraction(shown["median_response_minutes"]), justify="right"),
            Text(share_percent(shown["on_time"]), justify="right"),
        ]

    def on_lead_report_screen_loaded(self, event: Loaded) -> None:
        report = event.report
        if report.by != self.by:
            return
        self.report = report
        period = f"{report.date_from:%d.%m} – {report.date_to:%d.%m.%Y}"
        grouping = _(GROUPING_NAMES[self.by])
        self.sub_title = f"{period} · {grouping}"
        team = report.team.as_json()
        band = team["band"]
        self.query_one("#lead-report-team", Static).update(
            _(
                "Team: {requests} requests, conversion {conversion} ({band}); first answer in {median} min "
                "(median), {on_time} on time. Seed 004: 2-5% average, 6-9% above, 10% and more good."
            ).format(
                requests=report.team.total,
                conversion=share_percent(team["conversion"]),
                band=_(BAND_NAMES[band]) if band else "—",
                median=fraction(team["median_response_minutes"]),
                on_time=share_percent(team["on_time"]),
            )
        )
        rows = [("team", self._cells(report.team, _("team")))]
        rows += [(f"g:{g.key}", self._cells(g, report.label(g))) for g in report.groups]
        self.query_one("#lead-report", RecordTable).set_records(rows)
