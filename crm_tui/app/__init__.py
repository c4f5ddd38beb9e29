"""The Textual app: the screen registry, global keys, the command palette and worker errors.

Start-up paints first and loads later: this module imports only Textual and small modules of
ours, so `crm` shows its frame while a worker imports the database layer and the screens, opens
the workspace and looks for clients. Screens are modes with their own stacks: ``desk`` (the
home screen), ``clients`` and ``first_run`` (an empty database). The desk is the very first
screen, composed while the worker opens the base and filled when it brings the desk's data: no
start screen before it, no mode switch to it. A client card is pushed over
the screen it was opened from, so Escape goes back there (a card is read first and shown on a
card screen kept per mode, built and laid out behind the mode's screen before the first card is
asked for: ``crm_tui.screens.card.opener``); so is the import wizard (key ``i``).
Database work happens in thread workers; a failed worker becomes a one-line notification here,
never a crash.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette as TextualPalette
from textual.command import Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from crm_tui.app.commands import ActionCommands, _record_search
from crm_tui.app.navigation import Navigation
from crm_tui.config import ConfigError
from crm_tui.config import data_dir as default_data_dir
from crm_tui.domain.errors import DomainError
from crm_tui.domain.values.text import inert
from crm_tui.i18n import N_, _
from crm_tui.keymap import with_layout_twins
from crm_tui.screens.starting import StartingScreen
from crm_tui.storage.errors import StorageError
from crm_tui.widgets.bindings import bind, described
from crm_tui.widgets.command_palette import CommandPalette
from crm_tui.widgets.typed_ahead import DialogOpened, OpensWithFocus

if TYPE_CHECKING:
    from crm_tui.domain.jobs import Jobs
    from crm_tui.domain.workspace import Workspace
    from crm_tui.screens.card.opener import CardOpener, CardRead
    from crm_tui.screens.card.screen import ClientCardScreen
    from crm_tui.screens.desk import FirstDesk
    from crm_tui.screens.first_run import FirstRunScreen

WorkspaceOpener = Callable[[], "Workspace"]

START_SCREENS = ("desk", "clients")


def describe_error(error: BaseException | None) -> str:
    """One line for a person: our own errors as they are, anything else marked unexpected."""
    if isinstance(error, DomainError | StorageError | ConfigError):
        text = str(error)
    else:
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        text = _("unexpected error: {detail}").format(detail=detail)
    lines = text.strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _read_desk(workspace: Workspace) -> FirstDesk | None:
    """The desk's data for its first frame, or None when it cannot be read now: the desk then
    reads it itself, and a failure there is the one-line notification every screen's is."""
    from crm_tui.domain.desk import load_desk

    check = workspace.change_check()
    try:
        token = check.token()  # before the read: a change after it is news for the desk
        data = load_desk(workspace)
    except Exception:  # told by the desk's own read, as any failed read is
        check.close()
        return None
    from crm_tui.screens.desk import FirstDesk

    return FirstDesk(data, check, token)


class CrmApp(Navigation):
    """crm_tui in the terminal.

    | Key(s) | Description |
    | :- | :- |
    | d | My sales: the desk. |
    | c | The clients list. |
    | i | Import clients from an Excel or CSV file (the import wizard). |
    | D | Duplicate review (heads of sales, admins and ops). |
    | S | Segments: warm, loyal, lost, and who moved. |
    | F | The funnel kanban (and its report view). |
    | W | The week: your tasks and meetings by day (heads: any manager's). |
    | I | Requests: the inbox of new and in-work requests, oldest deadline first. |
    | K | The dashboard: KPI of your team (or your own), and the records behind them. |
    | L | Campaigns (letters): mailings and drips, their figures, the uncertain letters. |
    | H | Inbound channels: the receiver's sources and the mailboxes (admins and ops). |
    | N | A new deal (client, title, amount, stage, close date, owner). |
    | T | A new task, for yourself or a colleague. |
    | P | The browser password (`crm serve`): yours, or a colleague's for an admin. |
    | ctrl+p | Commands: every action here; clients and deals by name, INN or phone. |
    | q | Quit. |
    """

    CSS_PATH = "../app.tcss"
    TITLE = "crm_tui"
    DEFAULT_MODE = "desk"
    """The mode of the first screen (``get_default_screen``): the desk's, so that it is the
    desk's own stack when the desk is that screen."""
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        ActionCommands,
        _record_search,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("app.desk", "desk", N_("Desk")),
        bind("app.clients", "clients", N_("Clients")),
        bind("app.import", "import_clients", N_("Import")),
        bind("app.duplicates", "duplicates", N_("Duplicates")),
        bind("app.segments", "segments", N_("Segments")),
        bind("app.funnel", "funnel", N_("Funnel")),
        bind("app.week", "week", N_("Week"), show=False),
        bind("app.inbox", "inbox", N_("Requests"), show=False),
        bind("app.dashboard", "dashboard", N_("Dashboard"), show=False),
        bind("app.campaigns", "campaigns", N_("Campaigns"), show=False),
        bind("app.inbound", "inbound", N_("Inbound channels"), show=False),
        bind("app.new_deal", "new_deal", N_("New deal"), show=False),
        bind("app.new_task", "new_task", N_("New task"), show=False),
        bind("app.password", "password", N_("Browser password"), show=False),
        bind("app.palette", "command_palette", N_("Commands"), priority=True),
        bind("app.quit", "quit", N_("Quit")),
    ]

    class Probed(Message):
        """The workspace is open; the desk comes up if the base has clients, else first run.
        ``desk`` is the desk's data, read in the same worker when the desk is the start screen."""

        def __init__(self, workspace: Workspace, has_clients: bool, desk: FirstDesk | None = None) -> None:
            super().__init__()
            self.workspace = workspace
            self.has_clients = has_clients
            self.desk = desk

    class WarmedUp(Message):
        """The screens a person goes to next (the list, the card) are loaded: the card screen
        can be prepared."""

    def __init__(
        self,
        workspace: Workspace | WorkspaceOpener,
        *,
        start: str = "desk",
        data_dir: Path | None = None,
        theme: str | None = None,
        keymap: Mapping[str, str] | None = None,
        jobs: Jobs | None = None,
        command: str = "crm",
    ) -> None:
        super().__init__()
        self.command = command
        """How `crm` is typed here (``crm_tui.config.crm_command``), for the pages that name it."""
        self._settings_theme = theme
        self._settings_keymap = dict(keymap or {})
        self._clashes_told: set[str] = set()
        self._opener: WorkspaceOpener = workspace if callable(workspace) else (lambda: workspace)
        self._ws: Workspace | None = None
        self._jobs = jobs
        self.start = start
        self.data_dir = data_dir if data_dir is not None else default_data_dir(os.environ)
        self.startup_error: str | None = None
        self._cards: CardOpener | None = None
        self._first_screen: Screen[Any] | None = None
        self._held_keys: list[events.Key] = []
        """Keys that came while a dialog was opening (``crm_tui.widgets.typed_ahead``)."""

    def _dialog_opening(self) -> bool:
        top = self.screen_stack[-1] if self.screen_stack else None
        return isinstance(top, OpensWithFocus) and top.opening

    async def on_event(self, event: events.Event) -> None:
        """A key that comes while a dialog is opening waits for it, and every key after it too
        (so the order holds), then they go on as if typed now (``widgets.typed_ahead``)."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._dialog_opening():
                self._held_keys.append(event)
                return
            await self._release_keys()
        await super().on_event(event)

    async def on_dialog_opened(self, event: DialogOpened) -> None:
        await self._release_keys()

    async def _release_keys(self) -> None:
        while self._held_keys and not self._dialog_opening():
            await super().on_event(self._held_keys.pop(0))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands (Theme, Quit, Keys, ...) in the language in force: their titles
        and help are msgids of ``crm_tui.widgets.textual_words``."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    def action_command_palette(self) -> None:
        """Textual's palette, its placeholder and "no matches" line in the language in force."""
        if self.use_command_palette and not isinstance(self.screen, TextualPalette):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def search_themes(self) -> None:
        """The palette of themes (the Theme command), with its placeholder translated."""
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: what it says mostly quotes the base or a file (a
        client's name, an error naming a value), which must show as typed, never as markup
        (``[/]`` alone would raise) nor as escape codes (``inert``). ``markup`` is not honoured:
        no notification of ours is styled, and one that must be cannot hold a value."""
        super().notify(
            inert(message, multiline=True),
            title=inert(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: a screen's title is often a name from the base (the card's client, a
        deal), shown without its control characters."""
        return super().format_title(inert(title), inert(sub_title))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (it copies): say which key does, as Textual does, translated."""
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    _("Press {key} to quit the app").format(key=self.get_key_display(active.binding)),
                    title=_("Do you want to quit?"),
                    markup=False,
                )
                return

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """The keymap gave a key to one action that another action of the same screen had: that
        one has lost its key. Said once per action, not on every key press."""
        for binding in sorted(clashed_bindings, key=lambda b: b.id or b.action):
            told = binding.id or binding.action
            if told in self._clashes_told:
                continue
            self._clashes_told.add(told)
            self.notify(
                _("Your keymap gives {key} to another action: «{action}» ({id}) has no key now.").format(
                    key=self.get_key_display(binding), action=described(binding), id=told
                ),
                title=_("Settings"),
                severity="warning",
                timeout=10,
            )

    def on_load(self) -> None:
        """The base is opened and the start screen's data read from the very start, in a thread,
        while Textual sets the terminal up and paints the start screen (the worker shares the
        GIL with it, not the time: the desk is on screen as soon as its data and module are)."""
        self.probe()

    def on_mount(self) -> None:
        """The person's theme and keys (``crm_tui.config``, checked there) before the first frame."""
        if self._settings_theme:
            self.theme = self._settings_theme
        if self._settings_keymap:  # its letters in both layouts, as the defaults (``bind``)
            self.set_keymap(with_layout_twins(self._settings_keymap))

    def get_default_screen(self) -> Screen[Any]:
        """The first screen, composed while the worker opens the base: the desk, empty until the
        probe brings the workspace and its data (its module imports no database layer); for
        another start screen, the one that says the base is opening."""
        if self.start == "desk":
            from crm_tui.screens.desk import DeskScreen

            self._first_screen = DeskScreen()
        else:
            self._first_screen = StartingScreen()
        return self._first_screen

    @work(thread=True, exclusive=True, group="app-probe", exit_on_error=False)
    def probe(self) -> None:
        """Open the workspace, look for clients and read the desk, then load the start screen's
        module, off the UI thread. Only what the start screen needs comes before it: the list,
        the card and the first-run page load after it is up (``warm_up``)."""
        workspace = self._opener()
        from crm_tui.domain.clients.listing import has_any_clients

        with workspace.read() as session:
            found = has_any_clients(session)
        desk: FirstDesk | None = None
        if found and self.start == "desk":
            desk = _read_desk(workspace)
        else:
            importlib.import_module("crm_tui.screens.clients" if found else "crm_tui.screens.first_run")
        self.post_message(self.Probed(workspace, found, desk))

    @work(thread=True, exclusive=True, group="app-warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """Load the screens people open next, off the UI thread, once the start screen is up."""
        from crm_tui.screens.desk import DESK_NEXT

        for module in (
            "crm_tui.screens.clients",
            "crm_tui.screens.card.opener",
            *DESK_NEXT,
            "crm_tui.screens.week",
        ):
            importlib.import_module(module)
        self.post_message(self.WarmedUp())

    def on_crm_app_warmed_up(self) -> None:
        self._prepare_card()

    def _mode_screen(self, mode: str) -> Screen[Any]:
        """A start mode's screen, its module loaded when first asked for."""
        workspace = self.ws
        if mode == "desk":
            from crm_tui.screens.desk import DeskScreen

            return DeskScreen(workspace)
        if mode == "clients":
            from crm_tui.screens.clients import ClientsScreen

            return ClientsScreen(workspace)
        from crm_tui.screens.first_run import FirstRunScreen

        return FirstRunScreen(workspace, self.command)

    async def on_crm_app_probed(self, event: Probed) -> None:
        """The first screen is the desk's mode's: the desk is handed the workspace and its data
        (on an empty base it stays behind the first-run page, and reads its own when shown); the
        start screen of another start is dropped once its screen is up."""
        from crm_tui.screens.desk import DeskScreen

        workspace = self._ws = event.workspace
        for mode in ("desk", "clients", "first_run"):
            self.add_mode(mode, partial(self._mode_screen, mode))
        first, self._first_screen = self._first_screen, None
        if isinstance(first, DeskScreen):
            first.base_opened(workspace, event.desk)
        target = self.start if event.has_clients else "first_run"
        if target != "desk":
            await self.switch_mode(target)
        self.sub_title = workspace.viewer.full_name
        if not isinstance(first, DeskScreen):
            self.call_after_refresh(self._drop_start_screen)
        self.call_after_refresh(self.call_after_refresh, self.warm_up)  # after the data's frames

    async def _drop_start_screen(self) -> None:
        """The start screen's stack (the desk's mode's) goes once the start mode's screen is
        drawn; the desk is made when asked for."""
        await self.remove_mode("desk")
        self.add_mode("desk", partial(self._mode_screen, "desk"))

    def _prepare_card(self) -> None:
        """Once a mode's screen is painted, its card screen is built and laid out behind it, so
        the first card opens as fast as the next ones (``crm_tui.screens.card.opener``)."""
        if self.current_mode in START_SCREENS and self._ws is not None:
            self._card_opener().prepare(self.ws)

    def _card_opener(self) -> CardOpener:
        if self._cards is None:
            from crm_tui.screens.card.opener import CardOpener

            self._cards = CardOpener(self)
        return self._cards

    async def on_first_run_screen_clients_found(self, event: FirstRunScreen.ClientsFound) -> None:
        from crm_tui.screens.desk import DeskScreen

        await self.action_desk()
        if isinstance(self.screen, DeskScreen):
            self.screen.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker ends up (screens hand theirs over): a notification."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.log.error(f"worker {event.worker.name!r} failed", error)
        if event.worker.group == "app-probe" and self._ws is None:
            # Nothing to show without a workspace (unknown user, newer schema, unreachable
            # server): leave, and let the CLI print the line and exit with code 2.
            self.startup_error = describe_error(error)
            # After a frame: the first screen's header may be still setting its title.
            self.call_after_refresh(self.exit, return_code=2)
            return
        self.notify(describe_error(error), title=_("Error"), severity="error", timeout=10)

    def on_client_card_screen_open(self, event: ClientCardScreen.Open) -> None:
        self._card_opener().open(self.ws, event.client_id)

    def on_card_read(self, event: CardRead) -> None:
        if self._cards is not None:
            self._cards.show(event)

    async def _show(self, mode: str) -> None:
        await self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self.call_after_refresh(self._prepare_card)

    async def action_desk(self) -> None:
        await self._show("desk")

    async def action_clients(self) -> None:
        await self._show("clients")


def create_app(
    workspace: Workspace | WorkspaceOpener,
    *,
    start: str | None = None,
    data_dir: Path | None = None,
    theme: str | None = None,
    keymap: Mapping[str, str] | None = None,
    jobs: Jobs | None = None,
    command: str = "crm",
) -> CrmApp:
    """The app over ``workspace``; ``start`` picks the first screen (``desk`` or ``clients``).

    ``workspace`` may be a function that opens it: `crm` passes one so the app paints before
    the database layer is imported; its errors end the app with ``startup_error`` set.

    Everything the app needs comes in the workspace (database, user, clock, time zone), so
    tests and snapshots run it on their own database with a frozen clock. ``data_dir`` is where
    files the app writes go (the import's error files in ``imports/``); by default the user data
    directory (``CRM_DATA_DIR`` or the platform's). ``theme`` (a Textual theme name) and
    ``keymap`` (binding id -> keys, for ``App.set_keymap``) are the person's settings.
    ``jobs`` does the imports and duplicate scans the screens start; by default the importers
    (``crm_tui.jobs``). ``command`` is how `crm` is typed on this machine (``.venv/bin/crm``
    when it is not on ``PATH``): the first-run page names it.
    """
    first = start or "desk"
    if first not in START_SCREENS:
        raise ValueError(f"unknown start screen {start!r}: use one of {', '.join(START_SCREENS)}")
    return CrmApp(
        workspace, start=first, data_dir=data_dir, theme=theme, keymap=keymap, jobs=jobs, command=command
    )
