"""Asks what came of a task before it is marked done."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.widgets import Static

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput


class TaskResultScreen(FormDialog[str | None]):
    """The result of a task; dismissed with the text once ``commit`` closed the task, or None.

    An empty result is refused in place (the domain refuses it too): a task closed without a
    result teaches nobody anything.

    | Key(s) | Description |
    | :- | :- |
    | enter, ctrl+s | Save the result and complete the task. |
    | escape | Cancel; the task stays open. |
    """

    SAVE_LABEL = N_("Done")
    ENTER_SAVES = True

    def __init__(self, task_title: str, commit: Callable[[str], object] | None = None) -> None:
        super().__init__()
        self.task_title = task_title
        self.commit = commit

    def form_title(self) -> str:
        return _("Complete task")

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.task_title), classes="dialog-subject", markup=False)
        result = FieldInput(placeholder=_("Result: agreed, sent, refused..."), id="result")
        yield from self.field("result", _("What came of it?"), result)

    def save(self, typed: Typed) -> str:
        text = str(typed["result"]).strip()
        if not text:
            raise InvalidInput(
                "task.result_missing",
                N_("Say what came of the task: the result cannot be empty."),
                field="result",
            )
        if self.commit is not None:
            self.commit(text)
        return text
