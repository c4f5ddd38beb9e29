"""Handing clients over from a screen: ask first, then do it, then offer the undo.

The client card (one client) and the segments screen (a selection) share it. The person picks
the manager (``AssignDialog``); a dry run of the handover counts what would move and
``HandoverConfirm`` puts it in words; only a yes hands them over. The last handover made here
can then be undone with a key (the card's ``U``, the segments screen's ``u``): managers on the
README's SSH set-up have no shell for `crm handover undo`.
"""

from __future__ import annotations

from textual import work
from textual.message import Message

from crm_tui.domain.access.capabilities import Capability, can
from crm_tui.domain.clients.handovers import HandoverResult, HandoverUndo, hand_over, undo_handover
from crm_tui.i18n import _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.handover import HandoverConfirm, handover_counts


class HandoverFlow(CrmScreen):
    """A screen that hands clients over; it binds ``undo_handover`` and implements
    ``handover_done`` (what to show and reload afterwards)."""

    last_handover: tuple[int, str, int | None] | None = None
    """The handover made on this screen that ``undo_handover`` takes back: its number, the
    receiver's name and the ``handover_subject`` it was made on."""

    class HandoverPlanned(Message):
        """The dry run: what would move to ``name`` (``login``)."""

        def __init__(self, plan: HandoverResult, client_ids: list[int], login: str, name: str) -> None:
            super().__init__()
            self.plan = plan
            self.client_ids = client_ids
            self.login = login
            self.name = name

    class HandoverMade(Message):
        def __init__(self, result: HandoverResult, asked: int, name: str) -> None:
            super().__init__()
            self.result = result
            self.asked = asked
            self.name = name

    class HandoverUndone(Message):
        def __init__(self, report: HandoverUndo, name: str) -> None:
            super().__init__()
            self.report = report
            self.name = name

    def handover_done(self, line: str) -> None:
        """Show ``line`` (what the handover or its undo did) and reload."""
        raise NotImplementedError

    def handover_subject(self) -> int | None:
        """What the screen shows now, if a handover belongs to it (the card: its client, as the
        card screen is refilled with other clients); the undo is offered only there."""
        return None

    def check_handover_action(self, action: str) -> bool | None:
        """``check_action`` for the undo key: shown only while there is a handover to undo."""
        if action == "undo_handover":
            last = self.last_handover
            return (
                last is not None
                and last[2] == self.handover_subject()
                and can(self.ws.viewer, Capability.HAND_OVER_CLIENTS)
            )
        return True

    def plan_handover(self, client_ids: list[int], login: str, name: str) -> None:
        """Count what a handover of ``client_ids`` to ``login`` would move, then ask."""
        self._plan_handover(sorted(client_ids), login, name)

    @work(thread=True, exclusive=True, group="handover", exit_on_error=False)
    def _plan_handover(self, client_ids: list[int], login: str, name: str) -> None:
        plan = hand_over(self.ws, login, client_ids=client_ids, dry_run=True)
        self.post_message(self.HandoverPlanned(plan, client_ids, login, name))

    def on_handover_flow_handover_planned(self, event: HandoverPlanned) -> None:
        if not self.is_current:
            return
        if event.plan.clients == 0:
            self.notify(_("They are {name}'s clients already: nothing to hand over.").format(name=event.name))
            return

        ws = self.ws

        def commit() -> HandoverResult:
            return hand_over(ws, event.login, client_ids=event.client_ids)

        def answered(result: HandoverResult | None) -> None:
            if result is not None:
                self.post_message(self.HandoverMade(result, len(event.client_ids), event.name))

        self.app.push_screen(HandoverConfirm(event.plan, event.name, commit), answered)

    def on_handover_flow_handover_made(self, event: HandoverMade) -> None:
        result = event.result
        line = _("Handed over to {name}: {moved}.").format(name=event.name, moved=handover_counts(result))
        if event.asked > result.clients:
            line += " " + _("{count} were theirs already.").format(count=event.asked - result.clients)
        if result.handover is not None:
            self.last_handover = (result.handover, event.name, self.handover_subject())
            key = self._undo_key()
            if key:
                line += " " + _("{key} undoes it.").format(key=key)
        self.refresh_bindings()
        self.handover_done(line)

    def _undo_key(self) -> str:
        for key, item in self.active_bindings.items():
            if item.binding.action == "undo_handover":
                return self.app.get_key_display(item.binding) or key
        return ""

    def action_undo_handover(self) -> None:
        if self.check_handover_action("undo_handover") and self.last_handover is not None:
            number, name, _subject = self.last_handover
            self.last_handover = None
            self.refresh_bindings()
            self._undo_handover(number, name)

    @work(thread=True, exclusive=True, group="handover", exit_on_error=False)
    def _undo_handover(self, number: int, name: str) -> None:
        self.post_message(self.HandoverUndone(undo_handover(self.ws, number), name))

    def on_handover_flow_handover_undone(self, event: HandoverUndone) -> None:
        report = event.report
        back = HandoverResult(report.handover, "", report.clients, report.deals, report.tasks)
        line = _("Handover {number} undone: {moved} back from {name}.").format(
            number=report.handover, moved=handover_counts(back), name=event.name
        )
        if report.kept:
            line += " " + _("Kept: {kept}.").format(kept="; ".join(str(k) for k in report.kept))
        self.handover_done(line)
