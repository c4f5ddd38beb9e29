"""What every full screen of the app shares: the workspace, and where failed workers go."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on, work
from textual.binding import ActiveBinding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from crm_tui.domain.captions import ACTIVITY_KIND_NAMES
from crm_tui.domain.values.cells import drop_controls
from crm_tui.domain.workspace import ChangeCheck, Workspace
from crm_tui.i18n import _
from crm_tui.widgets.bindings import translated

ResultType = TypeVar("ResultType")


def kind_label(kind: str) -> str:
    """A task or interaction kind as people say it."""
    return ACTIVITY_KIND_NAMES.caption(kind)


def drop_typed_controls(event: Input.Changed) -> None:
    """The way in for what is typed or pasted into a field of the app: control characters (an
    escape sequence, a bidi override pasted from a web page) go at once, before the screen or the
    dialog reads the field."""
    cleaned = drop_controls(event.value)
    if cleaned != event.value:
        event.input.value = cleaned


class CrmScreen(Screen[None]):
    """A screen over one `Workspace`.

    Database work runs in thread workers started by the screen (so leaving the screen cancels
    them). Worker state messages do not bubble, so a failed worker is handed to the app, whose
    one `on_worker_state_changed` handler turns the error into a notification.

    A screen that shows shared data sets ``LIVE`` and implements ``refresh_data``: while it is
    the current screen it asks every second whether anybody committed a change (one cheap
    query, ``Workspace.change_check``) and reloads what it shows when so, without a key press.
    """

    LIVE: ClassVar[bool] = False
    POLL_SECONDS: ClassVar[float] = 1.0

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in the language in force (bindings hold their English msgids)."""
        return translated(super().active_bindings)

    class DataChanged(Message):
        """Somebody (another person, another process) committed a change to the base."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        if self.TITLE:
            self.title = _(self.TITLE)  # TITLE is a msgid (N_), made at import
        self.ws = ws
        self._check: ChangeCheck | None = None
        self._seen: int | None = None

    def on_mount(self) -> None:
        if self.LIVE:
            self.set_interval(self.POLL_SECONDS, self._poll)

    def note_version(self) -> None:
        """Called by a ``LIVE`` screen's loading worker right before it reads: a change
        committed after this moment is one the screen has not shown yet."""
        if self.LIVE:
            self._seen = self._checker().token()

    def _checker(self) -> ChangeCheck:
        if self._check is None:
            self._check = self.ws.change_check()
        return self._check

    def on_unmount(self) -> None:
        if self._check is not None:
            self._check.close()

    def _poll(self) -> None:
        if self.is_current:
            self._look_for_changes()

    @work(thread=True, exclusive=True, group="live-check", exit_on_error=False)
    def _look_for_changes(self) -> None:
        token = self._checker().token()
        if self._seen is not None and token != self._seen:
            self.post_message(CrmScreen.DataChanged())
        self._seen = token

    @on(Input.Changed)
    def inert_input(self, event: Input.Changed) -> None:
        drop_typed_controls(event)

    def on_crm_screen_data_changed(self, event: DataChanged) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows (``LIVE`` screens)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.post_message(Worker.StateChanged(event.worker, event.state))


class CrmModal(ModalScreen[ResultType]):
    """A dialog of the app: its keys, like a screen's, are shown in the language in force."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    @on(Input.Changed)
    def inert_input(self, event: Input.Changed) -> None:
        drop_typed_controls(event)
