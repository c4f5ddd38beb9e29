"""A task set by hand, for oneself or a colleague: from the card (on its client), the deal screen
(on its deal), the desk, the week view and the palette. A ``FormDialog``: a refusal keeps what
was typed. Its deal is picked among the client's open deals once the client is known (given by
the card, taken from the client field's list, or found by what the field holds when left)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.events import DescendantBlur
from textual.message import Message
from textual.widgets import Input

from crm_tui.domain.deals.edit import DealListRow, DealQuery, list_deals
from crm_tui.domain.deals.new_deal import find_client
from crm_tui.domain.errors import DomainError
from crm_tui.domain.tasks.manual import SetTask, TaskDraft, set_task
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import kind_label
from crm_tui.screens.dialogs.client_suggestions import SHORTEST_QUERY, ClientPickingForm
from crm_tui.screens.dialogs.deal_forms import Rows, compose_rows
from crm_tui.screens.dialogs.form import Typed
from crm_tui.widgets.picker import Picker

TASK_FIELDS = (
    ("title", N_("What to do")),
    ("due", N_("When (завтра 10:00, пт, +2)")),
    ("assignee", N_("For (login, surname or full name)")),
    ("kind", N_("Kind")),
    ("client", N_("Client (name, INN, phone)")),
    ("note", N_("Note")),
)
"""The typed fields; the deal is a picker after the client."""


class TaskDialog(ClientPickingForm[SetTask | None]):
    """A new task; dismissed with it once set, or None. Its assignee sees it at once. Opened
    without a client or a deal (the desk, the palette), its client field suggests clients as it
    is typed; the deal is one of the client's open deals, or none.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | up, down | In the client field: choose among the clients it finds. |
    | a letter | In the deal: the next one whose title starts with it. |
    | space, up, down | In the deal: open the list of the client's open deals. |
    | enter | Next field (in the client field: take the client chosen; on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    class DealsRead(Message):
        """The open deals of the client ``client`` (an id or what its field held)."""

        def __init__(self, client: str, rows: list[DealListRow]) -> None:
            super().__init__()
            self.client = client
            self.rows = rows

    def __init__(
        self, ws: Workspace, *, client: tuple[int, str] | None = None, deal: tuple[int, str] | None = None
    ) -> None:
        """On a client's card ``client`` (id, name), on a deal's screen ``deal``: not asked."""
        super().__init__()
        self.ws = ws
        self.client = client
        self.deal = deal
        self._deals_of: str | None = None
        """The client whose deals are read or offered (an id, or the client field's text)."""
        initial = {"due": "завтра 10:00", "assignee": ws.viewer.login, "kind": kind_label("call")}
        self.rows: Rows = [
            (key, label, initial.get(key, ""))
            for key, label in TASK_FIELDS
            if not (key == "client" and (client or deal))
        ]

    def form_title(self) -> str:
        return _("New task")

    def compose_form(self) -> ComposeResult:
        subject = self.deal[1] if self.deal else self.client[1] if self.client else ""
        keys = [key for key, _label, _value in self.rows]
        at = keys.index("client") if "client" in keys else len(keys) - 1
        yield from compose_rows(self, "task", self.rows[:at], subject)
        if "client" in keys:
            yield from self.compose_client_field(_(self.rows[at][1]), "task-client")
            at += 1
        if self.deal is None:
            deals = Picker([], prompt=_("no deal"), allow_blank=True, id="task-deal")
            yield from self.field("deal", _("Deal"), deals)
        yield from compose_rows(self, "task", self.rows[at:])

    def on_mount(self) -> None:
        if self.client is not None and self.deal is None:
            self.read_deals(str(self.client[0]))

    def ready_for_keys(self) -> bool:
        """On a card, once its client's deals are offered: a letter typed ahead into the deal
        finds them."""
        return self._deals_of is None

    def read_deals(self, client: str) -> None:
        """Offer ``client``'s open deals (an id, or a client's name, INN or phone)."""
        self._deals_of = client
        self._read_deals(client)

    @work(thread=True, exclusive=True, group="task-deals", exit_on_error=False)
    def _read_deals(self, client: str) -> None:
        rows: list[DealListRow] = []
        try:
            with self.ws.read() as session:
                found = find_client(session, self.ws.viewer, client)
                rows = list_deals(session, self.ws.viewer, DealQuery(client_id=found.id, open_only=True))
        except DomainError:  # no such client, or several: no deals to offer (the save says why)
            rows = []
        self.post_message(self.DealsRead(client, rows))

    def on_task_dialog_deals_read(self, event: DealsRead) -> None:
        if self.opening:
            self.opened()
        if event.client != self._deals_of:
            return  # read for a client the field no longer holds
        self._deal_picker().set_options([(f"{row.title} · {row.stage}", row.id) for row in event.rows])

    def _deal_picker(self) -> Picker:
        return self.query_one("#task-deal", Picker)

    def take_suggestion(self) -> bool:
        """A client taken from the list: its deals are offered."""
        taken = super().take_suggestion()
        if taken and self.picked is not None and self.deal is None:
            self.read_deals(str(self.picked.id))
        return taken

    @on(Input.Changed, "#task-client")
    def _client_edited(self, event: Input.Changed) -> None:
        """The client's text edited: the deals offered were another client's."""
        if self.picked is not None and event.value == self.picked.label:
            return  # the client just taken from the list
        if self._deals_of is not None:
            self._deals_of = None
            self._deal_picker().set_options([])

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        """The client field left as typed (not taken from its list): the deals of the one
        client it names, if it names one."""
        if event.widget.id != "task-client" or self.picked is not None or self.deal is not None:
            return
        text = " ".join(self._client_input().value.split())
        if len(text) >= SHORTEST_QUERY and text != self._deals_of:
            self.read_deals(text)

    def save(self, typed: Typed) -> SetTask:
        client = str(self.client[0]) if self.client else self.client_typed(typed)
        chosen = typed.get("deal")
        deal = str(self.deal[0]) if self.deal else "" if chosen is None else str(chosen)
        draft = TaskDraft(
            typed["title"], typed["due"], typed["assignee"], typed["kind"], client, deal, typed["note"]
        )
        return set_task(self.ws, draft)
