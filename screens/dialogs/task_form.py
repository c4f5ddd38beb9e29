"""A task set by hand, for oneself or a colleague: from the card (on its client), the deal screen
(on its deal), the week view and the palette."""

from __future__ import annotations

from crm_tui.domain.tasks.manual import SetTask, TaskDraft, set_task
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import kind_label
from crm_tui.screens.dialogs.saving_form import SavingForm

TASK_FIELDS = (
    ("title", N_("What to do")),
    ("due", N_("When (завтра 10:00, пт, +2)")),
    ("assignee", N_("For (login)")),
    ("kind", N_("Kind")),
    ("client", N_("Client (name, INN, phone)")),
    ("note", N_("Note")),
)


class TaskDialog(SavingForm[SetTask]):
    """A new task; dismissed with it once set, or None. Its assignee sees it at once.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(
        self, ws: Workspace, *, client: tuple[int, str] | None = None, deal: tuple[int, str] | None = None
    ) -> None:
        """On a client's card ``client`` (id, name), on a deal's screen ``deal``: not asked."""
        self.client = client
        self.deal = deal
        initial = {"due": "завтра 10:00", "assignee": ws.viewer.login, "kind": kind_label("call")}
        rows = [
            (key, label, initial.get(key, ""))
            for key, label in TASK_FIELDS
            if not (key == "client" and (client or deal))
        ]
        subject = deal[1] if deal else client[1] if client else ""
        super().__init__(ws, _("New task"), rows, subject)

    def save_values(self, values: dict[str, str]) -> SetTask:
        client = str(self.client[0]) if self.client else values.get("client", "")
        deal = str(self.deal[0]) if self.deal else ""
        draft = TaskDraft(
            values["title"], values["due"], values["assignee"], values["kind"], client, deal, values["note"]
        )
        return set_task(self.ws, draft)
