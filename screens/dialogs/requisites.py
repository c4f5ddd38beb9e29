"""Editing a client's requisites on the card: name, legal form, INN/KPP/OGRN, legal address,
bank BIK and account. Checksums are checked as the manager saves, in the dialog, so a typo is
fixed while the document is still in front of them."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static

from crm_tui.domain.clients.card import ClientCard
from crm_tui.domain.clients.edit import check_requisites, clean_requisites
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog
from crm_tui.widgets.key_footer import KeyFooter

FIELDS = (
    ("name", N_("Name")),
    ("legal_form", N_("Legal form (ООО, АО, ИП)")),
    ("inn", N_("INN")),
    ("kpp", N_("KPP")),
    ("ogrn", N_("OGRN / OGRNIP")),
    ("legal_address", N_("Legal address")),
    ("bik", N_("Bank BIK")),
    ("account", N_("Settlement account")),
    ("city", N_("City")),
    ("region", N_("Region")),
)


class RequisitesDialog(FormDialog[dict[str, Any] | None]):
    """The client's requisites; dismissed with only what changed (``{field: value}``) or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, card: ClientCard) -> None:
        super().__init__()
        self.card = card
        self.before = {key: getattr(card, key) for key, _label in FIELDS}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as dialog:
            dialog.border_title = literal(_("Requisites: {name}").format(name=self.card.display_name))
            for key, label in FIELDS:
                yield Label(_(label), classes="portrait-label")
                yield Input(value=self.before[key] or "", id=f"req-{key}")
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#req-name", Input).focus()

    def action_save(self) -> None:
        typed = clean_requisites({key: self.query_one(f"#req-{key}", Input).value for key, _label in FIELDS})
        changed = {key: value for key, value in typed.items() if value != self.before[key]}
        try:
            if "name" in changed and not changed["name"]:
                raise InvalidInput("client.name_missing", N_("name: a client needs a name"), field="name")
            check_requisites({**self.before, **changed}, changed)
        except InvalidInput as exc:
            self.refuse(str(exc), f"req-{exc.field or 'name'}")
            return
        self.dismiss(changed)
