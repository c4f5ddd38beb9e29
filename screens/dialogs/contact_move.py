"""A contact moved to another company: who, to which client (id or INN), in which position."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult

from crm_tui.domain.clients.card import ContactInfo
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput, FieldSelect


@dataclass(frozen=True)
class ContactMove:
    contact_id: int
    to_client: str
    position: str


class ContactMoveDialog(FormDialog[ContactMove | None]):
    """Dismissed with the move once ``commit`` made it (the new company is found then), or None.

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
        people: list[ContactInfo],
        commit: Callable[[ContactMove], object] | None = None,
    ) -> None:
        super().__init__()
        self.client_name = client_name
        self.people = people
        self.commit = commit

    def form_title(self) -> Text:
        return literal(_("A contact of {name} moved").format(name=self.client_name))

    def compose_form(self) -> ComposeResult:
        who = FieldSelect(
            [(literal(p.full_name + (f" — {p.position}" if p.position else "")), p.id) for p in self.people],
            value=self.people[0].id,
            allow_blank=False,
            id="move-who",
        )
        yield from self.field("who", _("Who"), who)
        yield from self.field("to_client", _("New company: client id or INN"), FieldInput(id="move-to"))
        yield from self.field("position", _("Position there"), FieldInput(id="move-position"))

    def focus_first(self) -> None:
        self.set_focus(self.fields["to_client"])

    def save(self, typed: Typed) -> ContactMove:
        target = typed["to_client"].strip()
        if not target:
            raise InvalidInput(
                "contact.company_missing",
                N_("Say where the person works now: a client id or an INN."),
                field="to_client",
            )
        move = ContactMove(int(typed["who"]), target, typed["position"])
        if self.commit is not None:
            self.commit(move)
        return move
