"""Asking before a handover: how many clients, open deals and open tasks go to whom."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Button, Static

from crm_tui.domain.clients.handovers import HandoverResult
from crm_tui.i18n import N_, _, counted
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.bindings import bind


def handover_counts(plan: HandoverResult) -> str:
    """ "3 clients, 2 open deals and 5 open tasks": what a handover moves, in words."""
    clients = counted(plan.clients, "{count} client", "{count} clients")
    deals = counted(plan.deals, "{count} open deal", "{count} open deals")
    tasks = counted(plan.tasks, "{count} open task", "{count} open tasks")
    return _("{clients}, {deals} and {tasks}").format(clients=clients, deals=deals, tasks=tasks)


class HandoverConfirm(FormDialog[HandoverResult | None]):
    """A handover's dry run put in words; ``commit`` hands them over while the dialog is open
    (a refusal is said in it), and the dialog is dismissed with what it did, or None.

    | Key(s) | Description |
    | :- | :- |
    | y, ctrl+s | Hand them over. |
    | n, escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("handover_confirm.yes", "save", N_("Hand over")),
        bind("handover_confirm.no", "cancel", N_("Cancel"), show=False),
    ]
    SAVE_LABEL = N_("Hand over")

    def __init__(
        self, plan: HandoverResult, receiver: str, commit: Callable[[], HandoverResult] | None = None
    ) -> None:
        super().__init__()
        self.plan = plan
        self.receiver = receiver
        self.commit = commit

    def form_title(self) -> str:
        return _("Hand over to {name}?").format(name=self.receiver)

    def compose_form(self) -> ComposeResult:
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

    def focus_first(self) -> None:
        """Cancel has the focus: an Enter typed ahead hands nothing over."""
        self.set_focus(self.query_one("#cancel", Button))

    def save(self, typed: Typed) -> HandoverResult:
        return self.commit() if self.commit is not None else self.plan
