"""Recording something a client owns, from the card (seed 001's installed base)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, Static

from crm_tui.domain.clients.installed_base import InstalledDraft, parse_acquired
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import _
from crm_tui.screens.dialogs.form import FormDialog
from crm_tui.widgets.key_footer import KeyFooter


class InstalledDialog(FormDialog[InstalledDraft | None]):
    """Product, vendor, whose, quantity, when acquired, note; dismissed with a draft or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, client_name: str) -> None:
        super().__init__()
        self.client_name = client_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as dialog:
            dialog.border_title = literal(_("Owns: {name}").format(name=self.client_name))
            yield Label(_("Product"), classes="portrait-label")
            yield Input(placeholder=_("Котёл Logano G334"), id="inst-product")
            yield Label(_("Vendor"), classes="portrait-label")
            yield Input(placeholder=_("Buderus"), id="inst-vendor")
            yield Label(_("Whose"), classes="portrait-label")
            yield Select(
                [(_("A competitor's"), "competitor"), (_("Ours"), "ours")],
                value="competitor",
                allow_blank=False,
                id="inst-whose",
            )
            yield Label(_("Quantity"), classes="portrait-label")
            yield Input("1", id="inst-quantity", classes="short")
            yield Label(_("Acquired: 2019, 03.2021 or 15.03.2021"), classes="portrait-label")
            yield Input(id="inst-acquired", classes="short")
            yield Label(_("Note"), classes="portrait-label")
            yield Input(id="inst-note")
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#inst-product", Input).focus()

    def action_save(self) -> None:
        value = {
            key: self.query_one(f"#inst-{key}", Input).value
            for key in ("product", "vendor", "acquired", "note")
        }
        if not value["product"].strip():
            self.refuse(_("Say what the client owns: the product cannot be empty."), "inst-product")
            return
        quantity_text = self.query_one("#inst-quantity", Input).value.strip() or "1"
        if not quantity_text.isdigit() or int(quantity_text) < 1:
            self.refuse(_("Quantity is a whole number, 1 or more."), "inst-quantity")
            return
        try:
            parse_acquired(value["acquired"])
        except InvalidInput as exc:
            self.refuse(str(exc), "inst-acquired")
            return
        ours = self.query_one("#inst-whose", Select).value == "ours"
        self.dismiss(
            InstalledDraft(
                value["product"], value["vendor"], ours, int(quantity_text), value["acquired"], value["note"]
            )
        )
