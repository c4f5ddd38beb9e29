"""The form dialogs of the card and the settings screens share one way of working: Enter moves
to the next input and saves on the last, Ctrl+S saves, Escape cancels, and a refusal is shown
in the dialog on the field it concerns, so the person fixes it without retyping the rest."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.binding import BindingType
from textual.widgets import Input, Static

from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind

Result = TypeVar("Result")


class FormDialog(CrmModal[Result]):
    """A modal form; subclasses compose their inputs, an ``#error`` Static, and ``action_save``.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    AUTO_FOCUS = "Input"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("form.save", "save", N_("Save")),
        bind("form.cancel", "cancel", N_("Cancel")),
    ]

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_save()

    def refuse(self, message: str, field_id: str) -> None:
        self.query_one("#error", Static).update(literal(message, multiline=True))
        self.query_one(f"#{field_id}").focus()
        self.app.bell()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
