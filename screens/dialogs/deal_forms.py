"""The deal's dialogs: a new deal (from the client card, the kanban, the palette), its edit, and
a line of what it sells. Each saves through the domain and keeps what was typed on a refusal."""

from __future__ import annotations

from crm_tui.domain.deals.card import DealCard
from crm_tui.domain.deals.edit import edit_deal
from crm_tui.domain.deals.lines import LineDraft, add_line
from crm_tui.domain.deals.new_deal import AddedDeal, DealDraft, add_deal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.saving_form import SavingForm

NEW_DEAL_FIELDS = (
    ("client", N_("Client (name, INN, phone)")),
    ("title", N_("Title")),
    ("amount", N_("Amount (350к, 1,2 млн)")),
    ("stage", N_("Stage")),
    ("close", N_("Close by (25.12, +30)")),
    ("owner", N_("Owner (login)")),
    ("comment", N_("Comment")),
)


class NewDealDialog(SavingForm[AddedDeal]):
    """A new deal; dismissed with it once saved (it has entered its stage), or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
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
    ) -> None:
        """``client`` (id, name) when opened on a client's card: the field is not asked;
        ``stage`` the kanban column's; ``pipeline_id`` the kanban's pipeline."""
        self.client = client
        self.pipeline_id = pipeline_id
        initial = {"stage": stage, "owner": ws.viewer.login}
        rows = [
            (key, label, initial.get(key, ""))
            for key, label in NEW_DEAL_FIELDS
            if not (key == "client" and client is not None)
        ]
        subject = _("for {client}").format(client=client[1]) if client else ""
        super().__init__(ws, _("New deal"), rows, subject)

    def save_values(self, values: dict[str, str]) -> AddedDeal:
        client = str(self.client[0]) if self.client else values["client"]
        draft = DealDraft(
            client, values["title"], values["amount"], str(self.pipeline_id or ""), values["stage"],
            values["close"], values["owner"], values["comment"],
        )  # fmt: skip
        return add_deal(self.ws, draft)


class DealEditDialog(SavingForm[int]):
    """The deal's title, amount, close date and owner; dismissed with its new version, or None.
    A colleague's save in between is refused, never overwritten.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace, card: DealCard, owner_login: str) -> None:
        self.card = card
        rows = [
            ("title", N_("Title"), card.title),
            (
                "close",
                N_("Close by (25.12, +30)"),
                f"{card.expected_close:%d.%m.%Y}" if card.expected_close else "",
            ),
            ("owner", N_("Owner (login)"), owner_login),
        ]
        if not card.lines:  # with lines, the amount is their sum
            amount = f"{card.amount // 100}" + (f",{card.amount % 100:02d}" if card.amount % 100 else "")
            rows.insert(1, ("amount", N_("Amount (350к, 1,2 млн)"), amount))
        self.initial = {key: value for key, _label, value in rows}
        super().__init__(ws, _("Edit deal"), rows, card.title)

    def save_values(self, values: dict[str, str]) -> int:
        changed = {key: value for key, value in values.items() if value != self.initial[key]}
        if not changed:
            return self.card.version
        return edit_deal(self.ws, self.card.id, self.card.version, changed)


LINE_FIELDS = (
    ("product", N_("Product or service"), ""),
    ("quantity", N_("Quantity"), "1"),
    ("unit", N_("Unit"), "шт"),
    ("price", N_("Price with VAT"), ""),
    ("vat", N_("VAT, % (20, 10, без НДС)"), "20"),
)


class DealLineDialog(SavingForm[int]):
    """A line of what the deal sells; dismissed with the deal's new version, or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace, card: DealCard) -> None:
        self.card = card
        super().__init__(ws, _("New line"), list(LINE_FIELDS), card.title)

    def save_values(self, values: dict[str, str]) -> int:
        draft = LineDraft(
            values["product"], values["quantity"], values["unit"], values["price"], values["vat"]
        )
        return add_line(self.ws, self.card.id, self.card.version, draft)
