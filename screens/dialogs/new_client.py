"""The "New client" dialog, which says whose client it already is before anything is saved."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from crm_tui.domain.clients.new_client import Added, NewClient
from crm_tui.domain.errors import DomainError
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter

FIELDS = (
    ("name", N_("Name, with the legal form if any")),
    ("inn", N_("INN (or INN/KPP)")),
    ("phone", N_("Phone")),
    ("email", N_("E-mail")),
    ("city", N_("City")),
)


class NewClientScreen(CrmModal[int | None]):
    """A new client; dismissed with its id, or None when cancelled.

    If its INN, phone or e-mail already belongs to a client, the dialog says whose ("belongs
    to Петров Андрей, Липецк") and saves only when asked a second time: a branch or a second
    entity of a holding is legitimate, a colleague's client is not.

    | Key(s) | Description |
    | :- | :- |
    | ctrl+s | Save (a second time: save although the client is somebody's). |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("new_client.save", "save", N_("Save")),
        bind("new_client.cancel", "cancel", N_("Cancel")),
    ]

    class Answered(Message):
        def __init__(self, new: NewClient, added: Added | None, error: str | None) -> None:
            super().__init__()
            self.new = new
            self.added = added
            self.error = error

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.warned: NewClient | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("New client")
            for name, label in FIELDS:
                yield Label(_(label))
                yield Input(id=f"new-{name}")
            yield Static("", id="new-client-message", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")
        yield KeyFooter(show_command_palette=False, compact=True)

    def _entered(self) -> NewClient:
        value = {name: self.query_one(f"#new-{name}", Input).value for name, _label in FIELDS}
        return NewClient(
            name=value["name"],
            inn=value["inn"],
            phone=value["phone"],
            email=value["email"],
            city=value["city"],
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        new = self._entered()
        self.save(new, anyway=new == self.warned)

    @work(thread=True, exclusive=True, group="new-client")
    def save(self, new: NewClient, anyway: bool) -> None:
        from crm_tui.domain.clients.new_client import add_client

        try:
            added = add_client(self.ws, new, anyway=anyway)
        except DomainError as exc:
            self.post_message(self.Answered(new, None, str(exc)))
            return
        self.post_message(self.Answered(new, added, None))

    def on_new_client_screen_answered(self, event: Answered) -> None:
        message = self.query_one("#new-client-message", Static)
        if event.error is not None:
            message.update(literal(event.error, multiline=True))
            self.app.bell()
            return
        added = event.added
        assert added is not None
        if added.client_id is not None:
            self.dismiss(added.client_id)
            return
        self.warned = event.new
        lines = [holder.describe() for holder in added.holders]
        lines.append(_("Nothing saved. Save again (ctrl+s) if it is a different company or a branch."))
        message.update(literal("\n".join(lines), multiline=True))
        self.query_one("#save", Button).label = _("Save anyway")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
