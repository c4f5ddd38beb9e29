"""The deal's dialogs: a new deal (from the client card, the kanban, the palette), its edit, and
a line of what it sells. Each is a ``FormDialog``: it saves through the domain in its worker, and
a refusal keeps everything typed, said under the field the domain names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from crm_tui.domain.deals.card import DealCard
from crm_tui.domain.deals.edit import edit_deal
from crm_tui.domain.deals.lines import LineDraft, add_line
from crm_tui.domain.deals.new_deal import AddedDeal, DealDraft, add_deal
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.client_suggestions import ClientPickingForm
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput

Rows = list[tuple[str, str, str]]
"""A plain form's fields, top to bottom: (key the domain names it by, label msgid, initial text)."""


def compose_rows(
    dialog: FormDialog[Any], prefix: str, rows: Rows, subject: str = "", hints: dict[str, str] | None = None
) -> ComposeResult:
    """``subject`` (what the form is about, text from outside) in bold, then a ``FieldInput``
    for each row, with the id ``{prefix}-{key}``; ``hints`` are the placeholders of fields whose
    emptiness means something (a stage left empty is the pipeline's first)."""
    if subject:
        yield Static(literal(subject), classes="dialog-subject", markup=False)
    hints = hints or {}
    for key, label, value in rows:
        field = FieldInput(value=value, placeholder=hints.get(key, ""), id=f"{prefix}-{key}")
        yield from dialog.field(key, _(label), field)


NEW_DEAL_FIELDS = (
    ("client", N_("Client (name, INN, phone)")),
    ("title", N_("Title")),
    ("amount", N_("Amount (350к, 1,2 млн)")),
    ("stage", N_("Stage")),
    ("close", N_("Close by (25.12, +30)")),
    ("owner", N_("Owner (login, surname or full name)")),
    ("comment", N_("Comment")),
)


class NewDealDialog(ClientPickingForm[AddedDeal | None]):
    """A new deal; dismissed with it once saved (it has entered its stage), or None. Opened
    without a client (the palette, the kanban), its client field suggests clients as it is typed.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | up, down | In the client field: choose among the clients it finds. |
    | enter | Next field (in the client field: take the client chosen; on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(
        self,
        ws: Workspace,
        *,
        client: tuple[int, str] | None = None,
        stage: str = "",
        pipeline_id: int | None = None,
        then: Callable[[AddedDeal], None] | None = None,
        shown: Callable[[AddedDeal], None] | None = None,
    ) -> None:
        """``client`` (id, name) when opened on a client's card: the field is not asked;
        ``stage`` the kanban column's; ``pipeline_id`` the kanban's pipeline. ``then`` runs in
        the save's worker once the deal is saved (the kanban reads the new deal's card there),
        ``shown`` on the app's thread right after the dialog has closed, in the same step (the
        kanban puts the card into its column): the screen under the dialog is drawn once, with
        the card on it, as the dialog goes."""
        super().__init__()
        self.ws = ws
        self.client = client
        self.pipeline_id = pipeline_id
        self.then = then
        self.shown = shown
        initial = self.opening_values(stage)
        self.rows: Rows = [
            (key, label, initial.get(key, ""))
            for key, label in NEW_DEAL_FIELDS
            if not (key == "client" and client is not None)
        ]

    def opening_values(self, stage: str) -> dict[str, str]:
        """What the fields hold when the dialog opens: the column's stage, oneself as the owner."""
        return {"stage": stage, "owner": self.ws.viewer.login}

    def renew(self, stage: str, pipeline_id: int | None) -> None:
        """Ready to be opened again (the kanban keeps its dialog): empty, as when first made,
        for the column ``stage`` of the pipeline ``pipeline_id``."""
        self.pipeline_id = pipeline_id
        self.refill(self.opening_values(stage))

    def form_title(self) -> str:
        return _("New deal")

    def compose_form(self) -> ComposeResult:
        hints = {"stage": _("the pipeline's first stage")}
        if self.client is not None:
            subject = _("for {client}").format(client=self.client[1])
            yield from compose_rows(self, "deal", self.rows, subject, hints)
            return
        yield from self.compose_client_field(_(self.rows[0][1]), "deal-client")
        yield from compose_rows(self, "deal", self.rows[1:], hints=hints)

    def save(self, typed: Typed) -> AddedDeal:
        client = str(self.client[0]) if self.client else self.client_typed(typed)
        draft = DealDraft(
            client, typed["title"], typed["amount"], str(self.pipeline_id or ""), typed["stage"],
            typed["close"], typed["owner"], typed["comment"],
        )  # fmt: skip
        deal = add_deal(self.ws, draft)
        if self.then is not None:
            self.then(deal)
        return deal

    def on_form_dialog_saved(self, event: FormDialog.Saved) -> None:
        """With ``shown``: the dialog closes first, then ``shown`` changes the screen under it,
        in one go (no frame in between), in place of ``FormDialog``'s handler. Changed while
        the dialog was still on top, the screen under it was laid out and drawn again dimmed
        behind the dialog (the whole of it, for every region that changed), then once more
        as the dialog went: two thirds of a save's time on the kanban."""
        if self.shown is not None and isinstance(event.result, AddedDeal):
            event.prevent_default()
            self.saving = False
            self.dismiss(event.result)
            self.shown(event.result)


class DealEditDialog(FormDialog[int | None]):
    """The deal's title, amount, close date and owner; dismissed with its new version, or None.
    A colleague's save in between is refused, never overwritten.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace, card: DealCard, owner_login: str) -> None:
        super().__init__()
        self.ws = ws
        self.card = card
        close = f"{card.expected_close:%d.%m.%Y}" if card.expected_close else ""
        self.rows: Rows = [
            ("title", N_("Title"), card.title),
            ("close", N_("Close by (25.12, +30)"), close),
            ("owner", N_("Owner (login, surname or full name)"), owner_login),
        ]
        if not card.lines:  # with lines, the amount is their sum
            amount = f"{card.amount // 100}" + (f",{card.amount % 100:02d}" if card.amount % 100 else "")
            self.rows.insert(1, ("amount", N_("Amount (350к, 1,2 млн)"), amount))
        self.initial = {key: value for key, _label, value in self.rows}

    def form_title(self) -> str:
        return _("Edit deal")

    def compose_form(self) -> ComposeResult:
        yield from compose_rows(self, "deal", self.rows, self.card.title)

    def save(self, typed: Typed) -> int:
        changed = {key: value for key, value in typed.items() if value != self.initial[key]}
        if not changed:
            return self.card.version
        return edit_deal(self.ws, self.card.id, self.card.version, changed)


LINE_FIELDS: Rows = [
    ("product", N_("Product or service"), ""),
    ("quantity", N_("Quantity"), "1"),
    ("unit", N_("Unit"), "шт"),
    ("price", N_("Price with VAT"), ""),
    ("vat", N_("VAT, % (20, 10, без НДС)"), "20"),
]


class DealLineDialog(FormDialog[int | None]):
    """A line of what the deal sells; dismissed with the deal's new version, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace, card: DealCard) -> None:
        super().__init__()
        self.ws = ws
        self.card = card

    def form_title(self) -> str:
        return _("New line")

    def compose_form(self) -> ComposeResult:
        yield from compose_rows(self, "line", LINE_FIELDS, self.card.title)

    def save(self, typed: Typed) -> int:
        draft = LineDraft(typed["product"], typed["quantity"], typed["unit"], typed["price"], typed["vat"])
        return add_line(self.ws, self.card.id, self.card.version, draft)
