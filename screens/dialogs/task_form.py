"""A task set by hand, for oneself or a colleague: from the card (on its client), the deal screen
(on its deal), the week view and the palette. A ``FormDialog``: a refusal keeps what was typed."""

from __future__ import annotations

from textual.app import ComposeResult

from crm_tui.domain.tasks.manual import SetTask, TaskDraft, set_task
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import kind_label
from crm_tui.screens.dialogs.client_suggestions import ClientPickingForm
from crm_tui.screens.dialogs.deal_forms import Rows, compose_rows
from crm_tui.screens.dialogs.form import Typed

TASK_FIELDS = (
    ("title", N_("What to do")),
    ("due", N_("When (завтра 10:00, пт, +2)")),
    ("assignee", N_("For (login, surname or full name)")),
    ("kind", N_("Kind")),
    ("client", N_("Client (name, INN, phone)")),
    ("note", N_("Note")),
)


class TaskDialog(ClientPickingForm[SetTask | None]):
    """A new task; dismissed with it once set, or None. Its assignee sees it at once. Opened
    without a client or a deal (the palette), its client field suggests clients as it is typed.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | up, down | In the client field: choose among the clients it finds. |
    | enter | Next field (in the client field: take the client chosen; on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(
        self, ws: Workspace, *, client: tuple[int, str] | None = None, deal: tuple[int, str] | None = None
    ) -> None:
        """On a client's card ``client`` (id, name), on a deal's screen ``deal``: not asked."""
        super().__init__()
        self.ws = ws
        self.client = client
        self.deal = deal
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
        if "client" not in keys:
            yield from compose_rows(self, "task", self.rows, subject)
            return
        at = keys.index("client")
        yield from compose_rows(self, "task", self.rows[:at], subject)
        yield from self.compose_client_field(_(self.rows[at][1]), "task-client")
        yield from compose_rows(self, "task", self.rows[at + 1 :])

    def save(self, typed: Typed) -> SetTask:
        client = str(self.client[0]) if self.client else self.client_typed(typed)
        deal = str(self.deal[0]) if self.deal else ""
        draft = TaskDraft(
            typed["title"], typed["due"], typed["assignee"], typed["kind"], client, deal, typed["note"]
        )
        return set_task(self.ws, draft)
