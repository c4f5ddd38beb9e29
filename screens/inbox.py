"""The inbox: every open request (new, in work) the person may see, oldest deadline first, with
the time left to answer it (red once overdue); mine, my region's or all; and the keys to work
the request under the cursor without opening it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Static

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.captions import LEAD_CHANNEL_NAMES, LEAD_STATUS_NAMES
from crm_tui.domain.leads.inbox import PAGE, InboxCursor, InboxPage, LeadItem, View, inbox_cursor, inbox_page
from crm_tui.domain.leads.work import take_request
from crm_tui.domain.values.text import inert, literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_, _, counted
from crm_tui.screens.base import ReadingScreen
from crm_tui.screens.dialogs.lead_forms import (
    AnswerDialog,
    AssignDialog,
    ConvertDialog,
    JunkDialog,
    LinkDialog,
)
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable, clip

VIEW_NAMES = {View.MINE: N_("mine"), View.REGION: N_("my region"), View.ALL: N_("all")}
NEXT_VIEW = {View.MINE: View.REGION, View.REGION: View.ALL, View.ALL: View.MINE}
Cursor = InboxCursor
"""A page's start: answered or not, the deadline and the id of the previous page's last request."""


def time_left(due: datetime | None, answered: datetime | None, now: datetime) -> str:
    """How long is left to answer: '12 min', '2 h 05 min', overdue '-7 min'; answered: '✓'."""
    if answered is not None:
        return "✓"
    if due is None:
        return "—"
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    sign = "-" if seconds < 0 else ""
    if minutes < 60:
        return _("{sign}{minutes} min").format(sign=sign, minutes=minutes)
    if minutes < 48 * 60:
        return _("{sign}{hours} h {minutes:02d} min").format(
            sign=sign, hours=minutes // 60, minutes=minutes % 60
        )
    return _("{sign}{days} d").format(sign=sign, days=minutes // (24 * 60))


def who_of(item: LeadItem) -> str:
    return item.company or item.name or "—"


class LeadActions:
    """The keys the inbox and the lead's card share: each opens its dialog (or takes at once)
    and tells the screen to reload."""

    if TYPE_CHECKING:  # the screen's (``CrmScreen.ws``)

        @property
        def ws(self) -> Workspace: ...

    def lead_dialog(self, kind: str, item: LeadItem) -> ModalScreen[str | None]:
        dialogs = {
            "answer": AnswerDialog,
            "assign": AssignDialog,
            "convert": ConvertDialog,
            "junk": JunkDialog,
        }
        if kind == "link":
            suggested = str(item.client_id) if item.client_id else ""
            return LinkDialog(self.ws, item.id, who_of(item), suggested)
        return dialogs[kind](self.ws, item.id, who_of(item))


class InboxScreen(ReadingScreen, LeadActions):
    """New requests and requests in work, oldest deadline first.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the request's card. |
    | t | Take the request (an unowned one of your region). |
    | l | Log the answer (a call, mail, message or note): stops the clock. |
    | a | Assign it to a manager (heads, admins). |
    | v | Convert it to a client (and a deal). |
    | e | Link it to a client of the base. |
    | x | Junk it, with a reason. |
    | m | Mine / my region / all. |
    | n, p | Next and previous page. |
    | R | Lead analysis: the last 30 days by source, manager, channel, region, week. |
    | r | Reload. |
    | escape | Back. |
    """

    TITLE = N_("Requests")
    AUTO_FOCUS = "#inbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("inbox.take", "take", N_("Take")),
        bind("inbox.answer", "lead('answer')", N_("Answer")),
        bind("inbox.assign", "lead('assign')", N_("Assign")),
        bind("inbox.convert", "lead('convert')", N_("Convert")),
        bind("inbox.link", "lead('link')", N_("Link")),
        bind("inbox.junk", "lead('junk')", N_("Junk")),
        # TRANSLATORS: the key that shows my, my region's or all requests in turn
        bind("inbox.view", "view", NC_("requests", "Whose"), context="requests"),
        bind("inbox.report", "report", N_("Analysis")),
        bind("inbox.next_page", "next_page", N_("Next page")),
        bind("inbox.prev_page", "prev_page", N_("Previous page")),
        bind("inbox.refresh", "reload", N_("Refresh"), show=False),
        bind("inbox.back", "back", N_("Back")),
    ]
    GATED: ClassVar[dict[str, Capability]] = {"take": Capability.TAKE_LEADS}

    class Loaded(Message):
        def __init__(self, page: InboxPage, view: View, cursors: tuple[Cursor, ...]) -> None:
            super().__init__()
            self.page = page
            self.view = view
            self.cursors = cursors

    class Done(Message):
        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.view = View.ALL
        self.items: dict[str, LeadItem] = {}
        self.cursors: tuple[Cursor, ...] = ()
        """Where each page after the first starts (a stack, so `p` goes back)."""
        self.page: InboxPage | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="inbox-info", markup=False)
        yield RecordTable(
            [
                Col(_("Left"), 11),
                Col(_("Status"), 9, optional=2),
                Col(_("Channel"), 10),
                Col(_("Source"), 14, optional=3),
                Col(_("Who"), 22),
                Col(_("Owner"), 16, optional=1),
                Col(_("Message")),
            ],
            id="inbox",
        )
        yield Static(_("No open requests. New ones appear here as they come."), classes="empty")
        yield KeyFooter(show_command_palette=False, compact=True)

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="inbox-load", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        view, cursors = self.view, self.cursors
        page = inbox_page(self.ws, view, after=cursors[-1] if cursors else None, limit=PAGE)
        if not page.items and cursors:  # the page emptied under us (taken, answered): go back
            cursors = ()
            page = inbox_page(self.ws, view, limit=PAGE)
        self.post_message(self.Loaded(page, view, cursors))

    def on_inbox_screen_loaded(self, event: Loaded) -> None:
        if event.view is not self.view:
            return
        self.cursors = event.cursors
        self.page = event.page
        now = self.ws.now()
        alert = self.app.current_theme.error or "red"
        self.items = {str(i.id): i for i in event.page.items}
        rows = []
        for item in event.page.items:
            late = item.overdue(now)
            style = f"bold {alert}" if late else ""
            cells = [
                Text(time_left(item.answer_due_at, item.first_response_at, now), style=style),
                Text(LEAD_STATUS_NAMES.caption(item.status) + (" ↻" if item.repeat else "")),
                Text(LEAD_CHANNEL_NAMES.caption(item.channel)),
                literal(clip(item.source_label, 14)),
                literal(clip(inert(who_of(item)), 22)),
                literal(clip(inert(item.owner) or _("queue"), 16)),
                literal(item.first_line, overflow="ellipsis", no_wrap=True),
            ]
            rows.append((str(item.id), cells))
        self.query_one("#inbox", RecordTable).set_records(rows)
        self.set_class(not rows, "-empty")
        shown = counted(len(rows), "{count} open request", "{count} open requests")
        overdue = counted(event.page.overdue, "{count} overdue", "{count} overdue")
        where = _("page {n}").format(n=len(self.cursors) + 1)
        more = _("more: n") if event.page.more else _("last page")
        self.query_one("#inbox-info", Static).update(
            " · ".join((_(VIEW_NAMES[self.view]), where, shown, overdue, more))
        )
        self.sub_title = _(VIEW_NAMES[self.view])
        self.refresh_bindings()

    def selected(self) -> LeadItem | None:
        key = self.query_one("#inbox", RecordTable).selected_key
        return None if key is None else self.items.get(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("take", "lead"):
            return True if self.selected() is not None else None
        if action == "next_page":
            return self.page is not None and self.page.more and self._next_cursor() is not None
        if action == "prev_page":
            return bool(self.cursors)
        return True

    def _next_cursor(self) -> Cursor | None:
        last = self.page.items[-1] if self.page is not None and self.page.items else None
        return None if last is None else inbox_cursor(last)

    def action_next_page(self) -> None:
        cursor = self._next_cursor()
        if cursor is not None and self.page is not None and self.page.more:
            self.cursors = (*self.cursors, cursor)
            self.load()

    def action_prev_page(self) -> None:
        if self.cursors:
            self.cursors = self.cursors[:-1]
            self.load()

    def action_report(self) -> None:
        from crm_tui.screens.lead_report import LeadReportScreen

        self.app.push_screen(LeadReportScreen(self.ws))

    def action_view(self) -> None:
        self.view = NEXT_VIEW[self.view]
        self.cursors = ()
        self.load()

    def action_take(self) -> None:
        item = self.selected()
        if item is not None:
            self._take(item)

    @work(thread=True, exclusive=True, group="inbox-take", exit_on_error=False)
    def _take(self, item: LeadItem) -> None:
        take_request(self.ws, item.id)
        self.post_message(self.Done(_("Yours now: {who}").format(who=who_of(item))))

    def action_lead(self, kind: str) -> None:
        item = self.selected()
        if item is None:
            return

        def done(note: str | None) -> None:
            if note:
                self.post_message(self.Done(note))

        self.app.push_screen(self.lead_dialog(kind, item), done)

    def on_inbox_screen_done(self, event: Done) -> None:
        self.notify(event.note)
        self.load()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        from crm_tui.screens.lead_card import LeadCardScreen

        key = event.row_key.value or ""
        if key in self.items:
            self.app.push_screen(LeadCardScreen(self.ws, self.items[key].id))
