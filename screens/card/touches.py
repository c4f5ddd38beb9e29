"""The client card's touches: a call or a note logged on the client (``l``, ``o``, with the
next step the dialog sets) and the timeline's pages (``n`` older, ``p`` newer), each read by a
worker given the client it is for (the card screen is kept and refilled with other clients)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.containers import Vertical
from textual.message import Message
from textual.worker import get_current_worker

from crm_tui.domain.clients.timeline import Cursor, TimelinePage, client_timeline
from crm_tui.domain.interactions import InteractionKind
from crm_tui.domain.interactions.log import log_interaction
from crm_tui.domain.tasks.next_step import NextStep
from crm_tui.domain.values.formatting import local_time
from crm_tui.i18n import _
from crm_tui.screens.card.adds import CardAdds
from crm_tui.screens.card.sections import timeline_rows
from crm_tui.screens.dialogs.log_interaction import InteractionDraft, LogInteractionScreen
from crm_tui.widgets.record_table import RecordTable


class CardTouches(CardAdds):
    """The card's calls, notes and timeline pages; ``ClientCardScreen`` binds their keys."""

    timeline_page: TimelinePage | None
    timeline_pages: list[Cursor | None]
    """Where each timeline page shown so far starts; the last one is on screen."""

    class Logged(Message):
        """A call or a note was saved on this client."""

        def __init__(self, kind: InteractionKind, then: NextStep | None) -> None:
            super().__init__()
            self.kind = kind
            self.then = then

    class TimelineLoaded(Message):
        """A page of the timeline arrived from a worker."""

        def __init__(self, client_id: int, page: TimelinePage, pages: list[Cursor | None]) -> None:
            super().__init__()
            self.client_id = client_id
            self.page = page
            self.pages = pages

    def save(self, client_id: int, draft: InteractionDraft) -> None:
        """Log ``draft`` (called by the dialog's worker thread, the dialog still open)."""
        log_interaction(
            self.ws, client_id, draft.kind, draft.summary, duration_s=draft.duration_s, then=draft.then
        )

    def action_older(self) -> None:
        shown = self.timeline_page
        if shown is None or shown.next is None:
            self.notify(_("That is the oldest page of the timeline."))
            return
        self.load_timeline(self.client_id, [*self.timeline_pages, shown.next])

    def action_newer(self) -> None:
        if len(self.timeline_pages) < 2:
            self.notify(_("That is the newest page of the timeline."))
            return
        self.load_timeline(self.client_id, self.timeline_pages[:-1])

    @work(thread=True, exclusive=True, group="card-timeline", exit_on_error=False)
    def load_timeline(self, client_id: int, pages: list[Cursor | None]) -> None:
        with self.ws.read() as session:
            page = client_timeline(session, self.ws.viewer, client_id, pages[-1])
        if not get_current_worker().is_cancelled:
            self.post_message(self.TimelineLoaded(client_id, page, pages))

    def on_card_touches_timeline_loaded(self, event: TimelineLoaded) -> None:
        if event.client_id != self.client_id:
            return
        self.timeline_pages = event.pages
        self._show_timeline(event.page)

    def on_card_touches_logged(self, event: Logged) -> None:
        done = _("Call logged.") if event.kind is InteractionKind.CALL else _("Note added.")
        if event.then is not None:
            when = local_time(event.then.due, self.ws.tz, "%d.%m %H:%M")
            done += " " + _("Next step on {when}: {title}.").format(when=when, title=event.then.title)
        self.notify(done)
        self.reload_card()

    def _fill(self, table_id: str, panel_id: str, rows: list[tuple[str, list[Text]]], fresh: bool) -> None:
        """A panel with no rows shows its "none yet" line instead of the table. Shown and hidden
        directly rather than by the panel's ``-empty`` class (as the desk does): a class change
        restyles the panel's table with its nine component styles, ~4 ms each time a client
        with deals follows one without."""
        table = self.query_one(table_id, RecordTable)
        table.set_records(rows, keep_cursor=not fresh)
        table.display = bool(rows)
        self.query_one(f"{panel_id} > .empty").display = not rows

    def _show_timeline(self, page: TimelinePage, fresh: bool = False) -> None:
        self.timeline_page = page
        self._fill("#timeline", "#timeline-panel", timeline_rows(page, self.ws.tz), fresh)
        panel = self.query_one("#timeline-panel", Vertical)
        number = len(self.timeline_pages)
        more = _("n older") if page.next else _("the oldest")
        panel.border_subtitle = _("page {n} · {more}").format(n=number, more=more) if page.entries else ""

    def _ask(self, kind: InteractionKind) -> None:
        client_id = self.client_id

        def finish(draft: InteractionDraft | None) -> None:
            if draft is not None:
                self.post_message(self.Logged(draft.kind, draft.then))

        def commit(draft: InteractionDraft) -> None:
            self.save(client_id, draft)

        self.app.push_screen(
            LogInteractionScreen(kind, self._client_name(), self.ws.now(), self.ws.tz, commit), finish
        )

    def action_log_call(self) -> None:
        self._ask(InteractionKind.CALL)

    def action_add_note(self) -> None:
        self._ask(InteractionKind.NOTE)
