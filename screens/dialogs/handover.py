"""Asking before a handover: how many clients, open deals and open tasks go to whom."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from crm_tui.domain.clients.handovers import HandoverResult
from crm_tui.i18n import N_, _, counted
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


def handover_counts(plan: HandoverResult) -> str:
    """ "3 clients, 2 open deals and 5 open tasks": what a handover moves, in words."""
    clients = counted(plan.clients, "{count} client", "{count} clients")
    deals = counted(plan.deals, "{count} open deal", "{count} open deals")
    tasks = counted(plan.tasks, "{count} open task", "{count} open tasks")
    return _("{clients}, {deals} and {tasks}").format(clients=clients, deals=deals, tasks=tasks)


class HandoverConfirm(CrmModal[bool]):
    """A handover's dry run put in words; dismissed with True to hand them over.

    | Key(s) | Description |
    | :- | :- |
    | y | Hand them over. |
    | n, escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("handover_confirm.yes", "answer(True)", N_("Hand over")),
        bind("handover_confirm.no", "answer(False)", N_("Cancel")),
    ]

    def __init__(self, plan: HandoverResult, receiver: str) -> None:
        super().__init__()
        self.plan = plan
        self.receiver = receiver

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Hand over to {name}?").format(name=self.receiver)
            yield Static(
                _("{moved} go to {name}. Closed deals stay with whoever closed them.").format(
                    moved=handover_counts(self.plan), name=self.receiver
                ),
                id="handover-what",
                markup=False,
            )
            yield Static(
                _("The handover can be undone afterwards from this screen."),
                classes="dialog-note",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Hand over"), variant="primary", id="yes")
                yield Button(_("Cancel"), id="no")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
