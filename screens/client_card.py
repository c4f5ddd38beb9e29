"""The client card: who the client is, how to reach them, deals, latest touches, open tasks."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from crm_tui.domain.client_card import ChannelInfo, ClientCard, load_card
from crm_tui.domain.formatting import local_time, money, phone
from crm_tui.domain.interactions import log_interaction
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import _
from screens.base import CrmScreen, kind_label
from screens.log_interaction import InteractionDraft, LogInteractionScreen
from storage.models import InteractionKind
from widgets.client_table import status_label
from widgets.record_table import Col, RecordTable, clip

ARROWS = {"inbound": "←", "outbound": "→", "internal": "·"}


def deal_status_label(status: str) -> str:
    return {"open": _("open"), "won": _("won"), "lost": _("lost")}.get(status, status)


def channel_text(channel: ChannelInfo) -> str:
    return phone(channel.value) if channel.kind == "phone" else channel.value


class ClientCardScreen(CrmScreen):
    """One client on one screen, opened from the desk or the clients list.

    | Key(s) | Description |
    | :- | :- |
    | l | Log a call with this client (summary and optional duration). |
    | o | Add a note. |
    | r | Reload the card. |
    | escape | Back to where the card was opened from. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log_call", _("Log call"), id="card.log_call"),
        Binding("o", "add_note", _("Note"), id="card.add_note"),
        Binding("r", "reload", _("Refresh"), id="card.refresh"),
        Binding("escape", "back", _("Back"), id="card.back"),
    ]

    class Loaded(Message):
        """The card's read model arrived from a worker."""

        def __init__(self, card: ClientCard) -> None:
            super().__init__()
            self.card = card

    class Logged(Message):
        """A call or a note was saved on this client."""

        def __init__(self, kind: InteractionKind) -> None:
            super().__init__()
            self.kind = kind

    def __init__(self, ws: Workspace, client_id: int) -> None:
        super().__init__(ws)
        self.client_id = client_id
        self.card: ClientCard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="card-head"):
            yield Static("…", id="card-title")
            yield Static("", id="card-facts")
        with Horizontal(id="card-body"):
            with VerticalScroll(id="card-left"):
                with Vertical(id="requisites-panel", classes="panel") as panel:
                    panel.border_title = _("Requisites")
                    yield Static("", id="requisites")
                with Vertical(id="contacts-panel", classes="panel") as panel:
                    panel.border_title = _("Contacts")
                    yield Static("", id="contacts")
            with Vertical(id="card-right"):
                with Vertical(id="deals-panel", classes="panel") as panel:
                    panel.border_title = _("Deals")
                    yield RecordTable(
                        [
                            Col(_("Deal")),
                            Col(_("Stage"), 16),
                            Col(_("Amount"), 13, right=True),
                            Col(_("Status"), 6),
                        ],
                        id="deals",
                        openable=False,
                    )
                    yield Static(_("No deals yet."), classes="empty")
                with Vertical(id="interactions-panel", classes="panel") as panel:
                    panel.border_title = _("Latest interactions")
                    yield RecordTable(
                        [Col(_("When"), 11), Col(_("Kind"), 9), Col(_("Who"), 16), Col(_("Summary"))],
                        id="interactions",
                        openable=False,
                    )
                    yield Static(_("No calls, letters or notes yet: press l to log a call."), classes="empty")
                with Vertical(id="card-tasks-panel", classes="panel") as panel:
                    panel.border_title = _("Open tasks")
                    yield RecordTable(
                        [Col(_("Due"), 11), Col(_("Task")), Col(_("Assignee"), 18)],
                        id="card-tasks",
                        openable=False,
                    )
                    yield Static(_("No open tasks."), classes="empty")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Client card")
        self.load()

    # --- data -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="card-load", exit_on_error=False)
    def load(self) -> None:
        with self.ws.read() as session:
            card = load_card(session, self.ws.viewer, self.client_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(card))

    @work(thread=True, exclusive=True, group="card-write", exit_on_error=False)
    def save(self, draft: InteractionDraft) -> None:
        log_interaction(self.ws, self.client_id, draft.kind, draft.summary, duration_s=draft.duration_s)
        self.post_message(self.Logged(draft.kind))

    def on_client_card_screen_logged(self, event: Logged) -> None:
        self.notify(_("Call logged.") if event.kind is InteractionKind.CALL else _("Note added."))
        self.load()

    def on_client_card_screen_loaded(self, event: Loaded) -> None:
        card = self.card = event.card
        self.title = card.display_name
        self._show_head(card)
        self.query_one("#requisites", Static).update(self._requisites(card))
        self.query_one("#contacts", Static).update(self._contacts(card))
        self._show_tables(card)

    # --- rendering ------------------------------------------------------------------------

    def _show_head(self, card: ClientCard) -> None:
        title = Text(card.display_name, style="bold")
        title.append("  ")
        title.append(f" {status_label(card.status)} ", style="reverse")
        self.query_one("#card-title", Static).update(title)
        place = ", ".join(dict.fromkeys(p for p in (card.city, card.region) if p))
        facts = [
            f"{_('INN')} {card.inn or '—'}",
            f"{_('KPP')} {card.kpp or '—'}",
            f"{_('OGRN')} {card.ogrn or '—'}",
            place or _("no city"),
            _("owner {name}").format(name=card.owner or "—"),
        ]
        self.query_one("#card-facts", Static).update(Text(" · ".join(facts)))

    def _requisites(self, card: ClientCard) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        kind = _("company") if card.kind == "company" else _("person")
        for label, value in [
            (_("Name"), card.name),
            (_("Legal form"), card.legal_form),
            (_("Kind"), kind),
            (_("INN"), card.inn),
            (_("KPP"), card.kpp),
            (_("OGRN"), card.ogrn),
            (_("City"), card.city),
            (_("Region"), card.region),
        ]:
            grid.add_row(label, Text(value or "—"))
        return grid

    def _contacts(self, card: ClientCard) -> Group | Text:
        parts: list[Text] = []
        for channel in card.channels:
            parts.append(Text.assemble((f"{_('General')}: ", "dim"), channel_text(channel)))
        for person in card.contacts:
            line = Text(person.full_name, style="bold")
            if person.position:
                line.append(f" — {person.position}", style="italic")
            parts.append(line)
            for channel in person.channels:
                parts.append(Text.assemble("  ", channel_text(channel)))
        return Group(*parts) if parts else Text(_("No contacts yet."))

    def _fill(self, table_id: str, panel_id: str, rows: list[tuple[str, list[Text]]]) -> None:
        self.query_one(table_id, RecordTable).set_records(rows)
        self.query_one(panel_id, Vertical).set_class(not rows, "-empty")

    def _show_tables(self, card: ClientCard) -> None:
        tz, now = self.ws.tz, self.ws.now()
        alert = self.app.current_theme.error or "red"
        self._fill(
            "#deals",
            "#deals-panel",
            [
                (
                    str(d.id),
                    [
                        Text(d.title, no_wrap=True, overflow="ellipsis"),
                        Text(clip(d.stage, 16)),
                        Text(money(d.amount)),
                        Text(deal_status_label(d.status), style="dim" if d.status != "open" else ""),
                    ],
                )
                for d in card.deals
            ],
        )
        self._fill(
            "#interactions",
            "#interactions-panel",
            [
                (
                    str(i.id),
                    [
                        Text(local_time(i.occurred_at, tz, "%d.%m %H:%M")),
                        Text(f"{ARROWS.get(i.direction, '·')} {kind_label(i.kind)}"),
                        Text(clip(i.user or "—", 16)),
                        Text(i.summary, no_wrap=True, overflow="ellipsis"),
                    ],
                )
                for i in card.interactions
            ],
        )
        self._fill(
            "#card-tasks",
            "#card-tasks-panel",
            [
                (
                    str(t.id),
                    [
                        Text(
                            local_time(t.due_at, tz, "%d.%m %H:%M"),
                            style=f"bold {alert}" if t.due_at < now else "",
                        ),
                        Text(t.title, no_wrap=True, overflow="ellipsis"),
                        Text(clip(t.assignee or "—", 18)),
                    ],
                )
                for t in card.tasks
            ],
        )

    # --- actions --------------------------------------------------------------------------

    def _client_name(self) -> str:
        return self.card.display_name if self.card else ""

    def _ask(self, kind: InteractionKind) -> None:
        def finish(draft: InteractionDraft | None) -> None:
            if draft is not None:
                self.save(draft)

        self.app.push_screen(LogInteractionScreen(kind, self._client_name()), finish)

    def action_log_call(self) -> None:
        self._ask(InteractionKind.CALL)

    def action_add_note(self) -> None:
        self._ask(InteractionKind.NOTE)

    def action_back(self) -> None:
        self.dismiss()
