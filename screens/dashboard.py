"""The head's dashboard: plan against fact, calls per day, conversion, overdue tasks, clients
nobody talks to, new requests and deals awaiting payment, for the team in the viewer's scope or
one manager (``m``); bars of plan against fact per manager. Enter on a figure opens the records
behind it, and on a manager's bar (tab to the bars, up and down between them) that manager's
deals won this month, the records behind the bar's fact."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.reports.dashboard import Dashboard, load_dashboard_side_by_side
from crm_tui.domain.values.formatting import money_figure, money_figures
from crm_tui.domain.values.text import inert, literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_, _, counted, decimal
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.figure_tile import FigureTile
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.kpi_tile import share_bar
from crm_tui.widgets.record_table import clip

BAR_WIDTH = 24
BAR_MIN = 10
"""The narrowest a manager's bar gets to leave room for a long name."""
NAME_WIDTH = 22
"""The names' column at least: the bars of a team start in one column whatever its names."""


def percent(value: float | None) -> str:
    return "—" if value is None else decimal(value * 100, 0) + "%"


class DashboardScreen(CrmScreen):
    """KPI of the team (or of one manager) this month.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | From figure to figure. |
    | enter | The records behind the figure, or behind a manager's bar (their deals won this month). |
    | m | The team or one manager. |
    | r | Refresh. |
    | e | Export the figures to an .xlsx in the data folder's exports/. |
    | E | Export the figures to a .csv there (for Excel: semicolons, decimal commas). |
    | escape | Back. |
    """

    TITLE = N_("Dashboard")
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("dashboard.drill", "drill", N_("Records")),
        # TRANSLATORS: the key that shows the team's or one manager's figures ("Whose figures")
        bind("dashboard.manager", "manager", NC_("figures", "Whose"), context="figures"),
        bind("dashboard.refresh", "refresh", N_("Refresh")),
        bind("dashboard.export", "export", N_("Export")),
        bind("dashboard.export_csv", "export_csv", N_("CSV")),
        bind("dashboard.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, dashboard: Dashboard) -> None:
            super().__init__()
            self.dashboard = dashboard

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
        self.manager_id: int | None = None
        self.dashboard: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="dash-scope", markup=False)
        with Grid(id="dash-figures"):
            yield FigureTile(_("Plan / fact"), drill="won", id="dash-plan")
            yield FigureTile(_("Calls per day"), drill="calls", trend=True, id="dash-calls")
            yield FigureTile(_("Conversion"), id="dash-conversion")
            yield FigureTile(_("Overdue tasks"), drill="overdue", id="dash-overdue")
            yield FigureTile(_("Without a touch"), drill="silent", id="dash-silent")
            yield FigureTile(_("New requests"), drill="requests", id="dash-requests")
            yield FigureTile(_("Awaiting payment"), drill="awaiting", id="dash-awaiting")
        yield Static(_("Plan / fact by manager"), id="dash-bars-title", markup=False)
        yield OptionList(id="dash-bars", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#dash-calls", FigureTile).focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="dashboard-load", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        found = load_dashboard_side_by_side(
            self.ws.read, self.ws.viewer, self.ws.now(), self.ws.tz, self.manager_id
        )
        self.post_message(self.Loaded(found))

    def on_dashboard_screen_loaded(self, event: Loaded) -> None:
        if event.dashboard.manager_id != self.manager_id:
            return
        self.dashboard = d = event.dashboard
        self.refresh_bindings()
        alone = d.people[0].name if len(d.people) == 1 else _("the team")  # a manager sees only oneself
        who = next((p.name for p in d.people if p.id == d.manager_id), alone)
        self.sub_title = who
        self.query_one("#dash-scope", Static).update(f"{who} · {d.month.start:%m.%Y}")
        self.query_one("#dash-plan", FigureTile).show(
            percent(d.plan_share),
            _("{fact} of {plan}; at this pace {projection}").format(
                fact=money_figure(d.fact), plan=money_figure(d.plan), projection=money_figure(d.projection)
            ),
            tone="good" if d.plan and d.projection >= d.plan else "bad" if d.plan else "",
        )
        self.query_one("#dash-calls", FigureTile).show(
            decimal(d.calls_per_day),
            _("over {days} days").format(days=len(d.calls_by_day)),
            trend=[n for _, n in d.calls_by_day],
        )
        self.query_one("#dash-conversion", FigureTile).show(
            percent(d.conversion), counted(d.closed, "of {count} deal closed", "of {count} deals closed")
        )
        self.query_one("#dash-overdue", FigureTile).show(
            str(d.overdue_tasks), _("open past their time"), tone="bad" if d.overdue_tasks else "good"
        )
        self.query_one("#dash-silent", FigureTile).show(
            str(d.silent_clients), _("clients, 30 days and more"), tone="bad" if d.silent_clients else "good"
        )
        self.query_one("#dash-requests", FigureTile).show(str(d.new_requests), _("new this month"))
        waiting = d.awaiting.deals
        self.query_one("#dash-awaiting", FigureTile).show(
            money_figure(d.awaiting.amount),
            counted(waiting, "{count} deal waiting for money", "{count} deals waiting for money"),
        )
        self._show_bars(d)

    def _show_bars(self, d: Dashboard) -> None:
        bars = self.query_one("#dash-bars", OptionList)
        highlighted = bars.highlighted
        bars.clear_options()
        bars.add_options(self._bars(d))
        if highlighted is not None and d.bars:
            bars.highlighted = min(highlighted, len(d.bars) - 1)

    def _bars(self, d: Dashboard) -> list[Option]:
        """A line per manager: their plan done as a bar, the share and the fact; Enter on one
        opens their deals won this month (the records behind the fact). The names' column is
        as wide as the longest name (22 at least), as the list's width allows: the share and the
        fact are never cut, the bar gives way down to ``BAR_MIN``, and only then a name ends
        with "…" (a full name of 26 letters was cut at 22, mid-word, at every width)."""
        facts = money_figures([bar.fact for bar in d.bars])
        width = self.query_one("#dash-bars", OptionList).scrollable_content_region.width
        tail = 1 + 1 + 5 + 1 + max((len(fact) for fact in facts), default=0)  # " bar pct fact"
        wanted = max((len(inert(bar.name)) for bar in d.bars), default=0)
        name_width = max(NAME_WIDTH, min(wanted, width - tail - BAR_MIN)) if width else NAME_WIDTH
        bar_width = min(BAR_WIDTH, max(BAR_MIN, width - tail - name_width)) if width else BAR_WIDTH
        lines = []
        for n, (bar, fact) in enumerate(zip(d.bars, facts, strict=True)):
            done = bar.fact / bar.plan if bar.plan else 0.0
            line = literal(f"{clip(inert(bar.name), name_width):<{name_width}} ")
            line.append(share_bar(done, bar_width), style="green" if done >= 1 else "")
            line.append(f" {percent(bar.fact / bar.plan if bar.plan else None):>5} {fact}")
            lines.append(Option(line, id=str(n), disabled=bar.manager_id is None))
        return lines

    def on_resize(self) -> None:
        """The bars' columns follow the width (``_bars``), once the list has its new size."""
        if self.dashboard is not None:
            self.call_after_refresh(self._show_bars, self.dashboard)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "manager":
            return self.dashboard is not None and len(self.dashboard.people) > 1
        if action == "drill":
            focused = self.focused
            if isinstance(focused, OptionList):
                return focused.highlighted is not None
            return isinstance(focused, FigureTile) and focused.drill is not None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_manager(self) -> None:
        d = self.dashboard
        if d is None:
            return

        def chosen(user: str | None) -> None:
            if user is not None:
                self.manager_id = int(user) if user else None
                self.load()

        choices = [(_("the team"), ""), *((p.name, str(p.id)) for p in d.people)]
        self.app.push_screen(ChoiceDialog(_("Whose figures"), choices), chosen)

    def action_drill(self) -> None:
        from crm_tui.screens.dashboard_drill import DrillScreen

        focused = self.focused
        if isinstance(focused, OptionList) and focused.highlighted is not None:
            self._open_bar(focused.highlighted)
        elif isinstance(focused, FigureTile) and focused.drill is not None:
            self.app.push_screen(
                DrillScreen(self.ws, focused.drill, str(focused.border_title), self.manager_id)
            )

    @on(OptionList.OptionSelected, "#dash-bars")
    def _bar_chosen(self, event: OptionList.OptionSelected) -> None:
        self._open_bar(event.option_index)

    def _open_bar(self, index: int) -> None:
        """The manager's deals won this month: the records behind their bar's fact."""
        from crm_tui.screens.dashboard_drill import DrillScreen

        d = self.dashboard
        if d is None or index >= len(d.bars) or d.bars[index].manager_id is None:
            return
        bar = d.bars[index]
        title = _("Plan / fact: {name}").format(name=bar.name)
        self.app.push_screen(DrillScreen(self.ws, "won", title, bar.manager_id))

    def action_refresh(self) -> None:
        self.load()

    def action_export(self, csv: bool = False) -> None:
        from crm_tui.domain.reports.sheets import dashboard_sheets
        from crm_tui.screens.report_export import export_report

        d = self.dashboard
        export_report(
            self, "dashboard", None if d is None else dashboard_sheets(d, self.sub_title or ""), csv=csv
        )

    def action_export_csv(self) -> None:
        self.action_export(csv=True)

    def action_back(self) -> None:
        self.dismiss()
