"""The segments screen: warm, loyal and lost with counts and sums, their clients, who moved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.access.users import UserInfo, owner_candidates
from crm_tui.domain.imports.port import ImportJobs
from crm_tui.domain.segments import Segment
from crm_tui.domain.segments.actions import plan_calls
from crm_tui.domain.segments.lists import (
    MoveRow,
    SegmentCursor,
    SegmentOverview,
    SegmentRow,
    SegmentSort,
    segment_moves,
    segment_overview,
    segment_page,
)
from crm_tui.domain.segments.recompute import recompute_segments
from crm_tui.domain.values.formatting import local_time, money_figure, money_figures
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _, counted
from crm_tui.screens.dialogs.segments import AssignDialog, CallPlan, CallsDialog, segment_name
from crm_tui.screens.handover_flow import HandoverFlow
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.kpi_tile import KpiTile

SEGMENT_HINTS = {
    Segment.WARM: N_("proposal or invoice out"),
    Segment.LOYAL: N_("bought within interval"),
    Segment.LOST: N_("earlier or never"),
}
"""What puts a client in each segment, under its tile (msgids)."""


def interval_source_label(source: str) -> str:
    """Where the purchase interval came from: the settings, or the average of the sales history
    (English shows the stored word)."""
    return {"set": _("set"), "auto": _("auto")}.get(source, source)


@dataclass(frozen=True)
class View:
    segment: Segment = Segment.WARM
    sort: SegmentSort = SegmentSort.LAST_PURCHASE
    moves: bool = False
    cursors: tuple[SegmentCursor, ...] = ()
    """Where each page after the first starts (a stack, so `p` goes back)."""


@dataclass
class Loaded:
    overview: SegmentOverview
    rows: list[SegmentRow] = field(default_factory=list)
    moves: list[MoveRow] = field(default_factory=list)
    has_next: bool = False


class SegmentsScreen(HandoverFlow):
    """Where money comes fastest: the base split into warm, loyal and lost (seed 000).

    | Key(s) | Description |
    | :- | :- |
    | 1, 2, 3 | Warm, loyal, lost. |
    | m | Who moved in the latest recompute (again: back to the segment). |
    | s | Sort by last purchase or by purchase value. |
    | n, p | Next and previous page. |
    | space | Select or unselect the client under the cursor. |
    | * | Select the whole page (again: clear the selection). |
    | a | Give the selected clients to a manager (heads, admins): asks first. |
    | u | Undo the handover just made here. |
    | c | Plan a call for each selected client's owner. |
    | r | Recompute the segments now (heads, admins, ops). |
    | i | Import the sales history from the trade system (heads, admins, ops). |
    | enter | Open the client's card. |
    | escape | Back to the desk. |
    """

    TITLE = N_("Segments")
    GATED: ClassVar[Mapping[str, Capability]] = {
        "recompute": Capability.RECOMPUTE_SEGMENTS,
        "import_orders": Capability.IMPORT_ORDERS,
        "assign": Capability.HAND_OVER_CLIENTS,
    }
    AUTO_FOCUS = "#segment-clients"
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("segments.warm", "segment('warm')", N_("Segment"), key_display="1-3"),
        bind("segments.loyal", "segment('loyal')", N_("Loyal"), show=False),
        bind("segments.lost", "segment('lost')", N_("Lost"), show=False),
        bind("segments.moves", "moves", N_("Moved")),
        bind("segments.sort", "sort", N_("Sort")),
        bind("segments.next_page", "next_page", N_("Next page")),
        bind("segments.prev_page", "prev_page", N_("Previous page")),
        bind("segments.select", "select", N_("Select")),
        bind("segments.select_page", "select_page", N_("Select page"), key_display="*", show=False),
        bind("segments.assign", "assign", N_("Give to")),
        bind("segments.undo_handover", "undo_handover", N_("Undo handover")),
        bind("segments.calls", "calls", N_("Plan calls")),
        bind("segments.recompute", "recompute", N_("Recompute")),
        bind("segments.import_orders", "import_orders", N_("Import sales")),
        bind("segments.back", "back", N_("Back")),
    ]

    class DataLoaded(Message):
        def __init__(self, view: View, loaded: Loaded) -> None:
            super().__init__()
            self.view = view
            self.loaded = loaded

    class ActionDone(Message):
        """A bulk action or a recompute finished; the line says what it did."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class PeopleLoaded(Message):
        def __init__(self, people: list[UserInfo]) -> None:
            super().__init__()
            self.people = people

    def __init__(self, ws: Workspace, jobs: ImportJobs) -> None:
        super().__init__(ws)
        self.jobs = jobs
        self.view = View()
        self.loaded: Loaded | None = None
        self.selected: set[int] = set()
        self.people: list[UserInfo] = []
        self._status_base = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="segment-tiles"):
            for segment in Segment:
                yield KpiTile(
                    f"{segment_name(segment)} ({list(Segment).index(segment) + 1})",
                    id=f"tile-{segment}",
                    bar=True,
                )
        yield Static("", id="segment-info", markup=False)
        yield DataTable(id="segment-clients", cursor_type="row", zebra_stripes=True)
        yield Static("", id="segment-status", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = self.ws.viewer.full_name
        self.load(self.view)
        self.load_people()

    def refresh_data(self) -> None:
        self.load(self.view)

    # --- data -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="segments-load", exit_on_error=False)
    def load(self, view: View) -> None:
        self.note_version()
        with self.ws.read() as session:
            loaded = Loaded(segment_overview(session, self.ws.viewer))
            if view.moves:
                loaded.moves = segment_moves(session, self.ws.viewer, limit=500)
            else:
                after = view.cursors[-1] if view.cursors else None
                loaded.rows, loaded.has_next = segment_page(
                    session, self.ws.viewer, view.segment, view.sort, after
                )
        if not get_current_worker().is_cancelled:
            self.post_message(self.DataLoaded(view, loaded))

    @work(thread=True, exclusive=True, group="segments-people", exit_on_error=False)
    def load_people(self) -> None:
        with self.ws.read() as session:
            people = owner_candidates(session, self.ws.viewer)
        self.post_message(self.PeopleLoaded(people))

    def on_segments_screen_people_loaded(self, event: PeopleLoaded) -> None:
        self.people = event.people

    def on_segments_screen_data_loaded(self, event: DataLoaded) -> None:
        if event.view.segment != self.view.segment or event.view.moves != self.view.moves:
            return
        self.view, self.loaded = event.view, event.loaded
        self._show_tiles(event.loaded.overview)
        self._show_table()
        self.refresh_bindings()

    def _show_tiles(self, overview: SegmentOverview) -> None:
        total = sum(c.clients for c in overview.counts) or 1
        for count in overview.counts:
            if count.segment is None:
                continue
            segment = Segment(count.segment)
            tile = self.query_one(f"#tile-{segment}", KpiTile)
            caption = money_figure(count.sales_total) + " · " + _(SEGMENT_HINTS[segment])
            tile.show(f"{count.clients:,}".replace(",", "\u202f"), caption, share=count.clients / total)
            tile.set_class(segment is self.view.segment and not self.view.moves, "-chosen")
        info = self.query_one("#segment-info", Static)
        if overview.recomputed_at is None:
            info.update(_("Not computed yet: import the sales history, or press r."))
            return
        parts = [_("Recomputed {when}").format(when=local_time(overview.recomputed_at, self.ws.tz))]
        if overview.interval_days is None:
            parts.append(_("no sales history: set segments by hand"))
        else:
            parts.append(
                _("interval {days} days ({source})").format(
                    days=overview.interval_days, source=interval_source_label(overview.interval_source or "")
                )
            )
        parts.append(_("{count} moved (m)").format(count=overview.moved))
        unset = next((c.clients for c in overview.counts if c.segment is None), 0)
        if unset:
            parts.append(_("{count} without a segment").format(count=unset))
        info.update(" · ".join(parts))

    def _show_table(self) -> None:
        table = self.query_one("#segment-clients", DataTable)
        table.clear(columns=True)
        loaded = self.loaded
        if loaded is None:
            return
        if self.view.moves:
            table.add_columns(" ", _("Client"), _("Owner"), _("Was"), _("Now"))
            for move in loaded.moves:
                was = segment_name(Segment(move.before)) if move.before else "—"
                now = segment_name(Segment(move.after)) if move.after else "—"
                table.add_row(
                    self._mark(move.client_id),
                    literal(move.name),
                    literal(move.owner),
                    was,
                    now,
                    key=str(move.client_id),
                )
            status = _("{count} clients moved in the latest recompute").format(count=len(loaded.moves))
        else:
            table.add_columns(" ", _("Client"), _("Owner"), _("Region"), _("Last purchase"), _("Value"))
            values = money_figures([row.sales_total for row in loaded.rows])  # kopecks in all or none
            for row, value in zip(loaded.rows, values, strict=True):
                name = literal(f"{row.legal_form} {row.name}" if row.legal_form else row.name)
                if row.manual:
                    name.append(" ✎", style="italic")
                table.add_row(
                    self._mark(row.id),
                    name,
                    literal(row.owner),
                    literal(row.region),
                    f"{row.last_purchase_on:%d.%m.%Y}" if row.last_purchase_on else _("never"),
                    Text(value, justify="right"),
                    key=str(row.id),
                )
            sort = _("by last purchase") if self.view.sort is SegmentSort.LAST_PURCHASE else _("by value")
            page = len(self.view.cursors) + 1
            more = _("more: n") if loaded.has_next else _("last page")
            status = (
                f"{segment_name(self.view.segment)} · {sort} · " + _("page {n}").format(n=page) + f" · {more}"
            )
        self._status_base = status
        self._show_status()

    def _show_status(self) -> None:
        status = self._status_base
        if self.selected:
            status += " · " + _("{count} selected").format(count=len(self.selected))
        self.query_one("#segment-status", Static).update(status)

    def _mark(self, client_id: int) -> str:
        return "●" if client_id in self.selected else " "

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "assign":
            return bool(self.selected) or None
        if action == "calls":
            return bool(self.selected) or None
        if action == "next_page":
            return self.loaded is not None and self.loaded.has_next and not self.view.moves
        if action == "prev_page":
            return bool(self.view.cursors)
        if action == "sort":
            return not self.view.moves
        return self.check_handover_action(action)

    def _go(self, view: View) -> None:
        self.view = view
        self.load(view)

    def action_segment(self, name: str) -> None:
        self._go(View(Segment(name), self.view.sort))

    def action_moves(self) -> None:
        self._go(View(self.view.segment, self.view.sort, moves=not self.view.moves))

    def action_sort(self) -> None:
        other = (
            SegmentSort.VALUE if self.view.sort is SegmentSort.LAST_PURCHASE else SegmentSort.LAST_PURCHASE
        )
        self._go(View(self.view.segment, other))

    def action_next_page(self) -> None:
        if self.loaded is not None and self.loaded.rows and self.loaded.has_next:
            cursor = self.loaded.rows[-1].cursor(self.view.sort)
            self._go(View(self.view.segment, self.view.sort, cursors=(*self.view.cursors, cursor)))

    def action_prev_page(self) -> None:
        if self.view.cursors:
            self._go(View(self.view.segment, self.view.sort, cursors=self.view.cursors[:-1]))

    def _cursor_client(self) -> int | None:
        table = self.query_one("#segment-clients", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_select(self) -> None:
        client_id = self._cursor_client()
        if client_id is None:
            return
        self.selected.symmetric_difference_update({client_id})
        table = self.query_one("#segment-clients", DataTable)
        table.update_cell_at(table.cursor_coordinate._replace(column=0), self._mark(client_id))
        table.action_cursor_down()
        self._show_status()
        self.refresh_bindings()

    def action_select_page(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        ids = {m.client_id for m in loaded.moves} if self.view.moves else {r.id for r in loaded.rows}
        if ids <= self.selected:
            self.selected -= ids
        else:
            self.selected |= ids
        self._show_table()
        self.refresh_bindings()

    def action_assign(self) -> None:
        names = {p.login: p.full_name for p in self.people}
        chosen_ids = sorted(self.selected)

        def chosen(login: str | None) -> None:
            if login:
                self.plan_handover(chosen_ids, login, names.get(login, login))

        self.app.push_screen(AssignDialog(len(self.selected), self.people), chosen)

    def handover_done(self, line: str) -> None:
        self.post_message(self.ActionDone(line))

    def action_calls(self) -> None:
        ws, selected = self.ws, sorted(self.selected)
        lines: list[str] = []

        def commit(plan: CallPlan) -> None:
            result = plan_calls(ws, selected, plan.title, plan.due)
            lines.append(counted(result.changed, "{count} call planned", "{count} calls planned"))

        def chosen(plan: CallPlan | None) -> None:
            if plan is not None and lines:
                self.post_message(self.ActionDone(lines[-1]))

        self.app.push_screen(CallsDialog(len(selected), ws.now(), ws.tz, commit), chosen)

    @work(thread=True, exclusive=True, group="segments-action", exit_on_error=False)
    def action_recompute(self) -> None:
        result = recompute_segments(self.ws)
        self.post_message(
            self.ActionDone(_("Segments recomputed: {moved} moved").format(moved=result.changed))
        )

    def on_segments_screen_action_done(self, event: ActionDone) -> None:
        self.selected.clear()
        self.notify(event.line)
        self.load(self.view)

    def action_import_orders(self) -> None:
        from crm_tui.screens.orders_import import OrdersImportScreen

        data_dir = getattr(self.app, "data_dir", None)

        def back(_result: None) -> None:
            self.load(self.view)

        self.app.push_screen(OrdersImportScreen(self.ws, self.jobs, data_dir), back)

    async def action_back(self) -> None:
        await self.app.run_action("app.desk")

    @on(DataTable.RowSelected, "#segment-clients")
    def _open(self, event: DataTable.RowSelected) -> None:
        from crm_tui.screens.card.screen import ClientCardScreen

        if event.row_key.value is not None:
            self.post_message(ClientCardScreen.Open(int(event.row_key.value)))
