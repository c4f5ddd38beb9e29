"""A request's card: who asked what, through which channel and source, the clock of its answer,
its touches, the clients of the base holding its numbers or addresses, and its actions."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.captions import LEAD_CHANNEL_NAMES, LEAD_STATUS_NAMES
from crm_tui.domain.leads.inbox import LeadCard, lead_card
from crm_tui.domain.leads.work import take_request
from crm_tui.domain.values.formatting import local_time, messenger, phone
from crm_tui.domain.values.text import inert, literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import ReadingScreen, kind_label
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.inbox import LeadActions, time_left, who_of
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable, clip


class LeadCardScreen(ReadingScreen, LeadActions):
    """One request.

    | Key(s) | Description |
    | :- | :- |
    | t | Take it. |
    | l | Log the answer. |
    | a | Assign it to a manager. |
    | v | Convert it to a client (and a deal). |
    | e | Link it to a client of the base. |
    | x | Junk it. |
    | enter | On a match: open that client's card. |
    | escape | Back. |
    """

    TITLE = N_("Request")
    AUTO_FOCUS = "#lead-touches"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("lead.take", "take", N_("Take")),
        bind("lead.answer", "lead('answer')", N_("Answer")),
        bind("lead.assign", "lead('assign')", N_("Assign")),
        bind("lead.convert", "lead('convert')", N_("Convert")),
        bind("lead.link", "lead('link')", N_("Link")),
        bind("lead.junk", "lead('junk')", N_("Junk")),
        bind("lead.back", "back", N_("Back")),
    ]
    GATED: ClassVar[dict[str, Capability]] = {"take": Capability.TAKE_LEADS}

    class Loaded(Message):
        def __init__(self, card: LeadCard) -> None:
            super().__init__()
            self.card = card

    class Done(Message):
        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, ws: Workspace, lead_id: int) -> None:
        super().__init__(ws)
        self.lead_id = lead_id
        self.card: LeadCard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="lead-head", markup=False)
        yield Static("", id="lead-message", markup=False)
        with Vertical(id="lead-touches-panel", classes="panel") as panel:
            panel.border_title = _("Touches")
            yield RecordTable(
                [Col(_("When"), 11), Col(_("Kind"), 10), Col(_("Who"), 16, optional=1), Col(_("Summary"))],
                id="lead-touches",
            )
        with Vertical(id="lead-matches-panel", classes="panel") as panel:
            panel.border_title = _("In the base")
            yield RecordTable(
                [Col(_("Client")), Col(_("Owner"), 20), Col(_("Matched by"), 26)], id="lead-matches"
            )
            yield Static(_("Nobody in the base has these numbers or addresses."), classes="empty")
        yield KeyFooter(show_command_palette=False, compact=True)

    @work(thread=True, exclusive=True, group="lead-load", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        self.post_message(self.Loaded(lead_card(self.ws, self.lead_id)))

    def on_lead_card_screen_loaded(self, event: Loaded) -> None:
        self.card = card = event.card
        item = card.item
        now = self.ws.now()
        self.sub_title = f"#{item.id} {inert(who_of(item))}"
        alert = self.app.current_theme.error or "red"
        head = Text()
        head.append(f"{LEAD_STATUS_NAMES.caption(item.status)}", style="bold")
        if item.repeat:
            head.append(" · " + _("repeat request"))
        head.append(f" · {LEAD_CHANNEL_NAMES.caption(item.channel)}")
        head.append(" · " + inert(item.source_label))
        head.append(" · " + _("received {when}").format(when=local_time(item.received_at, self.ws.tz)))
        left = time_left(item.answer_due_at, item.first_response_at, now)
        head.append(
            " · " + _("answer: {left}").format(left=left), style=f"bold {alert}" if item.overdue(now) else ""
        )
        head.append("\n" + inert(" ".join(filter(None, (item.company, item.name)))))
        head.append(
            "  "
            + inert(
                ", ".join(
                    [phone(p) for p in item.phones] + item.emails + [messenger(m) for m in item.messengers]
                )
            )
        )
        if "phone_unreadable" in item.flags:
            head.append("  " + _("(the phone could not be read: kept as typed)"), style="italic")
        head.append("\n" + _("Owner: {owner}").format(owner=inert(item.owner) or _("the region's queue")))
        if item.region:
            head.append(f" · {inert(item.region)}")
        self.query_one("#lead-head", Static).update(head)
        self.query_one("#lead-message", Static).update(literal(item.message or "—", multiline=True))
        touches = [
            (
                str(t.id),
                [
                    Text(local_time(t.occurred_at, self.ws.tz, "%d.%m %H:%M")),
                    Text(kind_label(t.kind) + (" ←" if t.direction == "inbound" else " →")),
                    literal(clip(inert(t.user) or "—", 16)),
                    literal(t.summary, overflow="ellipsis", no_wrap=True),
                ],
            )
            for t in card.touches
        ]
        self.query_one("#lead-touches", RecordTable).set_records(touches)
        matches = [
            (str(h.client_id), [literal(h.client_name), literal(inert(h.owner) or "—"), literal(h.matched)])
            for h in card.matches
        ]
        self.query_one("#lead-matches", RecordTable).set_records(matches)
        self.query_one("#lead-matches-panel", Vertical).set_class(not matches, "-empty")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("take", "lead"):
            return True if self.card is not None and self.card.item.status in ("new", "in_work") else None
        return True

    def action_take(self) -> None:
        if self.card is not None:
            self._take()

    @work(thread=True, exclusive=True, group="lead-take", exit_on_error=False)
    def _take(self) -> None:
        take_request(self.ws, self.lead_id)
        self.post_message(self.Done(_("The request is yours.")))

    def action_lead(self, kind: str) -> None:
        if self.card is None:
            return
        item = self.card.item
        if kind == "link" and self.card.matches and not item.client_id:
            item = replace(item, client_id=self.card.matches[0].client_id)

        def done(note: str | None) -> None:
            if note:
                self.post_message(self.Done(note))

        self.app.push_screen(self.lead_dialog(kind, item), done)

    def on_lead_card_screen_done(self, event: Done) -> None:
        self.notify(event.note)
        self.load()

    @on(DataTable.RowSelected, "#lead-matches")
    def _open_match(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if key.isdigit():
            self.post_message(ClientCardScreen.Open(int(key)))
