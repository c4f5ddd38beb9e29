"""Recording something a client owns, from the card (seed 001's installed base)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult

from crm_tui.domain.clients.installed_base import InstalledDraft, parse_acquired
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput, FieldSelect


class InstalledDialog(FormDialog[InstalledDraft | None]):
    """Product, vendor, whose, quantity, when acquired, note; dismissed with the draft once
    ``commit`` saved it, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, client_name: str, commit: Callable[[InstalledDraft], object] | None = None) -> None:
        super().__init__()
        self.client_name = client_name
        self.commit = commit

    def form_title(self) -> Text:
        return literal(_("Owns: {name}").format(name=self.client_name))

    def compose_form(self) -> ComposeResult:
        yield from self.field(
            "product", _("Product"), FieldInput(placeholder=_("Котёл Logano G334"), id="inst-product")
        )
        yield from self.field("vendor", _("Vendor"), FieldInput(placeholder=_("Buderus"), id="inst-vendor"))
        yield from self.field(
            "whose",
            _("Whose"),
            FieldSelect(
                [(_("A competitor's"), "competitor"), (_("Ours"), "ours")],
                value="competitor",
                allow_blank=False,
                id="inst-whose",
            ),
        )
        yield from self.field("quantity", _("Quantity"), FieldInput("1", id="inst-quantity", classes="short"))
        yield from self.field(
            "acquired",
            _("Acquired: 2019, 03.2021 or 15.03.2021"),
            FieldInput(id="inst-acquired", classes="short"),
        )
        yield from self.field("note", _("Note"), FieldInput(id="inst-note"))

    def save(self, typed: Typed) -> InstalledDraft:
        if not typed["product"].strip():
            raise InvalidInput(
                "installed.product_missing",
                N_("Say what the client owns: the product cannot be empty."),
                field="product",
            )
        quantity_text = typed["quantity"].strip() or "1"
        if not quantity_text.isdigit() or int(quantity_text) < 1:
            raise InvalidInput(
                "installed.quantity_invalid", N_("Quantity is a whole number, 1 or more."), field="quantity"
            )
        parse_acquired(typed["acquired"])
        draft = InstalledDraft(
            typed["product"],
            typed["vendor"],
            typed["whose"] == "ours",
            int(quantity_text),
            typed["acquired"],
            typed["note"],
        )
        if self.commit is not None:
            self.commit(draft)
        return draft
