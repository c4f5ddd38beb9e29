""" "My sales": the manager's home screen."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from crm_tui.domain.access.rights import Capability
from crm_tui.domain.values.formatting import day_time, day_time_width, local_time
from crm_tui.domain.values.text import inert, literal
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmScreen, kind_label
from crm_tui.screens.desk_tiles import kpi_tiles, show_tiles
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.kpi_tile import KpiTile
from crm_tui.widgets.record_table import Col, RecordTable, clip
from crm_tui.widgets.stage_summary import StageSummaryTable

if TYPE_CHECKING:  # the domain imports SQLAlchemy: the desk is drawn before, while it loads
    from crm_tui.domain.desk import Desk, DeskTask, InboundItem
    from crm_tui.domain.workspace import ChangeCheck, Workspace

DESK_NEXT = (
    "crm_tui.domain.tasks.lifecycle",
    "crm_tui.screens.dialogs.snooze",
    "crm_tui.screens.dialogs.task_change",
    "crm_tui.screens.dialogs.task_form",
    "crm_tui.screens.dialogs.task_result",
)
"""What the desk's keys open, loaded by the app once the desk is on screen."""


class FirstDesk(NamedTuple):
    """The desk's data read before the screen exists (the app reads it at start-up, in the
    worker that opens the base), with the change check that was asked just before the read."""

    desk: Desk
    check: ChangeCheck
    token: int


class DeskScreen(CrmScreen):
    """My sales: today's and overdue tasks, recent inbound, own open deals by stage, KPI tiles
    (with the open requests and how many are past their answer time).

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the client of the selected task or inbound item (or the request's card). |
    | x | Complete the selected task (asks what came of it). |
    | s | Snooze the selected task (+1 hour, tomorrow 9:00, next Monday 9:00...). |
    | A | Give the selected task to a colleague (within your scope). |
    | M | Move the selected task to another moment (завтра 10:00, пт, +2). |
    | X | Cancel the selected task, saying why (whoever set it sees the reason). |
    | T | A new task, for yourself or a colleague, on a client and one of its deals. |
    | N | A new deal (the app's key, here a priority one: the keys typed after it land in it). |
    | r | Reload the desk. |
    | tab | Move between the tasks and the inbound list. |
    """

    TITLE = N_("My sales")
    AUTO_FOCUS = "#tasks"
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("desk.complete", "complete", N_("Done")),
        bind("desk.snooze", "snooze", N_("Snooze")),
        bind("desk.reassign", "change_task('assignee')", N_("Reassign")),
        bind("desk.reschedule", "change_task('due')", N_("Move")),
        bind("desk.cancel_task", "change_task('reason')", N_("Cancel task")),
        bind("desk.refresh", "reload", N_("Refresh")),
        bind("desk.new_task", "new_task", N_("New task"), show=False, priority=True),
        bind("desk.new_deal", "app.new_deal", N_("New deal"), show=False, priority=True),
    ]
    GATED: ClassVar[Mapping[str, Capability]] = {"new_task": Capability.SET_TASKS}

    class Loaded(Message):
        """The desk's read model arrived from a worker."""

        def __init__(self, desk: Desk) -> None:
            super().__init__()
            self.desk = desk

    class Changed(Message):
        """A task was completed or snoozed; ``note`` says which, for the person."""

        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, ws: Workspace | None = None) -> None:
        """Without ``ws`` the desk is the app's first screen, drawn while the base opens: its
        tiles and tables wait empty (the header says the base is opening) until ``base_opened``
        brings the workspace and the data read with it. With ``ws`` it reads its own data."""
        super().__init__(ws)
        # Under 100 columns: four tiles and a narrower stage summary; under 32 lines: a shorter
        # inbound list, so that the tasks keep their room (app.tcss, DeskScreen.-narrow/-short).
        # From 120 columns and 32 lines the tasks take the whole width, a task's deal beside its
        # title read whole, and the stage summary goes beside the inbound (DeskScreen.-roomy.-tall).
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (120, "-roomy")]
        self.VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
        self.desk: Desk | None = None
        self._tasks: dict[str, DeskTask] = {}
        self._inbound: dict[str, InboundItem] = {}
        self._first: FirstDesk | None = None
        self._drawn = False
        """Whether the desk has been laid out and drawn: the data waits for it, so that the
        tables' columns are fitted to their width when it comes."""
        if ws is None:  # set before the header watches it, which a start that fails outruns
            self.sub_title = _("Opening the client base…")
        else:
            self._show_day()

    def compose(self) -> ComposeResult:
        self.fit_breakpoints(self.app.size)  # styled once, in the layout of this size
        yield Header()
        with Horizontal(id="kpis"):
            yield from kpi_tiles()
        with Grid(id="desk-body"):
            with Vertical(id="tasks-panel", classes="panel") as panel:
                panel.border_title = _("Tasks: today and overdue")
                yield RecordTable(
                    [
                        Col(_("Due"), day_time_width()),
                        Col(_("Task")),
                        Col(_("Kind"), 8, optional=2),
                        Col(_("Client"), 18, optional=1),
                    ],
                    id="tasks",
                )
                yield Static(_("Nothing due today. Well done."), classes="empty")
            with Vertical(id="stages-panel", classes="panel") as panel:
                panel.border_title = _("My open deals by stage")
                yield StageSummaryTable(id="stages")
            with Vertical(id="inbound-panel", classes="panel") as panel:
                panel.border_title = _("Recent inbound")
                yield RecordTable(
                    [Col(_("When"), 11), Col(_("Channel"), 9), Col(_("Client"), 24), Col(_("Summary"))],
                    id="inbound",
                )
                yield Static(_("No inbound calls or messages yet."), classes="empty")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_drawn)

    def _first_drawn(self) -> None:
        self._drawn = True
        self.on_resize()
        if self.base_is_open:
            self.call_after_refresh(self._start)

    def base_opened(self, ws: Workspace, first: FirstDesk | None = None) -> None:
        """The workspace and, when it could be read, the data (``first``; without it the desk
        reads its own), shown at once or once the desk is drawn, whichever comes last."""
        super().base_opened(ws)
        self._first = first
        # The header sets its title a message later: the data comes in the frame after it, so
        # that the frame with the data is the whole desk.
        self._show_day()
        if self._drawn:
            self.call_after_refresh(self._start)

    def _start(self) -> None:
        self._show_day()
        first, self._first = self._first, None
        if first is None:
            self.action_reload()
            return
        self.watch_from(first.check, first.token)
        self.on_desk_screen_loaded(self.Loaded(first.desk))

    def on_resize(self) -> None:
        """The tables' columns and the tiles' captions fitted to the layout just made, before the
        frame that draws it. Their own Resize events come after that frame: the desk's first
        frame showed the tables as fitted to no width and the captions unbroken, and a second
        layout and frame, the real desk. (Runs before Textual's own handler, so on a later
        resize it sees the sizes of the last layout and finds nothing to change; the widgets'
        own Resize does it then.) The first screen's first Resize comes before its widgets."""
        if not self._drawn:
            return
        for table in self.query(RecordTable):
            table.fit_columns()
        for tile in self.query(KpiTile):
            tile.fit_caption()

    def _show_day(self) -> None:
        today = local_time(self.ws.now(), self.ws.tz, "%d.%m.%Y")
        self.sub_title = f"{self.ws.viewer.full_name} · {today}"

    # --- data -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="desk-load", exit_on_error=False)
    def load(self) -> None:
        from crm_tui.domain.desk import load_desk

        self.note_version()
        desk = load_desk(self.ws)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(desk))

    def on_desk_screen_changed(self, event: Changed) -> None:
        self.notify(event.note)
        self.load()

    def on_desk_screen_loaded(self, event: Loaded) -> None:
        self.desk = event.desk
        self._show_day()
        show_tiles(self, event.desk)
        self._show_tasks(event.desk)
        self._show_inbound(event.desk)
        self.query_one("#stages", StageSummaryTable).show(event.desk.stages)
        self.refresh_bindings()

    # --- rendering ------------------------------------------------------------------------

    def _set_panel(self, panel_id: str, title: str, count: int) -> None:
        panel = self.query_one(panel_id, Vertical)
        panel.border_title = f"{title} ({count})"
        panel.set_class(count == 0, "-empty")

    def _show_tasks(self, desk: Desk) -> None:
        alert = self.app.current_theme.error or "red"
        self._tasks = {str(t.id): t for t in desk.tasks}
        rows = []
        for t in desk.tasks:
            due = day_time(t.due_at, self.ws.now(), self.ws.tz)
            style = f"bold {alert}" if t.overdue else ""
            cells = [
                literal(c, style=style, no_wrap=True, overflow="ellipsis")
                for c in (due, t.title, kind_label(t.kind), clip(inert(t.client) or "—", 18))
            ]
            if t.deal:  # the deal it is on, after its title
                cells[1].append_text(literal(f" · {t.deal}", style=f"{style} dim".strip()))
            rows.append((str(t.id), cells))
        self.query_one("#tasks", RecordTable).set_records(rows)
        overdue = sum(t.overdue for t in desk.tasks)
        title = _("Tasks: today and overdue")
        self._set_panel("#tasks-panel", title, len(desk.tasks))
        panel = self.query_one("#tasks-panel", Vertical)
        panel.border_subtitle = _("{n} overdue").format(n=overdue) if overdue else ""

    @staticmethod
    def _channel(item: InboundItem) -> str:
        from crm_tui.domain.captions import CHANNEL_NAMES, LEAD_CHANNEL_NAMES

        if not item.channel:
            return kind_label(item.kind)
        names = LEAD_CHANNEL_NAMES if item.lead_id is not None else CHANNEL_NAMES
        return names.caption(item.channel)

    def _show_inbound(self, desk: Desk) -> None:
        self._inbound = {str(i.id): i for i in desk.inbound}
        rows = [
            (
                str(i.id),
                [
                    Text(local_time(i.occurred_at, self.ws.tz, "%d.%m %H:%M")),
                    Text(self._channel(i)),
                    literal(clip(inert(i.client) or "—", 24)),
                    literal(i.summary, overflow="ellipsis", no_wrap=True),
                ],
            )
            for i in desk.inbound
        ]
        self.query_one("#inbound", RecordTable).set_records(rows)
        self._set_panel("#inbound-panel", _("Recent inbound"), len(desk.inbound))

    # --- actions --------------------------------------------------------------------------

    def _selected_task(self) -> DeskTask | None:
        table = self.query_one("#tasks", RecordTable)
        key = table.selected_key
        return None if key is None else self._tasks.get(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.base_is_open:
            return None if action in ("complete", "snooze", "change_task", "reload", "new_task") else True
        if action in ("complete", "snooze", "change_task"):
            # Asked for every key each time the footer is drawn: the focused widget's id, not a
            # search of the screen's widgets.
            focused = self.focused
            on_task = focused is not None and focused.id == "tasks" and self._selected_task() is not None
            return True if on_task else None
        return True

    # The dialogs and the task changes load when first used, not before the desk is drawn
    # (the app loads them once the desk is up: ``DESK_NEXT``).

    def action_complete(self) -> None:
        from crm_tui.domain.tasks.lifecycle import complete_task
        from crm_tui.screens.dialogs.task_result import TaskResultScreen

        task = self._selected_task()
        if task is None:
            return

        ws = self.ws

        def commit(result: str) -> None:
            complete_task(ws, task.id, task.version, result)

        def finish(result: str | None) -> None:
            if result is not None:
                self.post_message(self.Changed(_("Done: {title}").format(title=task.title)))

        self.app.push_screen(TaskResultScreen(task.title, commit), finish)

    def action_snooze(self) -> None:
        from crm_tui.domain.tasks.lifecycle import snooze_task
        from crm_tui.screens.dialogs.snooze import SnoozeScreen

        task = self._selected_task()
        if task is None:
            return

        ws = self.ws

        def commit(until: datetime) -> None:
            snooze_task(ws, task.id, task.version, until)

        def finish(until: datetime | None) -> None:
            if until is not None:
                when = day_time(until, ws.now(), ws.tz)
                self.post_message(
                    self.Changed(_("Snoozed to {when}: {title}").format(when=when, title=task.title))
                )

        self.app.push_screen(SnoozeScreen(task.title, ws.now(), ws.tz, commit), finish)

    def action_change_task(self, change: str) -> None:
        """Reassign, reschedule or cancel the selected task (``TaskChange``'s field key)."""
        from crm_tui.screens.dialogs.task_change import TaskChange, TaskRef, change_task

        task = self._selected_task()
        ref = None if task is None else TaskRef(task.id, task.version, task.title, task.due_at)
        change_task(self, self.ws, ref, TaskChange(change), self._task_changed)

    def _task_changed(self, line: str) -> None:
        self.post_message(self.Changed(line))

    def action_new_task(self) -> None:
        """A new task (``T``, the app's key, bound here too): a priority key, so that it opens
        the dialog as it comes and the keys typed right after it land there (held while the
        dialog opens), not in the tasks list."""
        from crm_tui.domain.tasks.manual import SetTask
        from crm_tui.screens.dialogs.task_form import TaskDialog

        def saved(task: SetTask | None) -> None:
            if task is not None:
                self.post_message(self.Changed(_("Task set.")))

        self.app.push_screen(TaskDialog(self.ws), saved)

    @on(DataTable.RowSelected)
    def _open_client(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        client_id: int | None = None
        if event.data_table.id == "tasks" and key in self._tasks:
            client_id = self._tasks[key].client_id
        elif event.data_table.id == "inbound" and key in self._inbound:
            item = self._inbound[key]
            if item.client_id is None and item.lead_id is not None:
                from crm_tui.screens.lead_card import LeadCardScreen

                self.app.push_screen(LeadCardScreen(self.ws, item.lead_id))
                return
            client_id = item.client_id
        if client_id is None:
            self.notify(_("This item has no client to open."), severity="warning")
            return
        # The card loads when a client is first opened: the desk paints without it.
        from crm_tui.screens.card.screen import ClientCardScreen

        self.post_message(ClientCardScreen.Open(client_id))
