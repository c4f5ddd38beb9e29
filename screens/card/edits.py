"""What the client card changes: segment, handover, portrait, requisites, what the client owns,
contact persons. Each edit is a dialog, then a thread worker that saves, then the card reads
itself again.

Every worker is given the client id it acts on rather than reading it when it runs: the card
screen is kept and refilled with other clients (``crm_tui.screens.card.opener``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual import work
from textual.message import Message

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.access.users import UserInfo, owner_candidates
from crm_tui.domain.clients.card import ClientCard
from crm_tui.domain.clients.edit import StaleClient, edit_client
from crm_tui.domain.clients.installed_base import InstalledDraft, add_installed
from crm_tui.domain.contacts.moves import move_contact
from crm_tui.domain.contacts.new_contact import NewContact, save_contact, typed_back, update_contact
from crm_tui.domain.portrait.fields import set_values
from crm_tui.domain.segments import Segment
from crm_tui.domain.segments.actions import set_segment
from crm_tui.i18n import _
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.screens.dialogs.contact import ContactDialog
from crm_tui.screens.dialogs.contact_move import ContactMove, ContactMoveDialog
from crm_tui.screens.dialogs.installed import InstalledDialog
from crm_tui.screens.dialogs.portrait import PortraitDialog
from crm_tui.screens.dialogs.requisites import RequisitesDialog
from crm_tui.screens.dialogs.segments import AUTO, AssignDialog, SegmentPicker, segment_label
from crm_tui.screens.handover_flow import HandoverFlow


class CardEdits(HandoverFlow):
    """The client card's edits; ``ClientCardScreen`` binds their keys and shows the client."""

    GATED: ClassVar[Mapping[str, Capability]] = {
        "hand_over": Capability.HAND_OVER_CLIENTS,
    }
    client_id: int
    card: ClientCard | None

    class SegmentSaved(Message):
        """The segment was set by hand (or given back to the rules)."""

        def __init__(self, segment: Segment | None) -> None:
            super().__init__()
            self.segment = segment

    class PeopleLoaded(Message):
        """The managers a client can be handed to; the handover dialog opens on them."""

        def __init__(self, client_id: int, people: list[UserInfo]) -> None:
            super().__init__()
            self.client_id = client_id
            self.people = people

    class Saved(Message):
        """A save went through; ``line`` says what was saved."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Refused(Message):
        """A save was refused because someone else saved first; the card shows their values."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def reload_card(self) -> None:
        """Read the card again (the screen's own worker)."""
        raise NotImplementedError

    def _client_name(self) -> str:
        return self.card.display_name if self.card else ""

    def on_card_edits_segment_saved(self, event: SegmentSaved) -> None:
        if event.segment is None:
            self.notify(_("Segment left to the rules: the next recompute sets it."))
        else:
            self.notify(_("Segment set by hand: {label}.").format(label=segment_label(event.segment.value)))
        self.reload_card()

    def action_segment(self) -> None:
        def chosen(value: str | None) -> None:
            if value is not None:
                self.save_segment(self.client_id, None if value == AUTO else Segment(value))

        self.app.push_screen(SegmentPicker(self._client_name()), chosen)

    @work(thread=True, exclusive=True, group="card-segment", exit_on_error=False)
    def save_segment(self, client_id: int, segment: Segment | None) -> None:
        set_segment(self.ws, client_id, segment)
        self.post_message(self.SegmentSaved(segment))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.check_handover_action(action)

    def handover_subject(self) -> int | None:
        return self.client_id

    def handover_done(self, line: str) -> None:
        self.notify(line, timeout=15)
        self.reload_card()

    def action_hand_over(self) -> None:
        self.load_people(self.client_id)

    @work(thread=True, exclusive=True, group="card-people", exit_on_error=False)
    def load_people(self, client_id: int) -> None:
        with self.ws.read() as session:
            people = owner_candidates(session, self.ws.viewer)
        self.post_message(self.PeopleLoaded(client_id, people))

    def on_card_edits_people_loaded(self, event: PeopleLoaded) -> None:
        """A kept card screen lives on after Escape: a list that arrives once the person has
        left the card (or moved to another client) opens no dialog over whatever is shown."""
        if not self.is_current or event.client_id != self.client_id:
            return

        names = {p.login: p.full_name for p in event.people}
        client_id = self.client_id

        def chosen(login: str | None) -> None:
            if login:
                self.plan_handover([client_id], login, names.get(login, login))

        title = _("Hand {name} over to").format(name=self._client_name())
        self.app.push_screen(AssignDialog(1, event.people, title=title), chosen)

    def on_card_edits_saved(self, event: Saved) -> None:
        self.notify(event.line)
        self.reload_card()

    def action_portrait(self, focus_key: str | None = None) -> None:
        card = self.card
        if card is None:
            return

        ws, client_id = self.ws, self.client_id

        def commit(values: dict[str, str]) -> None:
            set_values(ws, client_id, card.version, values)

        def typed(values: dict[str, str] | None) -> None:
            if values is not None:
                self.post_message(self.Saved(_("Portrait saved.")))

        self.app.push_screen(PortraitDialog(card.display_name, card.portrait, focus_key, commit), typed)

    def action_walk(self) -> None:
        """The next missing item: a portrait field opens in the editor; missing contact
        information is named (a phone, an e-mail, a contact person with a position)."""
        card = self.card
        if card is None:
            return
        if not card.missing_keys:
            self.notify(_("Nothing is missing."))
            return
        fields = [k.split(":", 1)[1] for k in card.missing_keys if k.startswith("field:")]
        if fields:
            self.action_portrait(fields[0])
            return
        self.notify(_("Missing: {items}.").format(items=", ".join(card.missing)), severity="warning")

    def action_requisites(self) -> None:
        card = self.card
        if card is None:
            return

        ws, client_id = self.ws, self.client_id

        def commit(changes: dict[str, Any]) -> None:
            """A colleague's save since the card was read is refused in the dialog, which keeps
            what was typed; the card reads itself again, for their values."""
            try:
                with ws.write() as session:
                    edit_client(session, ws.viewer, ws.now(), client_id, card.version, changes)
            except StaleClient:
                self.post_message(self.Refused(""))
                raise

        def typed(changes: dict[str, Any] | None) -> None:
            if changes:
                self.post_message(self.Saved(_("Requisites saved.")))

        self.app.push_screen(RequisitesDialog(card, commit), typed)

    def action_installed(self) -> None:
        ws, client_id = self.ws, self.client_id

        def typed(draft: InstalledDraft | None) -> None:
            if draft is not None:
                self.post_message(
                    self.Saved(_("Added to the installed base: {product}.").format(product=draft.product))
                )

        self.app.push_screen(
            InstalledDialog(self._client_name(), lambda draft: add_installed(ws, client_id, draft)), typed
        )

    def action_add_contact(self) -> None:
        ws, client_id = self.ws, self.client_id

        def typed(person: NewContact | None) -> None:
            if person is not None:
                self.post_message(self.Saved(_("Contact added: {name}.").format(name=person.full_name)))

        self.app.push_screen(
            ContactDialog(self._client_name(), commit=lambda person: save_contact(ws, client_id, person)),
            typed,
        )

    def action_edit_contact(self) -> None:
        card = self.card
        if card is None or not card.contacts:
            self.notify(_("This client has no contact persons yet: press a to add one."), severity="warning")
            return
        people = {str(p.id): p for p in card.contacts}

        def edit(key: str | None) -> None:
            if key is None:
                return
            person = people[key]
            found = [(c.kind, c.raw or c.value) for c in person.channels]
            initial = typed_back(person.full_name, person.position, found)

            def typed(new: NewContact | None) -> None:
                if new is not None:
                    self.post_message(self.Saved(_("Contact saved: {name}.").format(name=new.full_name)))

            def commit(new: NewContact) -> None:
                update_contact(self.ws, person.id, new)

            self.app.push_screen(ContactDialog(card.display_name, initial, commit), typed)

        if len(people) == 1:
            edit(next(iter(people)))
            return
        choices = [
            (p.full_name + (f" — {p.position}" if p.position else ""), key) for key, p in people.items()
        ]
        self.app.push_screen(ChoiceDialog(_("Which contact?"), choices), edit)

    def action_contact_moved(self) -> None:
        card = self.card
        if card is None or not card.contacts:
            self.notify(_("This client has no contact persons to move."), severity="warning")
            return

        ws = self.ws
        lines: list[str] = []

        def commit(move: ContactMove) -> None:
            moved = move_contact(ws, move.contact_id, move.to_client, move.position)
            lines.append(
                _("Moved to client {id}; went along: {carried}; stayed here: {left}.").format(
                    id=moved.to_client,
                    carried=", ".join(moved.carried) or "—",
                    left=", ".join(moved.left) or "—",
                )
            )

        def chosen(move: ContactMove | None) -> None:
            if move is not None and lines:
                self.post_message(self.Saved(lines[-1]))

        self.app.push_screen(ContactMoveDialog(card.display_name, card.contacts, commit), chosen)

    def on_card_edits_refused(self, event: Refused) -> None:
        if event.line:
            self.notify(event.line, severity="error", timeout=15)
        self.reload_card()
