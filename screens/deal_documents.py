"""The deal screen's documents: seed 002's six steps (which are done, the next one and its key),
the contract and invoice made from the deal, saved to a file, and the payment confirmed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.message import Message

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.edit import edit_client
from crm_tui.domain.documents.company import LABELS
from crm_tui.domain.documents.making import KIND_NAMES, DocumentRow, document_content, make_document
from crm_tui.domain.documents.payments import HandPayment
from crm_tui.domain.documents.steps import STEPS, DealSteps
from crm_tui.domain.documents.templates import list_templates
from crm_tui.domain.field_labels import field_label
from crm_tui.domain.values.formatting import money, money_figure
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _, ngettext
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.screens.dialogs.payment import PaymentDialog
from crm_tui.screens.dialogs.requisites import RequisitesDialog

if TYPE_CHECKING:
    from crm_tui.domain.deals.card import DealCard

STEP_NAMES = {
    "requisites": N_("Requisites"),
    "contract": N_("Contract"),
    "invoice": N_("Invoice"),
    "sent": N_("Sent"),
    "paid": N_("Paid"),
    "kept": N_("Kept"),
}
STEP_ACTIONS = {
    "requisites": "requisites",
    "contract": "contract",
    "invoice": "invoice",
    "sent": "move(1)",
    "paid": "paid",
    "kept": "save_document",
}
"""The action that does each step (its key is whatever the keymap binds it to)."""


def steps_view(steps: DealSteps, keys: dict[str, str]) -> Group:
    """``1 Requisites ✓ · 2 Contract ✓ · 3 Invoice · ...`` and the next step with its key."""
    line = Text()
    for n, step in enumerate(STEPS, start=1):
        if n > 1:
            line.append(" · ", style="dim")
        done = steps.done[step]
        style = "green" if done else "bold reverse" if step == steps.next else "dim"
        name = _(STEP_NAMES[step])
        line.append(f"{n} {name}{' ✓' if done else ''}", style=style)
    nxt = steps.next
    if nxt is None:
        hint = Text(_("All six steps done."), style="green")
    else:
        key = keys.get(STEP_ACTIONS[nxt], "")
        hint = Text(_("Next: {step} ({key})").format(step=_(STEP_NAMES[nxt]), key=key or "—"), style="bold")
    parts: list[Any] = [line, hint]
    if steps.missing:
        parts.append(
            Text(
                _("Missing requisites: {fields}").format(fields=missing_names(steps.missing)), style="yellow"
            )
        )
    return Group(*parts)


def missing_names(keys: list[str]) -> str:
    """``company.inn``, ``client.kpp`` as the refusal names them: "our INN, client's kpp"; our
    company's many empty fields (a base nobody set them in) as one phrase, to keep the screen."""
    ours = [key.partition(".")[2] for key in keys if key.startswith("company.")]
    empty = ngettext(
        "our requisites: {count} field empty (crm company set)",
        "our requisites: {count} fields empty (crm company set)",
        len(ours),
    )
    names = (
        [empty.format(count=len(ours))]
        if len(ours) > 2
        else [_("our {field}").format(field=_(LABELS[name])) for name in ours]
    )
    for key in keys:
        if key.startswith("client."):
            field = key.partition(".")[2]
            said = _(CLIENT_FIELDS[field]) if field in CLIENT_FIELDS else str(field_label(field))
            names.append(_("client's {field}").format(field=said))
    return ", ".join(names)


CLIENT_FIELDS = {
    "name": N_("name"),
    "inn": LABELS["inn"],
    "kpp": LABELS["kpp"],
    "legal_address": LABELS["address"],
}
"""The client's fields a document needs, in words as the card names them ("legal address",
not the ``legal_address`` that ``--map`` and the CLI's messages take)."""


def documents_view(documents: list[DocumentRow]) -> Table | Text:
    if not documents:
        return Text(_("No documents yet."), style="dim")
    table = Table(title=_("Documents"), expand=True, title_justify="left")
    for label in (_("Document"), _("Date"), _("Amount"), _("Paid"), _("File")):
        table.add_column(label)
    for doc in documents:
        paid = money(doc.paid_amount, with_kopecks=True) if doc.kind == "invoice" else ""
        kind = _(KIND_NAMES[doc.kind]).capitalize()
        table.add_row(
            literal(f"{kind} № {doc.number}"), f"{doc.doc_date:%d.%m.%Y}",
            money(doc.amount, with_kopecks=True), paid, literal(doc.file_name),
        )  # fmt: skip
    return table


class DealDocuments(CrmScreen):
    """The deal screen's keys for its documents (``DealScreen`` is one): what they say goes
    out as ``Said``, after which the screen reads the deal again."""

    card: DealCard | None
    steps: DealSteps | None

    class Said(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def action_contract(self) -> None:
        if self.card is not None:
            self.pick_contract(self.card.id)

    @work(thread=True, exclusive=True, group="deal-documents", exit_on_error=False)
    def pick_contract(self, deal_id: int) -> None:
        with self.ws.read() as session:
            names = [t.name for t in list_templates(session) if t.kind == "contract"]

        def chosen(name: str | None) -> None:
            if name is not None:
                self.make(deal_id, "contract", name)

        dialog = ChoiceDialog(_("Contract from which template?"), [(name, name) for name in names])
        self.app.call_from_thread(self.app.push_screen, dialog, chosen)

    def action_invoice(self) -> None:
        if self.card is not None:
            self.make(self.card.id, "invoice", None)

    @work(thread=True, exclusive=True, group="deal-documents", exit_on_error=False)
    def make(self, deal_id: int, kind: str, template: str | None) -> None:
        made = make_document(self.ws, deal_id, kind, template=template)
        said = (
            _("Contract № {number} made.") if kind == "contract" else _("Invoice № {number} made: {amount}.")
        )
        self.post_message(self.Said(said.format(number=made.number, amount=money_figure(made.amount))))

    def action_save_document(self) -> None:
        steps = self.steps
        if steps is None or not steps.documents:
            self.notify(_("No documents yet."), severity="warning")
            return
        kinds = {kind: _(name) for kind, name in KIND_NAMES.items()}
        choices = [(f"{kinds[d.kind]} № {d.number} · {d.file_name}", str(d.id)) for d in steps.documents]

        def chosen(doc_id: str | None) -> None:
            if doc_id is not None:
                self.save_file(int(doc_id))

        self.app.push_screen(ChoiceDialog(_("Save which document?"), choices), chosen)

    @work(thread=True, exclusive=True, group="deal-documents", exit_on_error=False)
    def save_file(self, doc_id: int) -> None:
        row, content = document_content(self.ws, doc_id)
        target = Path.cwd() / row.file_name
        target.write_bytes(content)
        self.post_message(self.Said(_("Saved {file}.").format(file=str(target))))

    def action_paid(self) -> None:
        card = self.card
        if card is None:
            return

        def saved(result: HandPayment | None) -> None:
            if result is not None:
                said = _("Paid {paid} of {total}.").format(
                    paid=money(result.paid_amount, with_kopecks=True),
                    total=money(result.invoice_amount, with_kopecks=True),
                )
                self.post_message(self.Said(said + (" " + _("The deal is won.") if result.won else "")))

        self.app.push_screen(PaymentDialog(self.ws, card.id, card.title), saved)

    def action_requisites(self) -> None:
        card = self.card
        if card is None:
            return
        self.open_requisites(card.client_id)

    @work(thread=True, exclusive=True, group="deal-requisites", exit_on_error=False)
    def open_requisites(self, client_id: int) -> None:
        with self.ws.read() as session:
            client = load_card(session, self.ws.viewer, client_id)
        ws = self.ws

        def commit(changes: dict[str, Any]) -> None:
            with ws.write() as session:
                edit_client(session, ws.viewer, ws.now(), client_id, client.version, changes)

        def typed(changes: dict[str, Any] | None) -> None:
            if changes:
                self.post_message(self.Said(_("Requisites saved.")))

        self.app.call_from_thread(self.app.push_screen, RequisitesDialog(client, commit), typed)
