"""Asks what came of a task before it is marked done."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


class TaskResultScreen(CrmModal[str | None]):
    """The result of a task; dismissed with the text, or None when cancelled.

    An empty result is refused in place (the domain refuses it too): a task closed without a
    result teaches nobody anything.

    | Key(s) | Description |
    | :- | :- |
    | enter, ctrl+s | Save the result and complete the task. |
    | escape | Cancel; the task stays open. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("task_result.submit", "submit", N_("Done")),
        bind("task_result.cancel", "cancel", N_("Cancel")),
    ]

    def __init__(self, task_title: str) -> None:
        super().__init__()
        self.task_title = task_title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Complete task")
            yield Static(literal(self.task_title), classes="dialog-subject", markup=False)
            yield Label(_("What came of it?"))
            yield Input(placeholder=_("Result: agreed, sent, refused..."), id="result")
            yield Static("", id="error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Done"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")
        yield KeyFooter(show_command_palette=False, compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        text = self.query_one("#result", Input).value.strip()
        if not text:
            message = _("Say what came of the task: the result cannot be empty.")
            self.query_one("#error", Static).update(literal(message))
            self.query_one("#result", Input).focus()
            self.app.bell()
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
