"""A contact moved to another company: who, to which client (id or INN), in which position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, Static

from crm_tui.domain.clients.card import ContactInfo
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class ContactMove:
    contact_id: int
    to_client: str
    position: str


class ContactMoveDialog(CrmModal[ContactMove | None]):
    """Dismissed with the move or None; the new company is found when it is saved.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("contact_move.save", "save", N_("Save")),
        bind("contact_move.cancel", "cancel", N_("Cancel")),
    ]

    def __init__(self, client_name: str, people: list[ContactInfo]) -> None:
        super().__init__()
        self.client_name = client_name
        self.people = people

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as dialog:
            dialog.border_title = literal(_("A contact of {name} moved").format(name=self.client_name))
            yield Label(_("Who"), classes="portrait-label")
            yield Select(
                [
                    (literal(p.full_name + (f" — {p.position}" if p.position else "")), p.id)
                    for p in self.people
                ],
                value=self.people[0].id,
                allow_blank=False,
                id="move-who",
            )
            yield Label(_("New company: client id or INN"), classes="portrait-label")
            yield Input(id="move-to")
            yield Label(_("Position there"), classes="portrait-label")
            yield Input(id="move-position")
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#move-to", Input).focus()

    @on(Input.Submitted, "#move-to")
    def _next(self) -> None:
        self.query_one("#move-position", Input).focus()

    @on(Input.Submitted, "#move-position")
    def action_save(self) -> None:
        target = self.query_one("#move-to", Input).value.strip()
        if not target:
            self.query_one("#error", Static).update(
                _("Say where the person works now: a client id or an INN.")
            )
            self.query_one("#move-to", Input).focus()
            self.app.bell()
            return
        who = self.query_one("#move-who", Select).value
        assert isinstance(who, int)
        self.dismiss(ContactMove(who, target, self.query_one("#move-position", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
