"""A contact person on the card, new or edited: name, position, phones, e-mails, messenger."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static

from crm_tui.domain.contacts.new_contact import NewContact, contact_draft
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog
from crm_tui.widgets.key_footer import KeyFooter

FIELDS = (
    ("name", N_("Full name")),
    ("position", N_("Position")),
    ("phone", N_("Phones (several: comma or ;)")),
    ("email", N_("E-mails")),
    ("messenger", N_("Messenger: @handle or number")),
)


class ContactDialog(FormDialog[NewContact | None]):
    """Dismissed with the person as typed (checked here, saved by the card) or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, client_name: str, initial: NewContact | None = None) -> None:
        """With ``initial``, the dialog edits that person: what is typed replaces them."""
        super().__init__()
        self.client_name = client_name
        self.initial = initial

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as dialog:
            title = _("Contact at {name}") if self.initial else _("New contact at {name}")
            dialog.border_title = literal(title.format(name=self.client_name))
            for key, label in FIELDS:
                yield Label(_(label), classes="portrait-label")
                value = getattr(self.initial, "full_name" if key == "name" else key) if self.initial else ""
                yield Input(value, id=f"contact-{key}")
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def action_save(self) -> None:
        typed = {key: self.query_one(f"#contact-{key}", Input).value for key, _label in FIELDS}
        person = NewContact(
            typed["name"], typed["position"], typed["phone"], typed["email"], typed["messenger"]
        )
        try:
            contact_draft(person)
        except InvalidInput as exc:
            self.refuse(str(exc), f"contact-{exc.field or 'name'}")
            return
        self.dismiss(person)
