"""Why a deal is lost: a reason from the head's list and a comment (both go to the head)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput, FieldOptionList


@dataclass(frozen=True)
class LostAnswer:
    reason: str
    comment: str


class LostDialog(FormDialog[LostAnswer | None]):
    """Pick the reason, type a comment, save; dismissed with the answer once ``commit`` marked
    the deal lost, or None.

    | Key(s) | Description |
    | :- | :- |
    | up, down | Choose the reason. |
    | tab, shift+tab | Between the reason and the comment. |
    | enter | On the reason: to the comment; on the comment: mark the deal lost. |
    | ctrl+s | Mark the deal lost. |
    | escape | Cancel: the deal stays where it is. |
    """

    SAVE_LABEL = N_("Mark lost")

    def __init__(
        self, deal_title: str, reasons: list[str], commit: Callable[[LostAnswer], object] | None = None
    ) -> None:
        super().__init__()
        self.deal_title = deal_title
        self.reasons = reasons
        self.commit = commit

    def form_title(self) -> str:
        return _("Deal lost")

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.deal_title), classes="dialog-subject", markup=False)
        reasons = FieldOptionList(
            *(Option(literal(r), id=str(i)) for i, r in enumerate(self.reasons)), id="reasons", markup=False
        )
        yield from self.field("reason", _("Reason"), reasons)
        comment = FieldInput(
            placeholder=_("Comment: what happened (the head of sales reads it)"), id="lost-comment"
        )
        yield from self.field("comment", _("Comment"), comment)

    def on_mount(self) -> None:
        self.query_one("#reasons", OptionList).highlighted = 0
        super().on_mount()

    @on(OptionList.OptionSelected)
    def _reason_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.set_focus(self.query_one("#lost-comment", Input))

    def save(self, typed: Typed) -> LostAnswer:
        index = typed["reason"]
        if index is None or not self.reasons:
            raise InvalidInput(
                "deal.lost_reason_missing", N_("Pick the reason the deal was lost."), field="reason"
            )
        answer = LostAnswer(self.reasons[index], typed["comment"])
        if self.commit is not None:
            self.commit(answer)
        return answer
