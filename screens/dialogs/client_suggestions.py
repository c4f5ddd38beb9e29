"""A form's client field searched as you type: the clients a name, an INN or a phone finds (the
clients list's `/`, ``client_page``), in a list under the field; ↑/↓ choose, Enter takes one and
moves on. The client taken is saved by its id, so two clients of one name are never confused.

The search runs in an exclusive thread worker: each key cancels the search before it, and an
answer that is not for what the field holds now is dropped, so typing never waits on the base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import DescendantFocus
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from crm_tui.domain.clients.listing import ClientFilter, ClientRow, client_page
from crm_tui.domain.values.formatting import phone
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.in_order import FieldInput

Result = TypeVar("Result")

SUGGESTED = 6
SHORTEST_QUERY = 2
FIELD = "client"


@dataclass(frozen=True)
class Picked:
    id: int
    label: str
    """What the field shows once the client is taken; edited, the pick is let go."""


def suggest_clients(ws: Workspace, text: str) -> list[ClientRow]:
    """The first clients ``text`` finds among those the viewer sees (as the clients list's `/`)."""
    with ws.read() as session:
        return client_page(session, ws.viewer, ClientFilter(query=text), limit=SUGGESTED).rows


def client_label(row: ClientRow) -> str:
    return f"{row.legal_form} «{row.name}»" if row.legal_form else row.name


class ClientPickingForm(FormDialog[Result]):
    """A ``FormDialog`` with a client field (key ``client``) that suggests clients as it is
    typed in. ``compose_client_field`` yields the field and its list; ``client_typed`` is what
    the domain should read (the id of a client taken from the list, else the text)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("client_pick.up", "suggestion(-1)", show=False, priority=True),
        bind("client_pick.down", "suggestion(1)", show=False, priority=True),
    ]

    class Suggested(Message):
        def __init__(self, query: str, rows: list[ClientRow]) -> None:
            super().__init__()
            self.query = query
            self.rows = rows

    ws: Workspace

    def __init__(self) -> None:
        super().__init__()
        self.picked: Picked | None = None
        self._labels: dict[str, str] = {}
        self._client_id = ""

    def compose_client_field(self, label: str, widget_id: str) -> ComposeResult:
        """The client field (its id ``widget_id``) and, under it, the list of clients it finds."""
        self._client_id = widget_id
        yield from self.field(FIELD, label, FieldInput(id=widget_id))
        suggestions = OptionList(id="client-suggestions", markup=False, compact=True)
        suggestions.can_focus = False  # Tab goes from the field to the next; ↑/↓ choose here
        suggestions.display = False
        yield suggestions

    def refill(self, values: dict[str, str]) -> None:
        """No client taken, no list shown (see ``FormDialog.refill``)."""
        super().refill(values)
        self.picked = None
        if self._client_id:
            self._suggestions().display = False

    def client_typed(self, typed: Typed) -> str:
        text = str(typed.get(FIELD, ""))
        picked = self.picked
        return str(picked.id) if picked is not None and text == picked.label else text

    def _suggestions(self) -> OptionList:
        return self.query_one("#client-suggestions", OptionList)

    def _client_input(self) -> Input:
        return self.query_one(f"#{self._client_id}", Input)

    def _choosing(self) -> bool:
        """Whether ↑/↓, Enter and Escape are the list's: the field has the focus, the list is shown."""
        if not self._client_id:  # a form opened on its client asks for none
            return False
        return self.focused is self._client_input() and self._suggestions().display

    @on(Input.Changed)
    def _client_changed(self, event: Input.Changed) -> None:
        if event.input.id != self._client_id:
            return
        text = " ".join(event.value.split())
        if self.picked is not None and event.value == self.picked.label:
            return
        self.picked = None
        if len(text) < SHORTEST_QUERY:
            self._suggestions().display = False
            return
        self._search(text)

    @work(thread=True, exclusive=True, group="client-suggestions", exit_on_error=False)
    def _search(self, text: str) -> None:
        rows = suggest_clients(self.ws, text)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Suggested(text, rows))

    def on_client_picking_form_suggested(self, event: Suggested) -> None:
        field = self._client_input()
        if event.query != " ".join(field.value.split()) or self.picked is not None:
            return  # an answer to what the field held a few keys ago
        suggestions = self._suggestions()
        suggestions.clear_options()
        suggestions.add_options(Option(self._line(row), id=str(row.id)) for row in event.rows)
        self._labels = {str(row.id): client_label(row) for row in event.rows}
        suggestions.display = bool(event.rows) and self.focused is field
        if event.rows:
            suggestions.highlighted = 0

    def _line(self, row: ClientRow) -> Text:
        line = literal(client_label(row), no_wrap=True, overflow="ellipsis")  # a line each
        facts = [f for f in (row.inn, phone(row.phone) if row.phone else None, row.city, row.owner) if f]
        if facts:
            line.append_text(literal(" · " + " · ".join(facts), style="dim"))
        return line

    def action_suggestion(self, step: int) -> None:
        if not self._choosing():
            raise SkipAction()
        suggestions = self._suggestions()
        if step > 0:
            suggestions.action_cursor_down()
        else:
            suggestions.action_cursor_up()

    def take_suggestion(self) -> bool:
        """Take the highlighted client into the field; False when no list is shown."""
        if not self._choosing():
            return False
        option = self._suggestions().highlighted_option
        if option is None or option.id is None:
            return False
        self.picked = Picked(int(option.id), self._labels[option.id])
        self._client_input().value = self.picked.label
        self._suggestions().display = False
        return True

    def action_next_or_save(self) -> None:
        """Enter on the client field with the list shown takes the client, then moves on."""
        self.take_suggestion()
        super().action_next_or_save()

    def action_cancel(self) -> None:
        """Escape closes the list first; a second one cancels the dialog."""
        if self._choosing():
            self._suggestions().display = False
            return
        super().action_cancel()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if self._client_id and event.widget is not self._client_input():
            self._suggestions().display = False
