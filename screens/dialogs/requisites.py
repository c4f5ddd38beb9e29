"""Editing a client's requisites on the card: name, legal form, INN/KPP/OGRN, legal address,
bank BIK and account. Checksums are checked as the manager saves, in the dialog, so a typo is
fixed while the document is still in front of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult

from crm_tui.domain.clients.card import ClientCard
from crm_tui.domain.clients.edit import check_requisites, clean_requisites
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput

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
    """The client's requisites; dismissed with only what changed (``{field: value}``), once
    ``commit`` saved it, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, card: ClientCard, commit: Callable[[dict[str, Any]], object] | None = None) -> None:
        """``commit`` saves the changes (in a worker thread) while the dialog is still open: a
        refusal (a checksum, a colleague's save) is shown here, with everything typed kept."""
        super().__init__()
        self.card = card
        self.commit = commit
        self.before = {key: getattr(card, key) for key, _label in FIELDS}

    def form_title(self) -> Text:
        return literal(_("Requisites: {name}").format(name=self.card.display_name))

    def compose_form(self) -> ComposeResult:
        for key, label in FIELDS:
            yield from self.field(key, _(label), FieldInput(value=self.before[key] or "", id=f"req-{key}"))

    def save(self, typed: Typed) -> dict[str, Any]:
        cleaned = clean_requisites(typed)
        changed = {key: value for key, value in cleaned.items() if value != self.before[key]}
        if "name" in changed and not changed["name"]:
            raise InvalidInput("client.name_missing", N_("name: a client needs a name"), field="name")
        check_requisites({**self.before, **changed}, changed)
        if changed and self.commit is not None:
            self.commit(changed)
        return changed
