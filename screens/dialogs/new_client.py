"""The "New client" dialog, which says whose client it already is before anything is saved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button

from crm_tui.domain.clients.new_client import NewClient, add_client
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput

FIELDS = (
    ("name", N_("Name, with the legal form if any")),
    ("inn", N_("INN (or INN/KPP)")),
    ("phone", N_("Phone")),
    ("email", N_("E-mail")),
    ("city", N_("City")),
)


class NewClientScreen(FormDialog[int | None]):
    """A new client; dismissed with its id, or None when cancelled.

    If its INN, phone or e-mail already belongs to a client, the dialog says whose ("belongs
    to Петров Андрей, Липецк") and saves only when asked a second time: a branch or a second
    entity of a holding is legitimate, a colleague's client is not.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save (a second time: save although the client is somebody's). |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.warned: NewClient | None = None

    def form_title(self) -> str:
        return _("New client")

    def compose_form(self) -> ComposeResult:
        for name, label in FIELDS:
            yield from self.field(name, _(label), FieldInput(id=f"new-{name}"))

    def save(self, typed: Typed) -> int:
        new = NewClient(
            name=typed["name"],
            inn=typed["inn"],
            phone=typed["phone"],
            email=typed["email"],
            city=typed["city"],
        )
        added = add_client(self.ws, new, anyway=new == self.warned)
        if added.client_id is not None:
            return added.client_id
        self.warned = new
        lines = [holder.describe() for holder in added.holders]
        lines.append(_("Nothing saved. Save again (ctrl+s) if it is a different company or a branch."))
        raise InvalidInput("\n".join(lines))

    def refuse(self, message: str, field: str = "") -> None:
        super().refuse(message, field)
        if self.warned is not None:
            self.query_one("#save", Button).label = _("Save anyway")
