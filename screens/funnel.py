"""The funnel kanban: a column per stage, cards moved with keys, and the report view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.worker import get_current_worker

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.access.users import owner_choices
from crm_tui.domain.deals.funnel_setup import active_lost_reasons
from crm_tui.domain.deals.kanban import (
    KanbanColumn,
    KanbanFilter,
    column_cards,
    kanban,
    lost_column,
    stage_after,
)
from crm_tui.domain.deals.moves import move_deal
from crm_tui.domain.deals.pipeline_admin import list_pipelines
from crm_tui.domain.deals.pipelines import default_pipeline_id
from crm_tui.domain.reports.funnel import (
    ForecastLine,
    FunnelReport,
    ReportScope,
    forecast_report,
    funnel_report,
)
from crm_tui.domain.values.formatting import money_figure
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.lost import LostAnswer, LostDialog
from crm_tui.screens.funnel_filters import Board
from crm_tui.screens.funnel_new_deal import FunnelNewDeal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.funnel_report_view import report_view
from crm_tui.widgets.kanban_column import KanbanColumnView
from crm_tui.widgets.key_footer import KeyFooter


class FunnelScreen(FunnelNewDeal):
    """The funnel: every open deal the user may see, by stage; stuck deals marked ⚠.

    | Key(s) | Description |
    | :- | :- |
    | left, right, h, l | Previous / next column. |
    | up, down, j, k | Through the column's cards. |
    | ] | Move the card to the next stage (after the last open one: Won). |
    | [ | Move the card back one stage. |
    | x | The deal is lost: asks for the reason (the head of sales gets a task). |
    | enter | Open the deal. |
    | m | More cards in this column. |
    | n | A new deal in this column's stage (client, title, amount, close date, owner). |
    | f | Only one manager's deals (again: everybody's). |
    | g | Only the deals of one region's managers (again: all regions). |
    | p | Another pipeline. |
    | t | Only deals created in a period (this month, 30 or 90 days, this year). |
    | v | The report view: funnel conversion, lost reasons, forecast (again: the board). |
    | e | In the report view: export it to an .xlsx in the data folder's exports/. |
    | E | In the report view: export it to a .csv there (for Excel: semicolons, decimal commas). |
    | comma | Funnel settings: probabilities, stuck limits, playbooks (admins). |
    | escape | Back to the desk. |
    """

    TITLE = N_("Funnel")
    GATED: ClassVar[Mapping[str, Capability]] = {
        "settings": Capability.CONFIGURE_FUNNEL,
        "new_deal": Capability.CREATE_DEALS,
    }
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("funnel.next_stage", "move(1)", N_("Next stage"), key_display="]"),
        bind("funnel.prev_stage", "move(-1)", N_("Back a stage"), key_display="["),
        bind("funnel.lost", "lost", N_("Mark lost")),
        bind("funnel.left", "column(-1)", N_("Column"), show=False),
        bind("funnel.right", "column(1)", N_("Column"), show=False),
        bind("funnel.more", "more", N_("More")),
        # A priority binding: the app runs it as the key comes, before it hands the next keys on,
        # so the dialog is there for them (``n`` and the client typed in one burst: the client
        # went to the column and was lost, and a letter that is a key here acted on the board).
        bind("funnel.new_deal", "new_deal", N_("New deal"), priority=True),
        bind("funnel.filter", "filter", N_("Manager")),
        bind("funnel.region", "region", N_("Region")),
        bind("funnel.pipeline", "pipeline", N_("Pipeline")),
        bind("funnel.period", "period", N_("Period")),
        bind("funnel.report", "report", N_("Report")),
        bind("funnel.export", "export", N_("Export")),
        bind("funnel.export_csv", "export_csv", N_("CSV")),
        bind("funnel.settings", "settings", N_("Settings"), key_display=","),
        bind("funnel.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, board: Board, cards_put: int = 0) -> None:
            super().__init__()
            self.board = board
            self.cards_put = cards_put
            """How many saved cards the screen had put in when the read began."""

    class ReportLoaded(Message):
        def __init__(self, report: FunnelReport, forecast: list[ForecastLine]) -> None:
            super().__init__()
            self.report = report
            self.forecast = forecast

    class Moved(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class MoreLoaded(Message):
        def __init__(self, column: KanbanColumn) -> None:
            super().__init__()
            self.column = column

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]  # narrow: columns scroll
        self.flt: KanbanFilter | None = None
        self.board: Board | None = None
        self.views: dict[int, KanbanColumnView] = {}
        self.current = 0
        self.reporting = False
        self.shown_report: tuple[FunnelReport, list[ForecastLine]] | None = None
        self.made: list[int] = []
        """Deals made here: they lead their columns while the kanban is open (``kanban``'s
        ``first``), else a new deal would sit at the end of a long column, out of sight."""
        self.show_made: int | None = None
        self.cards_put = 0
        """Saved deals' cards put into their columns by hand (``put_card``): a board read that
        began before the last of them is stale."""
        """A deal just made: its column is chosen and its card highlighted when it arrives."""
        self._info = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="funnel-info", markup=False)
        yield Horizontal(id="kanban")
        with VerticalScroll(id="funnel-report-view"):
            yield Static("", id="funnel-report")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = self.ws.viewer.full_name
        self.query_one("#funnel-report-view").display = False
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def reload_board(self) -> None:
        self.load()

    def reload_report(self) -> None:
        self.load_report()

    # --- data -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="funnel-load", exit_on_error=False)
    def load(self) -> None:
        cards_put = self.cards_put
        board = self.read_board()
        if board is not None and not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(board, cards_put))

    def read_board(self) -> Board | None:
        """The board as ``flt`` (by default: the default pipeline's) shows it, in one session;
        None without a pipeline. In a worker thread: the screen's ``load``, or the new-deal
        dialog's save (``action_new_deal``)."""
        self.note_version()
        with self.ws.read() as session:
            flt = self.flt
            if flt is None:
                pid = default_pipeline_id(session)
                if pid is None:
                    return None
                flt = KanbanFilter(pid)
            board = Board(
                kanban(session, self.ws.viewer, flt, self.ws.now(), first=self.made),
                active_lost_reasons(session),
                owner_choices(session, self.ws.viewer),
                [(p.id, p.name) for p in list_pipelines(session)],
            )
        self.flt = flt
        return board

    async def on_funnel_screen_loaded(self, event: Loaded) -> None:
        if event.cards_put < self.cards_put:
            # read before a deal just saved was put in: drawn, it would take the card away
            # again (and the cursor off it) until the next read; read again instead
            self.load()
            return
        await self.show_board(event.board)

    async def show_board(self, board: Board) -> None:
        """Fill the columns (only those whose cards changed are drawn again), the cursor on a
        deal just made when it is there."""
        self.board = board
        strip = self.query_one("#kanban", Horizontal)
        if set(self.views) != {c.stage_id for c in board.columns}:
            await strip.remove_children()
            self.views = {c.stage_id: KanbanColumnView(c.stage_id) for c in board.columns}
            await strip.mount_all(self.views.values())
        for column in board.columns:
            self.views[column.stage_id].show(column, self.ws.now(), self.ws.tz)
        made = self.show_made
        if made is not None:
            for index, view in enumerate(self._columns()):
                if view.highlight(made):
                    self.current = index
                    self.show_made = None
        self.focus_current()
        self.show_info()
        self.call_after_refresh(self.even_heads)
        if self._new_deal is None:  # once the board is on screen, the first time
            self.call_after_refresh(self.prepare_new_deal)

    def on_resize(self) -> None:
        self.call_after_refresh(self.even_heads)

    def even_heads(self) -> None:
        """Every column's head as tall as the tallest at the columns' widths now."""
        views = self._columns()
        lines = max((view.paint_head() for view in views), default=0)
        for view in views:
            view.query_one(".kanban-head").styles.height = max(lines, 2)

    def show_info(self) -> None:
        board = self.board
        if board is None:
            return
        open_columns = [c for c in board.columns if not (c.is_won or c.is_lost)]
        stuck = sum(1 for c in open_columns for card in c.cards if card.stuck)
        who = _("everybody")
        if self.flt is not None and self.flt.owner_id is not None:
            who = next((p.full_name for p in board.people if p.id == self.flt.owner_id), who)
        if self.flt is not None and self.flt.region is not None:
            who += " · " + _("region {region}").format(region=self.flt.region)
        if self.flt is not None and self.flt.created_from is not None:
            who += " · " + _("created from {day}").format(
                day=f"{self.flt.created_from.astimezone(self.ws.tz):%d.%m.%Y}"
            )
        line = _(
            "{count} open deals for {amount} · {who} · stuck on screen: {stuck} · won and lost: last 30 days"
        )
        info = line.format(
            count=sum(c.count for c in open_columns),
            amount=money_figure(sum(c.amount for c in open_columns)),
            who=who,
            stuck=stuck,
        )
        if info != self._info:
            shown = self.query_one("#funnel-info", Static)
            text = literal(info)
            width, height = shown.content_size
            lines = len(text.wrap(self.app.console, width)) if width else 0
            # the screen is laid out again only when the line needs another height (a sum one
            # digit longer at 80 columns): a new deal's card is drawn without a layout
            shown.update(text, layout=not lines or lines != height)
            self._info = info

    def _columns(self) -> list[KanbanColumnView]:
        return list(self.views.values())

    def focus_current(self) -> None:
        columns = self._columns()
        if columns:
            self.current = max(0, min(self.current, len(columns) - 1))
            columns[self.current].focus_cards()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused column is the current one, however focus got there (keys, mouse)."""
        for index, view in enumerate(self._columns()):
            if event.widget in view.children:
                self.current = index

    # --- actions --------------------------------------------------------------------------

    def action_column(self, step: int) -> None:
        self.current += step
        self.focus_current()

    def _card(self) -> tuple[KanbanColumnView, int, int] | None:
        columns = self._columns()
        if not columns:
            return None
        view = columns[self.current]
        card = view.highlighted
        return (view, card.id, card.version) if card else None

    def action_move(self, step: int) -> None:
        found = self._card()
        if found is None or self.board is None:
            return
        view, deal_id, version = found
        target = stage_after(self.board.columns, view.stage_id, step)
        if target is None:
            self.notify(_("No stage that way."), severity="warning")
            return
        self.save_move(deal_id, target.stage_id, version, None)

    def action_lost(self) -> None:
        found = self._card()
        if found is None or self.board is None:
            return
        view, deal_id, version = found
        lost = lost_column(self.board.columns)
        card = view.highlighted
        if lost is None or card is None:
            return

        lines: list[str] = []

        def commit(answer: LostAnswer) -> None:
            lines.append(self.move(deal_id, lost.stage_id, version, answer))

        def answered(answer: LostAnswer | None) -> None:
            if answer is not None and lines:
                self.post_message(self.Moved(lines[-1]))

        self.app.push_screen(LostDialog(card.title, self.board.reasons, commit), answered)

    @work(thread=True, exclusive=True, group="funnel-move", exit_on_error=False)
    def save_move(self, deal_id: int, stage_id: int, version: int, lost: LostAnswer | None) -> None:
        self.post_message(self.Moved(self.move(deal_id, stage_id, version, lost)))

    def move(self, deal_id: int, stage_id: int, version: int, lost: LostAnswer | None) -> str:
        """Move the deal (in a worker thread: the screen's, or the lost dialog's); what to say."""
        result = move_deal(
            self.ws,
            deal_id,
            stage_id,
            version,
            lost_reason=lost.reason if lost else None,
            comment=lost.comment if lost else None,
        )
        return _("Moved to {stage}.").format(stage=result.to_stage)

    def on_funnel_screen_moved(self, event: Moved) -> None:
        self.notify(event.line)
        self.load()

    def on_unmount(self) -> None:
        super().on_unmount()
        self.drop_new_deal_dialog()

    def action_more(self) -> None:
        columns = self._columns()
        if not columns or self.board is None or self.flt is None:
            return
        view = columns[self.current]
        column = next(c for c in self.board.columns if c.stage_id == view.stage_id)
        if column.has_more and column.cards:
            self.load_more(column)

    @work(thread=True, exclusive=True, group="funnel-more", exit_on_error=False)
    def load_more(self, column: KanbanColumn) -> None:
        assert self.flt is not None
        last = column.cards[-1]
        with self.ws.read() as session:
            cards, more = column_cards(
                session,
                self.ws.viewer,
                self.flt,
                column.stage_id,
                self.ws.now(),
                (last.stage_entered_at, last.id),
            )
        shown = {card.id for card in column.cards}  # a deal made here leads the column already
        cards = [card for card in cards if card.id not in shown]
        self.post_message(self.MoreLoaded(replace(column, cards=column.cards + cards, has_more=more)))

    def on_funnel_screen_more_loaded(self, event: MoreLoaded) -> None:
        if self.board is None or event.column.stage_id not in self.views:
            return
        self.board.columns = [
            event.column if c.stage_id == event.column.stage_id else c for c in self.board.columns
        ]
        self.views[event.column.stage_id].show(event.column, self.ws.now(), self.ws.tz)

    def action_report(self) -> None:
        self.reporting = not self.reporting
        self.query_one("#kanban").display = not self.reporting
        self.query_one("#funnel-report-view").display = self.reporting
        self.shown_report = None
        self.refresh_bindings()
        if self.reporting:
            self.query_one("#funnel-report", Static).update(_("Counting…"))
            self.load_report()
        else:
            self.focus_current()

    @work(thread=True, exclusive=True, group="funnel-report", exit_on_error=False)
    def load_report(self) -> None:
        if self.flt is None:
            return
        with self.ws.read() as session:
            since = self.flt.created_from.astimezone(self.ws.tz).date() if self.flt.created_from else None
            scope = ReportScope(self.flt.pipeline_id, date_from=since, owner_id=self.flt.owner_id)
            report = funnel_report(session, self.ws.viewer, scope, self.ws.now(), self.ws.tz)
            forecast = forecast_report(session, self.ws.viewer, self.flt.pipeline_id)
        self.post_message(self.ReportLoaded(report, forecast))

    def on_funnel_screen_report_loaded(self, event: ReportLoaded) -> None:
        self.shown_report = (event.report, event.forecast)
        self.query_one("#funnel-report", Static).update(report_view(event.report, event.forecast))

    def action_export(self, csv: bool = False) -> None:
        from crm_tui.domain.reports.sheets import funnel_sheets
        from crm_tui.screens.report_export import export_report

        shown = self.shown_report
        export_report(self, "funnel", None if shown is None else funnel_sheets(*shown), csv=csv)

    def action_export_csv(self) -> None:
        self.action_export(csv=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.reporting if action in ("export", "export_csv") else True

    def action_settings(self) -> None:
        from crm_tui.screens.funnel_settings import FunnelSettingsScreen

        def back(_result: None) -> None:
            self.load()

        self.app.push_screen(FunnelSettingsScreen(self.ws), back)

    async def action_back(self) -> None:
        if self.reporting:
            self.action_report()
            return
        await self.app.run_action("app.desk")

    @on(OptionList.OptionSelected, ".kanban-cards")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from crm_tui.screens.deal import DealScreen

        def back(_result: None) -> None:
            self.load()

        if event.option.id and event.option.id.isdigit():
            self.app.push_screen(DealScreen(self.ws, int(event.option.id)), back)
