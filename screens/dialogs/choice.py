"""Pick one of a few named choices (a region, a pipeline, a period)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


class ChoiceDialog(CrmModal[str | None]):
    """Dismissed with the chosen option's id, or None.

    | Key(s) | Description |
    | :- | :- |
    | up, down, enter | Choose. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [bind("choice.cancel", "cancel", N_("Cancel"))]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = literal(self.title_text)
            yield OptionList(
                *(Option(literal(label), id=key) for label, key in self.choices), id="choices", markup=False
            )
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
