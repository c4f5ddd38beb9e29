"""What the client card starts for its client: a new deal (``N``), a task (``T``), taking the
lead (``ctrl+t``); and what it does to its open tasks: give one to a colleague (``A``), move it
(``M``), cancel it (``X``). Each is a dialog or a worker over the domain, then the card reads
itself again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import work
from textual.message import Message

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.clients.take import take_lead
from crm_tui.domain.deals.new_deal import AddedDeal
from crm_tui.domain.tasks.manual import SetTask
from crm_tui.domain.values.formatting import local_time
from crm_tui.i18n import _
from crm_tui.screens.card.edits import CardEdits
from crm_tui.screens.dialogs.deal_forms import NewDealDialog
from crm_tui.screens.dialogs.task_change import TaskChange, TaskRef, change_task
from crm_tui.screens.dialogs.task_form import TaskDialog
from crm_tui.widgets.record_table import RecordTable


class CardAdds(CardEdits):
    """The card's new deal, new task and take; ``ClientCardScreen`` binds their keys."""

    GATED: ClassVar[Mapping[str, Capability]] = {
        **CardEdits.GATED,
        "take": Capability.TAKE_LEADS,
        "new_deal": Capability.CREATE_DEALS,
        "new_task": Capability.SET_TASKS,
    }

    class Took(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def _subject(self) -> tuple[int, str] | None:
        return (self.client_id, self._client_name()) if self.card is not None else None

    def action_new_deal(self) -> None:
        subject = self._subject()
        if subject is None:
            return

        def saved(deal: AddedDeal | None) -> None:
            if deal is not None:
                self.notify(_("Deal «{title}» opened: {stage}.").format(title=deal.title, stage=deal.stage))
                self.reload_card()

        self.app.push_screen(NewDealDialog(self.ws, client=subject), saved)

    def action_new_task(self) -> None:
        subject = self._subject()
        if subject is None:
            return

        def saved(task: SetTask | None) -> None:
            if task is not None:
                when = local_time(task.due_at, self.ws.tz, "%d.%m %H:%M")
                self.notify(_("Task set for {when}.").format(when=when))
                self.reload_card()

        self.app.push_screen(TaskDialog(self.ws, client=subject), saved)

    def chosen_task(self) -> TaskRef | None:
        """The open task under the tasks list's cursor (its first, until the list is visited)."""
        if self.card is None or not self.card.tasks:
            return None
        key = self.query_one("#card-tasks", RecordTable).selected_key
        task = next((t for t in self.card.tasks if str(t.id) == key), self.card.tasks[0])
        return TaskRef(task.id, task.version, task.title, task.due_at)

    def action_change_task(self, change: str) -> None:
        """Reassign, reschedule or cancel the chosen task (``TaskChange``'s field key)."""
        change_task(self, self.ws, self.chosen_task(), TaskChange(change), self._task_changed)

    def _task_changed(self, line: str) -> None:
        self.notify(line)
        self.reload_card()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "change_task":
            return self.card is not None and bool(self.card.tasks)
        return super().check_action(action, parameters)

    def action_take(self) -> None:
        if self.card is not None:
            self.take(self.client_id)

    @work(thread=True, exclusive=True, group="card-take", exit_on_error=False)
    def take(self, client_id: int) -> None:
        taken = take_lead(self.ws, client_id)
        line = _("«{name}» is yours already.") if taken.already_yours else _("«{name}» is yours now.")
        self.post_message(self.Took(line.format(name=taken.name)))

    def on_card_adds_took(self, event: Took) -> None:
        self.notify(event.line)
        self.reload_card()
