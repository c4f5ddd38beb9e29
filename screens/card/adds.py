"""What the client card starts for its client: a new deal (``N``), a task (``T``), taking the
lead (``ctrl+t``). Each is a dialog or a worker over the domain, then the card reads itself again."""

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
from crm_tui.screens.dialogs.task_form import TaskDialog


class CardAdds(CardEdits):
    """The card's new deal, new task and take; ``ClientCardScreen`` binds their keys."""

    GATED: ClassVar[Mapping[str, Capability]] = {
        **CardEdits.GATED,
        "take": Capability.TAKE_LEADS,
        "new_deal": Capability.CREATE_DEALS,
        "new_task": Capability.SET_TASKS,
    }  # gated here, where their actions are (a class's GATED names its own or inherited actions)

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
