"""The accountant's "the money came" for a deal's invoice: how much and when."""

from __future__ import annotations

from textual.app import ComposeResult

from crm_tui.domain.documents.payments import HandPayment, confirm_payment
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.deal_forms import compose_rows
from crm_tui.screens.dialogs.form import FormDialog, Typed

PAYMENT_FIELDS = (
    ("amount", N_("Amount (empty: all still due)")),
    ("date", N_("Date (empty: today; 25.12)")),
)


class PaymentDialog(FormDialog[HandPayment | None]):
    """A payment of the deal's oldest unpaid invoice; dismissed with what it did, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace, deal_id: int, title: str) -> None:
        super().__init__()
        self.ws = ws
        self.deal_id = deal_id
        self.title_text = title

    def form_title(self) -> str:
        return _("Payment received")

    def compose_form(self) -> ComposeResult:
        yield from compose_rows(
            self, "payment", [(k, label, "") for k, label in PAYMENT_FIELDS], self.title_text
        )

    def save(self, typed: Typed) -> HandPayment:
        return confirm_payment(self.ws, self.deal_id, typed["amount"], typed["date"])
