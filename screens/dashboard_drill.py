"""The records behind a dashboard figure: the calls, the overdue tasks, the silent clients, the
new requests, the deals awaiting payment, the deals won this month (the plan's fact, a
manager's bar); Enter opens the request's card, the deal, or the client's card."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.captions import segment_name
from crm_tui.domain.reports.dashboard import drill_calls, drill_overdue
from crm_tui.domain.reports.dashboard_sales import DrillRow, drill_awaiting, drill_requests, drill_won
from crm_tui.domain.reports.silent import silent_clients
from crm_tui.domain.values.formatting import local_time, money_figure
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, counted
from crm_tui.screens.base import CrmScreen
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


class DrillScreen(CrmScreen):
    """A list of the records behind a figure.

    | Key(s) | Description |
    | :- | :- |
    | up, down, enter | Through the rows; open the request's card, the deal or the client's card. |
    | e | Export the list to an .xlsx in the data folder's exports/. |
    | E | Export the list to a .csv there (for Excel: semicolons, decimal commas). |
    | escape | Back to the dashboard. |
    """

    TITLE = N_("Records")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("drill.export", "export", N_("Export")),
        bind("drill.export_csv", "export_csv", N_("CSV")),
        bind("drill.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[DrillRow]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, ws: Workspace, what: str, title: str, manager_id: int | None) -> None:
        super().__init__(ws)
        self.what = what
        self.heading = title
        self.manager_id = manager_id
        self.rows: list[DrillRow] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="drill-info", markup=False)
        yield OptionList(id="drill-rows", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = self.heading
        self.load()

    @work(thread=True, exclusive=True, group="drill-load", exit_on_error=False)
    def load(self) -> None:
        now, viewer = self.ws.now(), self.ws.viewer
        with self.ws.read() as session:
            if self.what == "calls":
                rows = drill_calls(session, viewer, now, self.ws.tz, self.manager_id)
            elif self.what == "overdue":
                rows = drill_overdue(session, viewer, now, self.manager_id)
            elif self.what == "requests":
                rows = drill_requests(session, viewer, now, self.ws.tz, self.manager_id)
            elif self.what == "awaiting":
                rows = drill_awaiting(session, viewer, now, self.ws.tz, self.manager_id)
            elif self.what == "won":
                rows = drill_won(session, viewer, now, self.ws.tz, self.manager_id)
            else:
                rows = [
                    DrillRow(c.last_touch, segment_name(c.segment), c.owner or "—", c.id, c.name)
                    for c in silent_clients(session, viewer, now, manager_id=self.manager_id)
                ]
        self.post_message(self.Loaded(rows))

    def on_drill_screen_loaded(self, event: Loaded) -> None:
        self.rows = event.rows
        self.loaded = True
        self.query_one("#drill-info", Static).update(
            f"{self.heading} · " + counted(len(self.rows), "{count} record", "{count} records")
        )
        rows = self.query_one("#drill-rows", OptionList)
        rows.clear_options()
        rows.add_options([Option(self._line(row), id=str(n)) for n, row in enumerate(self.rows)])
        if self.rows:
            rows.highlighted = 0
        rows.focus()

    def _line(self, row: DrillRow) -> Text:
        line = Text(local_time(row.at, self.ws.tz) if row.at else "—" + " " * 15, style="dim")
        line.append(" ")
        line.append_text(literal(row.client or "—", style="bold"))
        line.append_text(literal(f" · {row.who} · {row.text}"))
        if row.amount is not None:
            line.append(f" · {money_figure(row.amount)}")
        return line

    @on(OptionList.OptionSelected, "#drill-rows")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from crm_tui.screens.card.screen import ClientCardScreen

        row = self.rows[int(event.option.id or 0)]
        if row.lead_id is not None:
            from crm_tui.screens.lead_card import LeadCardScreen

            self.app.push_screen(LeadCardScreen(self.ws, row.lead_id))
        elif row.deal_id is not None:
            from crm_tui.screens.deal import DealScreen

            self.app.push_screen(DealScreen(self.ws, row.deal_id))
        elif row.client_id is not None:
            self.post_message(ClientCardScreen.Open(row.client_id))

    def action_export(self, csv: bool = False) -> None:
        from crm_tui.domain.reports.sheets import drill_sheet
        from crm_tui.screens.report_export import export_report

        sheets = drill_sheet(self.heading, self.rows, self.ws.tz) if self.loaded else None
        export_report(self, f"dashboard-{self.what}", sheets, csv=csv)

    def action_export_csv(self) -> None:
        self.action_export(csv=True)

    def action_back(self) -> None:
        self.dismiss()
