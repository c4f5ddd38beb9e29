"""A task given to a colleague, moved to another moment, or cancelled with a reason: from the desk,
the week view and the client card. One ``FormDialog`` of one field each, over the domain's
``reassign_task``, ``reschedule_task`` and ``cancel_task`` (who may do what: the capability table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from crm_tui.domain.tasks.manual import cancel_task, reassign_task, reschedule_task
from crm_tui.domain.values.formatting import local_time
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput


class TaskChange(StrEnum):
    """What is done to the task; the value is the field's key (as the domain names it)."""

    REASSIGN = "assignee"
    RESCHEDULE = "due"
    CANCEL = "reason"


TITLES = {
    TaskChange.REASSIGN: N_("Give the task to"),
    TaskChange.RESCHEDULE: N_("Move the task"),
    TaskChange.CANCEL: N_("Cancel the task"),
}
LABELS = {
    TaskChange.REASSIGN: N_("For (login, surname or full name)"),
    TaskChange.RESCHEDULE: N_("When (завтра 10:00, пт, +2)"),
    TaskChange.CANCEL: N_("Why (the one who set it sees it)"),
}
DONE_LINES = {
    TaskChange.REASSIGN: N_("Task given to {value}: {title}"),
    TaskChange.RESCHEDULE: N_("Task moved to {value}: {title}"),
    TaskChange.CANCEL: N_("Task cancelled: {title}"),
}


@dataclass(frozen=True)
class TaskRef:
    """The task a screen has under its cursor: enough to change it and to say which it was."""

    id: int
    version: int
    title: str
    due_at: datetime


class TaskChangeDialog(FormDialog[str | None]):
    """Reassign, reschedule or cancel one task; dismissed with a line saying what was done (for a
    notification) once the domain has saved it, or None.

    | Key(s) | Description |
    | :- | :- |
    | enter, ctrl+s | Save. |
    | escape | Back; the task stays as it was. |
    """

    ENTER_SAVES = True
    CHANGE: ClassVar[TaskChange]

    def __init__(self, ws: Workspace, task: TaskRef) -> None:
        super().__init__()
        self.ws = ws
        self.subject = task
        self.change = self.CHANGE

    def form_title(self) -> str:
        return _(TITLES[self.change])

    def compose_form(self) -> ComposeResult:
        due = local_time(self.subject.due_at, self.ws.tz, "%d.%m %H:%M")
        yield Static(literal(f"{self.subject.title} · {due}"), classes="dialog-subject", markup=False)
        field = FieldInput(id=f"task-{self.change.value}")
        yield from self.field(self.change.value, _(LABELS[self.change]), field)

    def save(self, typed: Typed) -> str:
        text = str(typed[self.change.value])
        line = _(DONE_LINES[self.change])
        if self.change is TaskChange.REASSIGN:
            reassign_task(self.ws, self.subject.id, self.subject.version, text)
            return line.format(value=text.strip(), title=self.subject.title)
        if self.change is TaskChange.RESCHEDULE:
            reschedule_task(self.ws, self.subject.id, self.subject.version, text)
            return line.format(value=text.strip(), title=self.subject.title)
        cancel_task(self.ws, self.subject.id, self.subject.version, text)
        return line.format(title=self.subject.title)


class ReassignDialog(TaskChangeDialog):
    """Give the task to a colleague of one's scope."""

    CHANGE = TaskChange.REASSIGN
    SAVE_LABEL = N_("Give")


class RescheduleDialog(TaskChangeDialog):
    """Move the task to another moment."""

    CHANGE = TaskChange.RESCHEDULE
    SAVE_LABEL = N_("Move")


class CancelTaskDialog(TaskChangeDialog):
    """Cancel the task, saying why."""

    CHANGE = TaskChange.CANCEL
    SAVE_LABEL = N_("Cancel task")


DIALOGS: dict[TaskChange, type[TaskChangeDialog]] = {
    TaskChange.REASSIGN: ReassignDialog,
    TaskChange.RESCHEDULE: RescheduleDialog,
    TaskChange.CANCEL: CancelTaskDialog,
}


def change_task(
    screen: Screen[Any], ws: Workspace, task: TaskRef | None, change: TaskChange, done: Callable[[str], None]
) -> None:
    """Open the dialog for ``change`` on ``task`` (nothing under the cursor: nothing); ``done``
    gets the line saying what was done, once it is saved."""
    if task is None:
        return

    def finish(line: str | None) -> None:
        if line is not None:
            done(line)

    screen.app.push_screen(DIALOGS[change](ws, task), finish)
