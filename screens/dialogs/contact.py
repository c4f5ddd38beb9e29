"""A contact person on the card, new or edited: name, position, phones, e-mails, messenger."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult

from crm_tui.domain.contacts.new_contact import NewContact, contact_draft
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput

FIELDS = (
    ("name", N_("Full name")),
    ("position", N_("Position")),
    ("phone", N_("Phones (several: comma or ;)")),
    ("email", N_("E-mails")),
    ("messenger", N_("Messenger: @handle or number")),
)


class ContactDialog(FormDialog[NewContact | None]):
    """Dismissed with the person as typed, once checked and saved by ``commit``, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(
        self,
        client_name: str,
        initial: NewContact | None = None,
        commit: Callable[[NewContact], object] | None = None,
    ) -> None:
        """With ``initial``, the dialog edits that person: what is typed replaces them;
        ``commit`` saves the person (in a worker thread) while the dialog is still open."""
        super().__init__()
        self.client_name = client_name
        self.initial = initial
        self.commit = commit

    def form_title(self) -> Text:
        title = _("Contact at {name}") if self.initial else _("New contact at {name}")
        return literal(title.format(name=self.client_name))

    def compose_form(self) -> ComposeResult:
        for key, label in FIELDS:
            value = getattr(self.initial, "full_name" if key == "name" else key) if self.initial else ""
            yield from self.field(key, _(label), FieldInput(value, id=f"contact-{key}"))

    def save(self, typed: Typed) -> NewContact:
        person = NewContact(
            typed["name"], typed["position"], typed["phone"], typed["email"], typed["messenger"]
        )
        contact_draft(person)
        if self.commit is not None:
            self.commit(person)
        return person
