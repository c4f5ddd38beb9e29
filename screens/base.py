"""What every full screen of the app shares: the workspace, and where failed workers go."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on, work
from textual.binding import ActiveBinding
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from crm_tui.domain.access.rights import Capability
from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.values.cells import drop_controls
from crm_tui.i18n import _
from crm_tui.widgets.bindings import translated
from crm_tui.widgets.typed_ahead import DialogOpened, OpensWithFocus

if TYPE_CHECKING:
    from crm_tui.domain.access.capabilities import Viewer
    from crm_tui.domain.workspace import ChangeCheck, Workspace

ResultType = TypeVar("ResultType")


def kind_label(kind: str) -> str:
    """A task or interaction kind as people say it."""
    from crm_tui.domain.captions import ACTIVITY_KIND_NAMES  # the tables' enums: not before the desk

    return ACTIVITY_KIND_NAMES.caption(kind)


def drop_typed_controls(event: Input.Changed) -> None:
    """The way in for what is typed or pasted into a field of the app: control characters (an
    escape sequence, a bidi override pasted from a web page) go at once, before the screen or the
    dialog reads the field."""
    cleaned = drop_controls(event.value)
    if cleaned != event.value:
        event.input.value = cleaned


APP_GATED: Mapping[str, Capability] = {
    "duplicates": Capability.REVIEW_DUPLICATES,
    "campaigns": Capability.RUN_CAMPAIGNS,
    "inbound": Capability.CONFIGURE_INBOUND,
}
"""The app's own keys a capability gates (see ``CrmScreen.GATED``)."""


def missing_right(viewer: Viewer, capability: Capability) -> str | None:
    """What a key gated by ``capability`` says to ``viewer`` who lacks it (the one table's
    refusal: "pipelines are configured by an admin"), or None when the viewer has the right."""
    from crm_tui.domain.access.capabilities import require

    try:
        require(viewer, capability)
    except AccessDenied as refused:
        return str(refused)
    return None


def _gated_action(method: Callable[..., Any], action: str) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: CrmScreen, *args: Any) -> Any:
        refused = self.refusal(action)
        if refused is not None:
            self.notify(refused, severity="warning")
            return None
        return method(self, *args)

    run.gated = True  # type: ignore[attr-defined]
    return run


def _gated_check(method: Callable[..., bool | None]) -> Callable[..., bool | None]:
    @functools.wraps(method)
    def check(self: CrmScreen, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refusal(action) is not None:
            return True  # the key reaches the action, which says why it may not be used
        return method(self, action, parameters)

    check.gated = True  # type: ignore[attr-defined]
    return check


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
    GATED: ClassVar[Mapping[str, Capability]] = {}
    """Actions a capability gates, decided by the one table (``domain/access/capabilities``): a
    person without the right does not see the key in the footer (nor in Ctrl+P), and the key
    pressed anyway (the README lists it) says which right is missing instead of doing nothing.
    The screen's ``check_action`` keeps deciding everything else (a key with nothing to act on)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for action in cls.GATED:
            method = getattr(cls, f"action_{action}")
            if not getattr(method, "gated", False):
                setattr(cls, f"action_{action}", _gated_action(method, action))
        check = cls.check_action
        if cls.GATED and not getattr(check, "gated", False):
            cls.check_action = _gated_check(check)  # type: ignore[method-assign]

    def refusal(self, action: str) -> str | None:
        """Why the viewer may not use ``action`` (one of ``GATED`` or the app's gated keys), or
        None when they may (or when nobody is known yet: the app's keys wait for the base)."""
        capability = self.GATED.get(action) or APP_GATED.get(action.removeprefix("app."))
        if capability is None or self._ws is None:
            return None
        return missing_right(self._ws.viewer, capability)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in the language in force (bindings hold their English msgids), without the
        ones a capability the viewer lacks gates."""
        shown = translated(super().active_bindings)
        return {
            key: item
            for key, item in shown.items()
            if not (
                (item.node is self and item.binding.action in self.GATED)
                or (item.node is self.app and item.binding.action in APP_GATED)
            )
            or self.refusal(item.binding.action) is None
        }

    class DataChanged(Message):
        """Somebody (another person, another process) committed a change to the base."""

    def __init__(self, ws: Workspace | None) -> None:
        """``ws`` None: the screen is drawn before the base is open (the desk, the app's first
        screen) and is handed the workspace with ``base_opened``; it does not look for changes
        until then."""
        super().__init__()
        if self.TITLE:
            self.title = _(self.TITLE)  # TITLE is a msgid (N_), made at import
        self._ws = ws
        self._check: ChangeCheck | None = None
        self._seen: int | None = None
        self._poll_timer: Timer | None = None

    @property
    def ws(self) -> Workspace:
        assert self._ws is not None, "the workspace is not open yet"
        return self._ws

    @property
    def base_is_open(self) -> bool:
        return self._ws is not None

    def base_opened(self, ws: Workspace) -> None:
        self._ws = ws

    def on_mount(self) -> None:
        if self.LIVE:
            self._poll_timer = self.set_interval(self.POLL_SECONDS, self._poll)

    def check_later(self) -> None:
        """The next look for changes a whole ``POLL_SECONDS`` from now. For a screen that has
        just drawn its own write (the kanban's new card): the look that sees the write reads
        everything again, and on a busy machine it often came while the card was being drawn."""
        if self._poll_timer is not None:
            self._poll_timer.reset()

    def fit_breakpoints(self, size: Size) -> None:
        """The breakpoint classes for ``size`` now, in one restyle. Textual sets them on the
        screen's Resize, after the screen was styled and laid out without them: a screen that
        calls this before its widgets are mounted (the desk, in ``compose``) is styled once,
        and a hidden screen (a kept card) is not drawn first in the other layout."""
        classes: dict[str, bool] = {}
        for breakpoints, extent in (
            (self.HORIZONTAL_BREAKPOINTS, size.width),
            (self.VERTICAL_BREAKPOINTS, size.height),
        ):
            chosen = ""
            for start, name in breakpoints or []:
                if extent >= start:
                    chosen = name
            classes.update((name, name == chosen) for _start, name in breakpoints or [])
        self.update_classes(classes, animate=False)

    def note_version(self) -> None:
        """Called by a ``LIVE`` screen's loading worker right before it reads: a change
        committed after this moment is one the screen has not shown yet."""
        if self.LIVE:
            self._seen = self._checker().token()

    def watch_from(self, check: ChangeCheck, token: int) -> None:
        """Data read before the screen existed (at start-up) is shown: ``token`` is what
        ``check`` said right before that read, so a change committed since is picked up."""
        if self._check is not None and self._check is not check:
            self._check.close()
        self._check = check
        self._seen = token

    def _checker(self) -> ChangeCheck:
        if self._check is None:
            self._check = self.ws.change_check()
        return self._check

    def on_unmount(self) -> None:
        if self._check is not None:
            self._check.close()

    def _poll(self) -> None:
        if self._ws is not None and self.in_sight:
            self._look_for_changes()

    @property
    def in_sight(self) -> bool:
        """Whether the person can see the screen: it is the top one, or only dialogs (drawn
        over it, see-through) are above it. Textual's ``is_current`` also holds for the screen
        right under an opaque one (``App._background_screens`` takes it before it looks at its
        background), so the desk under the funnel read itself again, and was drawn again under
        it, at every change made on the funnel."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        return all(screen.styles.background.a < 1 for screen in stack[stack.index(self) + 1 :])

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


class ReadingScreen(CrmScreen):
    """A ``LIVE`` screen that reads all it shows in one worker, ``load``: when it opens and
    whenever another user changes the data; Escape goes back where it was opened from (the
    inbox, a request, the lead analysis)."""

    LIVE = True

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def load(self) -> object:
        """Read what the screen shows and post it to the screen (a thread worker, which calls
        ``note_version`` before it reads)."""
        raise NotImplementedError


class CrmModal(OpensWithFocus, ModalScreen[ResultType]):
    """A dialog of the app: its keys, like a screen's, are shown in the language in force; the
    keys typed before it had opened come to it once it has (``crm_tui.widgets.typed_ahead``)."""

    def on_mount(self) -> None:
        """Runs after the dialog's own ``on_mount`` (Textual calls the handlers of the subclass
        first), which puts the focus on its first field."""
        if self.ready_for_keys():
            self.opened()

    def ready_for_keys(self) -> bool:
        """False for a dialog that reads what it offers once mounted (a new deal's pipelines and
        stages): the keys typed meanwhile wait, in order, until it calls ``opened``, so that a
        letter typed ahead into a list finds the list filled."""
        return True

    def opened(self) -> None:
        """The keys held while the dialog opened go on to it."""
        self.opening = False
        self.app.post_message(DialogOpened())

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    @on(Input.Changed)
    def inert_input(self, event: Input.Changed) -> None:
        drop_typed_controls(event)
