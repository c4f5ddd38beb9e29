"""The client card: who the client is, how to reach them, deals, latest touches, open tasks."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from crm_tui.domain.clients.card import ClientCard, load_card
from crm_tui.domain.clients.timeline import Cursor, TimelinePage
from crm_tui.domain.documents.making import DocumentRow, client_documents_of
from crm_tui.domain.errors import NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.card.sections import (
    card_documents_view,
    changes_view,
    contacts_view,
    deal_rows,
    deal_status_label,
    facts_view,
    installed_view,
    portrait_view,
    requisites_view,
    segment_view,
    sources_view,
    task_rows,
    title_view,
)
from crm_tui.screens.card.touches import CardTouches
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable

LEFT_SECTIONS = (
    ("requisites", N_("Requisites")),
    ("contacts", N_("Contacts")),
    ("portrait", N_("Portrait")),
    ("installed", N_("Installed base")),
    ("segment", N_("Segment")),
    ("sources", N_("Sources")),
    ("changes", N_("Changes")),
)
"""The left column: one bordered Static per section (no container each: fewer widgets to mount
is a faster card)."""
SECTIONS = (
    *LEFT_SECTIONS[:6],
    ("deals-panel", N_("Deals")),
    ("timeline-panel", N_("Timeline")),
    ("card-tasks-panel", N_("Open tasks")),
)
"""The card's sections in the order of their number keys."""
DEAL_STATUSES = ("open", "won", "lost")


class ClientCardScreen(CardTouches):
    """One client on one screen, opened from the desk or the clients list.

    | Key(s) | Description |
    | :- | :- |
    | l | Log a call with this client (summary and optional duration). |
    | o | Add a note. |
    | g | Set the segment by hand, or give it back to the rules. |
    | h | Hand the client over to another manager, with its open deals and tasks (heads, admins). |
    | U | Undo the handover just made here. |
    | u | Edit the requisites: name, INN/KPP/OGRN, legal address, bank BIK and account. |
    | b | Record something the client owns (installed base): ours or a competitor's. |
    | a | A new contact person with phones, e-mails and messenger. |
    | t | Edit a contact person: name, position, phones, e-mails, messenger. |
    | m | A contact moved to another company: the person and their mobile go along; the old job is kept. |
    | e | Edit the portrait (the custom fields). |
    | N | A new deal for this client (it enters its stage with the stage's first task). |
    | T | A task on this client, for yourself or a colleague. |
    | A | Give the open task under the tasks list's cursor (9) to a colleague (within your scope). |
    | M | Move that task to another moment (завтра 10:00, пт, +2). |
    | X | Cancel that task, saying why (whoever set it sees the reason). |
    | ctrl+t | Take this lead: an unowned lead of your region becomes yours (first come, first served). |
    | w | Walk the missing items: the next missing field, or what contact information is missing. |
    | n | The timeline's next (older) page. |
    | p | The timeline's previous (newer) page. |
    | 1-9 | Go to a section: requisites, contacts, portrait, owns, segment, sources, deals, timeline, tasks. |
    | r | Reload the card. |
    | escape | Back to where the card was opened from. |
    """

    # The keys that open a dialog are priority bindings: Textual runs them as the key comes,
    # before it hands the next keys on, so the dialog is there for them (``l abc`` in one burst
    # types abc into the call's summary; ``crm_tui.widgets.typed_ahead``). A plain binding ran
    # only once the focused list had passed the key up, and the keys typed meanwhile went to the
    # list. None of them reads a list's cursor, which keys queued before it might still move.
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("card.log_call", "log_call", N_("Log call"), priority=True),
        bind("card.add_note", "add_note", N_("Note"), priority=True),
        bind("card.segment", "segment", N_("Segment"), priority=True),
        bind("card.hand_over", "hand_over", N_("Hand over"), priority=True),
        bind("card.undo_handover", "undo_handover", N_("Undo handover")),
        bind("card.requisites", "requisites", N_("Requisites"), priority=True),
        bind("card.installed", "installed", N_("Owns"), priority=True),
        bind("card.add_contact", "add_contact", N_("New contact"), priority=True),
        bind("card.edit_contact", "edit_contact", N_("Edit contact"), priority=True),
        bind("card.contact_moved", "contact_moved", N_("Contact moved"), priority=True),
        bind("card.portrait", "portrait", N_("Portrait"), priority=True),
        bind("card.new_deal", "new_deal", N_("New deal"), priority=True),
        bind("card.new_task", "new_task", N_("Task"), priority=True),
        bind("card.take", "take", N_("Take")),
        bind("card.reassign_task", "change_task('assignee')", N_("Reassign")),
        bind("card.reschedule_task", "change_task('due')", N_("Move")),
        bind("card.cancel_task", "change_task('reason')", N_("Cancel task")),
        bind("card.walk", "walk", N_("Missing"), priority=True),
        bind("card.timeline_older", "older", N_("Older")),
        bind("card.timeline_newer", "newer", N_("Newer")),
        bind("card.refresh", "reload", N_("Refresh")),
        *(
            bind(f"card.section_{n}", f"section('{panel}')", title, show=False)
            for n, (panel, title) in enumerate(SECTIONS, start=1)
        ),
        bind("card.back", "back", N_("Back")),
    ]

    class Open(Message):
        """Open this client's card: posted by any screen, handled by the app (which reads the
        card first and shows it on a card screen it keeps, ``crm_tui.screens.card.opener``)."""

        def __init__(self, client_id: int) -> None:
            super().__init__()
            self.client_id = client_id

    class Loaded(Message):
        """The card's read model arrived from a worker."""

        def __init__(self, card: ClientCard) -> None:
            super().__init__()
            self.card = card

    class Unreachable(Message):
        """The client cannot be shown: gone, merged into another, or out of this user's reach."""

        def __init__(self, client_id: int, line: str) -> None:
            super().__init__()
            self.client_id = client_id
            self.line = line

    def __init__(self, ws: Workspace, client_id: int | None, card: ClientCard | None = None) -> None:
        """``card``, when already read, is shown in the first frame; else the screen reads it.
        Without a client (``None``) the screen is built empty, to be laid out before its first
        card is asked for (``CardOpener.prepare``) and filled by ``show_client``."""
        super().__init__(ws)
        # At 80x24 the timeline (with its Details) gets the room: a narrower left column, and
        # the deals and tasks panels only as tall as their rows (app.tcss, -narrow and -short).
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
        self.VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
        self.client_id = 0 if client_id is None else client_id
        self.card: ClientCard | None = card
        self._waiting = card is None and client_id is not None
        """A client to read before anything is shown (the body stays hidden until then)."""
        self.timeline_page: TimelinePage | None = None
        self.timeline_pages: list[Cursor | None] = [None]
        """Where each timeline page shown so far starts; the last one is on screen."""

    def compose(self) -> ComposeResult:
        # One container over the whole screen: its repaint is a repaint of the whole screen
        # (``show_client``), and its region is the size the screen was last laid out at.
        with Vertical(id="card"):
            yield from self._card()

    def _card(self) -> ComposeResult:
        yield Header()
        with Vertical(id="card-head"):
            yield Static("…", id="card-title")
            yield Static("", id="card-facts")
        # Hidden until the client is read: the first frame of a first card is then a title line,
        # not a frame of empty panels laid out and drawn only to be redrawn (5 ms of ~115).
        with Horizontal(id="card-body", classes="-loading" if self._waiting else ""):
            with VerticalScroll(id="card-left"):
                for key, title in LEFT_SECTIONS:
                    section = Static("", id=key, classes="panel")
                    section.border_title = _(title)
                    yield section
            with Vertical(id="card-right"):
                with Vertical(id="deals-panel", classes="panel") as panel:
                    panel.border_title = _("Deals")
                    yield RecordTable(
                        [
                            Col(_("Deal")),
                            Col(_("Stage"), 16),
                            Col(_("Amount"), 13, right=True),
                            Col(
                                _("Status"),
                                max(6, *(cell_len(deal_status_label(s)) for s in DEAL_STATUSES)),
                                optional=1,
                            ),
                        ],
                        id="deals",
                        openable=False,
                    )
                    yield Static(_("No deals yet."), classes="empty")
                    documents = Static("", id="card-documents")
                    documents.display = False
                    yield documents
                with Vertical(id="timeline-panel", classes="panel") as panel:
                    panel.border_title = _("Timeline")
                    yield RecordTable(
                        [
                            Col(_("When"), 11),
                            Col(_("What"), 11),  # «← сообщение»
                            Col(_("Who"), 16, optional=1),
                            Col(_("Details")),
                        ],
                        id="timeline",
                        openable=False,
                    )
                    yield Static(_("Nothing has happened yet: press l to log a call."), classes="empty")
                with Vertical(id="card-tasks-panel", classes="panel") as panel:
                    panel.border_title = _("Open tasks")
                    yield RecordTable(
                        [Col(_("Due"), 11), Col(_("Task")), Col(_("Assignee"), 18, optional=1)],
                        id="card-tasks",
                        openable=False,
                    )
                    yield Static(_("No open tasks."), classes="empty")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Client card")
        if self.card is not None:
            self._show_card(self.card, fresh=True)
        elif self._waiting:
            self.load(self.client_id)

    def show_client(self, card: ClientCard) -> None:
        """Show another client on this (kept, hidden) screen as if it had just been opened: top
        of the sections, first rows of the lists, the focus where a new card puts it.

        Pushed next (``CardOpener.show``), its first frame is the whole new card: every widget
        changed here asks Textual for a layout, which Textual does before the first frame of a
        screen on top; the tables fit their columns now, not on the Resize handled after that
        frame; and ``#card``, which covers the whole screen, asks for a repaint, so the frame of
        that layout repaints the whole screen. Without it the frame held only the regions that
        changed, drawn over the screen below, and a second one completed the card."""
        self.client_id = card.id
        if not self.is_mounted:  # a prepared screen still mounting: its on_mount shows the card
            self.card = card
            return
        self._show_card(card, fresh=True)
        left = self.query_one("#card-left", VerticalScroll)
        left.scroll_home(animate=False, immediate=True)  # not after the first frame
        self.set_focus(left)
        for table in self.query(RecordTable):
            table.fit_columns()
        self.query_one("#card").refresh()

    def laid_out_at(self, size: Size) -> bool:
        """Whether the last layout of this screen was at ``size`` (the terminal's, when it is
        hidden: a hidden screen is not laid out again when the terminal is resized)."""
        return self.query_one("#card").region.size == size

    # --- data -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload_card()

    def reload_card(self) -> None:
        self.load(self.client_id)

    @work(thread=True, exclusive=True, group="card-load", exit_on_error=False)
    def load(self, client_id: int) -> None:
        try:
            with self.ws.read() as session:
                card = load_card(session, self.ws.viewer, client_id)
        except NotFound as exc:
            self.post_message(self.Unreachable(client_id, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(card))

    @work(thread=True, exclusive=True, group="card-documents", exit_on_error=False)
    def load_documents(self, client_id: int) -> None:
        """The documents of the client's deals (issue 25), under its deals; none: no line."""
        with self.ws.read() as session:
            documents = client_documents_of(session, self.ws.viewer, client_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.DocumentsLoaded(client_id, documents))

    class DocumentsLoaded(Message):
        def __init__(self, client_id: int, documents: list[DocumentRow]) -> None:
            super().__init__()
            self.client_id = client_id
            self.documents = documents

    def on_client_card_screen_documents_loaded(self, event: DocumentsLoaded) -> None:
        if event.client_id != self.client_id:
            return
        shown = self.query_one("#card-documents", Static)
        shown.update(card_documents_view(event.documents))
        shown.display = bool(event.documents)

    def on_client_card_screen_unreachable(self, event: Unreachable) -> None:
        """An empty card would only be in the way: it closes, and the message stays."""
        if event.client_id != self.client_id:
            return
        self.notify(event.line, title=_("Error"), severity="error", timeout=10)
        if self.is_current:
            self.dismiss()

    def on_client_card_screen_loaded(self, event: Loaded) -> None:
        if event.card.id == self.client_id:  # not a late read of the client shown before
            self._show_card(event.card, fresh=False)

    def _show_card(self, card: ClientCard, *, fresh: bool) -> None:
        self.card = card
        self.query_one("#card-body").remove_class("-loading")
        self.title = card.display_name
        self._show_head(card)
        self.query_one("#requisites", Static).update(requisites_view(card))
        self.query_one("#contacts", Static).update(contacts_view(card))
        self.query_one("#segment", Static).update(segment_view(card, self.ws.tz))
        self.query_one("#portrait", Static).update(portrait_view(card))
        self.query_one("#changes", Static).update(changes_view(card, self.ws.tz))
        self.query_one("#installed", Static).update(installed_view(card))
        self.query_one("#sources", Static).update(sources_view(card, self.ws.tz))
        self._show_tables(card, fresh)
        self.load_documents(card.id)
        self.timeline_pages = [None]
        self._show_timeline(card.timeline, fresh)

    # --- rendering ------------------------------------------------------------------------

    def _show_head(self, card: ClientCard) -> None:
        self.query_one("#card-title", Static).update(title_view(card))
        self.query_one("#card-facts", Static).update(facts_view(card))

    def _show_tables(self, card: ClientCard, fresh: bool) -> None:
        self._fill("#deals", "#deals-panel", deal_rows(card), fresh)
        tasks = task_rows(card, self.ws.tz, self.ws.now(), alert=self.app.current_theme.error or "red")
        self._fill("#card-tasks", "#card-tasks-panel", tasks, fresh)

    # --- actions --------------------------------------------------------------------------

    def action_section(self, panel_id: str) -> None:
        """Bring the section into view; a list section also takes the focus, for j/k."""
        panel = self.query_one(f"#{panel_id}")
        panel.scroll_visible(animate=False)
        tables = list(panel.query(RecordTable))
        if tables:
            tables[0].focus()

    def action_back(self) -> None:
        self.dismiss()
