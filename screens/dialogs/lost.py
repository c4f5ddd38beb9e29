"""Why a deal is lost: a reason from the head's list and a comment (both go to the head)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class LostAnswer:
    reason: str
    comment: str


class LostDialog(CrmModal[LostAnswer | None]):
    """Pick the reason, type a comment, Enter; dismissed with the answer or None.

    | Key(s) | Description |
    | :- | :- |
    | up, down | Choose the reason. |
    | tab | To the comment. |
    | enter | Mark the deal lost. |
    | escape | Cancel: the deal stays where it is. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("lost.cancel", "cancel", N_("Cancel")),
    ]

    def __init__(self, deal_title: str, reasons: list[str]) -> None:
        super().__init__()
        self.deal_title = deal_title
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Deal lost")
            yield Static(literal(self.deal_title), classes="dialog-subject", markup=False)
            yield OptionList(
                *(Option(literal(r), id=str(i)) for i, r in enumerate(self.reasons)),
                id="reasons",
                markup=False,
            )
            yield Input(
                placeholder=_("Comment: what happened (the head of sales reads it)"), id="lost-comment"
            )
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#reasons", OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _reason_chosen(self) -> None:
        self.query_one("#lost-comment", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        index = self.query_one("#reasons", OptionList).highlighted
        if index is None:
            return
        self.dismiss(LostAnswer(self.reasons[index], self.query_one("#lost-comment", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
