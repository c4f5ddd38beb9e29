"""The clients list: one page from SQL at a time, searched and filtered in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Select, Static
from textual.worker import get_current_worker

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.access.users import UserInfo, owner_choices
from crm_tui.domain.clients import ClientStatus
from crm_tui.domain.clients.listing import NO_SEGMENT, ClientFilter, ClientPage, Cursor, client_page
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _, counted
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.dialogs.segments import SEGMENT_LABELS, segment_name
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.client_table import ClientTable, status_label
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.search_field import SearchField

SELECT_CHROME = 8
"""The cells a Select takes around its label: border, padding and the arrow."""


@dataclass(frozen=True)
class PageRequest:
    """Which page to fetch: the first, the one after a cursor, or the one before it."""

    flt: ClientFilter
    number: int
    after: Cursor | None = None
    before: Cursor | None = None


class ClientsScreen(CrmScreen):
    """All clients the user may see, a page at a time, by name.

    Pages continue from a cursor (keyset pagination in SQL); nothing counts the whole table,
    so the status line says which page this is and whether more follow.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the client under the cursor. |
    | j, k, up, down | Move through the page. |
    | n, pagedown | Next page. |
    | p, pageup | Previous page. |
    | / | Search by name, INN, phone or e-mail (as you type). |
    | enter, down | In the search box: open the first match; move to the list. |
    | a | A new client (told first if its INN, phone or e-mail is somebody's). |
    | o | Filter by owner. |
    | t | Filter by status (lead, prospect, customer). |
    | g | Filter by segment (warm, loyal, lost, none yet). |
    | b | Filter by installed base: owns a competitor's product, or ours. |
    | , | Portrait fields and required contact information (admins). |
    | ctrl+t | Take the lead under the cursor: an unowned lead of your region becomes yours. |
    | escape | Clear the search and the filters, or leave a field; again: back to the desk. |
    """

    class Took(Message):
        """A lead was taken (or was one's own already)."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    TITLE = N_("Clients")
    GATED: ClassVar[Mapping[str, Capability]] = {
        "fields": Capability.EDIT_PORTRAIT_FIELDS,
        "take": Capability.TAKE_LEADS,
    }
    AUTO_FOCUS = "#clients"
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("clients.search", "search", N_("Search"), key_display="/"),
        bind("clients.new", "new_client", N_("New client")),
        bind("clients.owner", "owner", N_("Owner")),
        bind("clients.status", "status", N_("Status")),
        bind("clients.segment", "segment", N_("Segment")),
        bind("clients.owns", "owns", N_("Owns")),
        bind("clients.fields", "fields", N_("Fields"), key_display=","),
        bind("clients.next_page", "next_page", N_("Next page")),
        bind("clients.next_page_key", "next_page", N_("Next page"), show=False),
        bind("clients.prev_page", "prev_page", N_("Previous page")),
        bind("clients.prev_page_key", "prev_page", N_("Previous page"), show=False),
        bind("clients.take", "take", N_("Take")),
        bind("clients.back", "back", N_("Back")),
    ]

    class PageLoaded(Message):
        """A page of clients arrived from a worker."""

        def __init__(self, request: PageRequest, page: ClientPage) -> None:
            super().__init__()
            self.request = request
            self.page = page

    class OwnersLoaded(Message):
        """The people the owner filter may choose from."""

        def __init__(self, owners: list[UserInfo]) -> None:
            super().__init__()
            self.owners = owners

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        # Under 100 columns the filters go under the search field (app.tcss, ClientsScreen.-narrow).
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
        self.flt = ClientFilter()
        self.page: ClientPage | None = None
        self.shown: PageRequest | None = None
        self.page_number = 1
        self._status = ""
        self.open_on_arrival = False
        """Enter was pressed in the search box before the answer to what it holds arrived."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="clients-toolbar"):
            yield SearchField(placeholder=_("/ Name, INN, phone, e-mail"), id="search")
            yield Select[int]([], prompt=_("All owners"), id="owner")
            yield Select[str](
                [(status_label(s.value), s.value) for s in ClientStatus],
                prompt=_("Any status"),
                id="status",
            )
            yield Select[str](
                [
                    *((segment_name(segment), segment.value) for segment in SEGMENT_LABELS),
                    (_("No segment"), NO_SEGMENT),
                ],
                prompt=_("Any segment"),
                id="segment",
            )
            yield Select[str](
                [(_("Owns a competitor's"), "competitor"), (_("Owns ours"), "ours")],
                prompt=_("Owns: anything"),
                id="owns",
            )
        yield ClientTable(id="clients")
        yield Static("", id="clients-status", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.ws.viewer.full_name
        self._fit_filters()
        self.fetch(PageRequest(self.flt, 1))
        self.load_owners()

    def on_resize(self) -> None:
        self._fit_filters()

    def _fit_filters(self) -> None:
        """Beside the search field, a filter is wide enough for its prompt ("All owners" is
        longer in Russian than the width chosen for English); under it, four share the width."""
        narrow = self.has_class("-narrow")
        for select in self.query("#clients-toolbar Select").results(Select):
            select.styles.min_width = None if narrow else cell_len(str(select.prompt)) + SELECT_CHROME

    # --- data -----------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """The page on screen again, as it is now (from the same cursor)."""
        if self.shown is not None and self.shown.flt == self.flt:
            self.fetch(self.shown)

    @work(thread=True, exclusive=True, group="clients-page", exit_on_error=False)
    def fetch(self, request: PageRequest) -> None:
        self.note_version()
        with self.ws.read() as session:
            page = client_page(
                session, self.ws.viewer, request.flt, after=request.after, before=request.before
            )
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(request, page))

    @work(thread=True, exclusive=True, group="clients-owners", exit_on_error=False)
    def load_owners(self) -> None:
        with self.ws.read() as session:
            owners = owner_choices(session, self.ws.viewer)
        self.post_message(self.OwnersLoaded(owners))

    def on_clients_screen_owners_loaded(self, event: OwnersLoaded) -> None:
        self.query_one("#owner", Select).set_options((literal(u.full_name), u.id) for u in event.owners)

    def on_clients_screen_page_loaded(self, event: PageLoaded) -> None:
        if event.request.flt != self.flt:
            return  # an answer to a search the person has already typed past
        page = event.page
        if not page.rows and event.request.number > 1:
            self.fetch(PageRequest(self.flt, 1))  # the page emptied under us: start over
            return
        self.page = page
        self.shown = event.request
        self.page_number = 1 if not page.has_prev else event.request.number
        self.query_one("#clients", ClientTable).show_page(page.rows)
        self._show_status()
        self.refresh_bindings()
        if self.open_on_arrival:
            self.open_on_arrival = False
            self._open_highlighted()

    def _show_status(self) -> None:
        page = self.page
        if page is None:
            return
        if not page.rows:
            text = _("No clients match.") if self.flt != ClientFilter() else _("No clients yet.")
        else:
            parts = [_("Page {n}").format(n=self.page_number)]
            count = len(page.rows)
            parts.append(counted(count, "{count} client on this page", "{count} clients on this page"))
            parts.append(_("more: n or PgDn") if page.has_next else _("last page"))
            text = " · ".join(parts)
        if text != self._status:  # an update lays the screen out again: only when it says more
            self._status = text
            self.query_one("#clients-status", Static).update(text)

    def _refilter(self, flt: ClientFilter) -> None:
        if flt == self.flt:
            return
        self.flt = flt
        self.fetch(PageRequest(flt, 1))

    # --- search and filters ---------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        """Every keystroke searches: a search answers in milliseconds from the trigram index,
        the worker is exclusive, and an answer to a query typed past is dropped on arrival."""
        self._search_now()

    def _search_now(self) -> None:
        query = self.query_one("#search", Input).value
        self._refilter(replace(self.flt, query=query.strip()))

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        """Enter in the search box opens the first match (the row highlighted in the list), as
        a search box that finds things does; when the answer to what was typed is still on its
        way, it opens the first match on arrival. With no match, the focus stays in the box."""
        self._search_now()
        if self.shown is not None and self.shown.flt == self.flt:
            self._open_highlighted()
        else:
            self.open_on_arrival = True

    def _open_highlighted(self) -> None:
        table = self.query_one("#clients", ClientTable)
        if self.page is None or not self.page.rows:
            self.notify(_("No clients match."), severity="warning")
            return
        table.focus()
        client_id = table.selected_client_id
        if client_id is not None:
            self.post_message(ClientCardScreen.Open(client_id))

    def on_key(self, event: events.Key) -> None:
        """Down in the search box moves to the list (the first match highlighted)."""
        if event.key == "down" and self.focused is self.query_one("#search", Input):
            event.stop()
            self.query_one("#clients", ClientTable).focus()

    @on(Select.Changed, "#owner")
    def _owner_changed(self, event: Select.Changed) -> None:
        owner = event.value if isinstance(event.value, int) else None
        self._refilter(replace(self.flt, owner_id=owner))

    @on(Select.Changed, "#segment")
    def _segment_changed(self, event: Select.Changed) -> None:
        segment = event.value if isinstance(event.value, str) else None
        self._refilter(replace(self.flt, segment=segment))

    @on(Select.Changed, "#owns")
    def _owns_changed(self, event: Select.Changed) -> None:
        owns = event.value if isinstance(event.value, str) else None
        self._refilter(replace(self.flt, owns=owns))

    @on(Select.Changed, "#status")
    def _status_changed(self, event: Select.Changed) -> None:
        status = event.value if isinstance(event.value, str) else None
        self._refilter(replace(self.flt, status=status))

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Page keys show only when there is a page to go to."""
        if action == "next_page":
            return self.page is not None and self.page.has_next
        if action == "prev_page":
            return self.page is not None and self.page.has_prev
        return True

    def action_take(self) -> None:
        client_id = self.query_one("#clients", ClientTable).selected_client_id
        if client_id is not None:
            self.take(client_id)

    @work(thread=True, exclusive=True, group="clients-take", exit_on_error=False)
    def take(self, client_id: int) -> None:
        from crm_tui.domain.clients.take import take_lead

        taken = take_lead(self.ws, client_id)
        line = _("«{name}» is yours already.") if taken.already_yours else _("«{name}» is yours now.")
        self.post_message(self.Took(line.format(name=taken.name)))

    def on_clients_screen_took(self, event: Took) -> None:
        self.notify(event.line)
        self.refresh_data()

    def action_new_client(self) -> None:
        from crm_tui.screens.dialogs.new_client import NewClientScreen

        def added(client_id: int | None) -> None:
            if client_id is not None:
                self.notify(_("Client {id} added.").format(id=client_id))
                self.fetch(PageRequest(self.flt, 1))

        self.app.push_screen(NewClientScreen(self.ws), added)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_owner(self) -> None:
        owner = self.query_one("#owner", Select)
        owner.focus()
        owner.action_show_overlay()

    def action_status(self) -> None:
        status = self.query_one("#status", Select)
        status.focus()
        status.action_show_overlay()

    def action_segment(self) -> None:
        segment = self.query_one("#segment", Select)
        segment.focus()
        segment.action_show_overlay()

    def action_fields(self) -> None:
        from crm_tui.screens.fields_settings import FieldsSettingsScreen

        self.app.push_screen(FieldsSettingsScreen(self.ws), lambda _result: self.refresh_data())

    def action_owns(self) -> None:
        owns = self.query_one("#owns", Select)
        owns.focus()
        owns.action_show_overlay()

    def action_next_page(self) -> None:
        if self.page is not None and self.page.has_next and self.page.rows:
            self.fetch(PageRequest(self.flt, self.page_number + 1, after=self.page.rows[-1].cursor))

    def action_prev_page(self) -> None:
        if self.page is not None and self.page.has_prev and self.page.rows:
            self.fetch(PageRequest(self.flt, self.page_number - 1, before=self.page.rows[0].cursor))

    async def action_back(self) -> None:
        """Esc clears the search and every filter first (one key, back to the whole list); with
        nothing to clear it leaves a field for the list, and from the list goes back to the desk."""
        table = self.query_one("#clients", ClientTable)
        if self.flt != ClientFilter() or self.query_one("#search", Input).value:
            self.clear_filters()
            table.focus()
        elif self.focused is not table:
            table.focus()
        else:
            await self.app.run_action("app.desk")

    def clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        for select in self.query("#clients-toolbar Select").results(Select):
            select.clear()
        self._refilter(ClientFilter())

    @on(DataTable.RowSelected, "#clients")
    def _open(self, event: DataTable.RowSelected) -> None:
        client_id = self.query_one("#clients", ClientTable).selected_client_id
        if client_id is not None:
            self.post_message(ClientCardScreen.Open(client_id))
