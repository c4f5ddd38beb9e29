"""The Textual app: the screen registry, global keys, the command palette and worker errors.

Start-up paints first and loads later: this module imports only Textual and small modules of
ours, so `crm` shows its frame while a worker imports the database layer and the screens, opens
the workspace and looks for clients. Screens are modes with their own stacks: ``desk`` (the
home screen), ``clients`` and ``first_run`` (an empty database). A client card is pushed over
the screen it was opened from, so Escape goes back there (a card is read first and shown on a
card screen kept per mode, built and laid out behind the mode's screen before the first card is
asked for: ``crm_tui.screens.card.opener``); so is the import wizard (key ``i``).
Database work happens in thread workers; a failed worker becomes a one-line notification here,
never a crash.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette as TextualPalette
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from crm_tui.config import ConfigError, upload_dir
from crm_tui.config import data_dir as default_data_dir
from crm_tui.domain.errors import DomainError
from crm_tui.domain.values.text import inert
from crm_tui.i18n import N_, _
from crm_tui.screens.starting import StartingScreen
from crm_tui.storage.errors import StorageError
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.command_palette import CommandPalette
from crm_tui.widgets.typed_ahead import DialogOpened, OpensWithFocus

if TYPE_CHECKING:
    from crm_tui.domain.jobs import Jobs
    from crm_tui.domain.workspace import Workspace
    from crm_tui.screens.card.opener import CardOpener, CardRead
    from crm_tui.screens.card.screen import ClientCardScreen
    from crm_tui.screens.desk import FirstDesk
    from crm_tui.screens.first_run import FirstRunScreen
    from crm_tui.screens.import_wizard import ImportWizardScreen
    from crm_tui.screens.week import WeekRead

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


PALETTE_ONLY = frozenset(
    {
        "app.week",
        "app.inbox",
        "app.dashboard",
        "app.campaigns",
        "app.inbound",
        "app.new_deal",
        "app.new_task",
        "app.password",
    }
)
"""App keys offered in the palette but not on every screen's footer (it has no room for them)."""


class ActionCommands(Provider):
    """Every action of the app and of the current screen, with its key, for Ctrl+P, then
    Textual's system commands (quit, keys, theme, ...).

    The actions are the footer's: the bindings shown and enabled right now, so the palette and
    the footer never disagree. The system commands come from here too, not from a provider of
    their own: providers answer concurrently, and the palette showed the two lists in whichever
    order they happened to arrive.
    """

    def _actions(self) -> Iterator[tuple[str, str, Callable[[], Any], bool]]:
        """(name, help, run it, shown before anything is typed)."""
        screen = self.screen
        seen: set[tuple[int, str]] = set()
        for node, binding, enabled, tooltip in screen.active_bindings.values():
            shown = binding.show or binding.id in PALETTE_ONLY
            if not (enabled and shown and binding.description) or binding.system:
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            if (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            key = _("key {key}").format(key=self.app.get_key_display(binding))
            help_text = f"{key} · {tooltip}" if tooltip else key
            yield binding.description, help_text, partial(self.app.run_action, binding.action, node), True
        for command in self.app.get_system_commands(screen):
            yield command.title, command.help, command.callback, command.discover

    async def discover(self) -> Hits:
        for name, help_text, command, shown in self._actions():
            if shown:
                yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command, _shown in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)


def _record_search() -> type[Provider]:
    """Clients and deals for Ctrl+P (``crm_tui.screens.palette``), loaded when the palette opens."""
    from crm_tui.screens.palette import RecordSearch

    return RecordSearch


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


class CrmApp(App[None]):
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

    CSS_PATH = "app.tcss"
    TITLE = "crm_tui"
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
        self._first_desk: FirstDesk | None = None
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

    @property
    def ws(self) -> Workspace:
        assert self._ws is not None, "the workspace is not open yet"
        return self._ws

    @property
    def jobs(self) -> Jobs:
        """What the screens that start imports and duplicate scans are handed to do them: the
        importers (``crm_tui.jobs``), unless ``create_app`` was given other jobs."""
        if self._jobs is None:
            from crm_tui.jobs import ImporterJobs

            self._jobs = ImporterJobs()
        return self._jobs

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
                    key=self.get_key_display(binding), action=_(binding.description), id=told
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
        if self._settings_keymap:
            self.set_keymap(self._settings_keymap)
        self.push_screen(StartingScreen())

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
        """A start mode's screen, its module loaded when first asked for (the desk's, with the
        data the probe read, once)."""
        workspace = self.ws
        if mode == "desk":
            from crm_tui.screens.desk import DeskScreen

            first, self._first_desk = self._first_desk, None
            return DeskScreen(workspace, first=first)
        if mode == "clients":
            from crm_tui.screens.clients import ClientsScreen

            return ClientsScreen(workspace)
        from crm_tui.screens.first_run import FirstRunScreen

        return FirstRunScreen(workspace, self.command)

    async def on_crm_app_probed(self, event: Probed) -> None:
        workspace = self._ws = event.workspace
        self._first_desk = event.desk
        self.sub_title = workspace.viewer.full_name
        for mode in ("desk", "clients", "first_run"):
            self.add_mode(mode, partial(self._mode_screen, mode))
        await self.switch_mode(self.start if event.has_clients else "first_run")
        self.call_after_refresh(self.warm_up)

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
            self.exit(return_code=2)
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

    def _wizard(self) -> ImportWizardScreen | None:
        """The import wizard, when it is open (under a dialog or the palette too).

        The wizard's module (and the spreadsheet readers it pulls in) loads on first use, not
        at start-up: while it is not loaded no wizard can be open.
        """
        module = sys.modules.get("crm_tui.screens.import_wizard")
        if module is None:
            return None
        wizard_class: type[ImportWizardScreen] = module.ImportWizardScreen
        for screen in reversed(self.screen_stack):
            if isinstance(screen, wizard_class):
                return screen
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing to go to before the workspace is open; no second wizard over the first; no
        leaving it while an import or undo runs."""
        if self._ws is None and action in (
            "desk",
            "clients",
            "import_clients",
            "duplicates",
            "segments",
            "funnel",
            "inbox",
        ):
            return False
        if action == "duplicates":  # without the right the key says why (the footer hides it)
            return self._duplicates_refused() is not None or not self._reviewing()
        wizard = self._wizard()
        if wizard is not None:
            if action == "import_clients":
                return False
            if action in ("desk", "clients"):
                return None if wizard.busy else True
        return True

    def _reviewing(self) -> bool:
        module = sys.modules.get("crm_tui.screens.dedup_review")
        return module is not None and any(isinstance(s, module.DedupReviewScreen) for s in self.screen_stack)

    def _duplicates_refused(self) -> str | None:
        from crm_tui.screens.base import APP_GATED, missing_right

        return missing_right(self.ws.viewer, APP_GATED["duplicates"])

    def action_duplicates(self) -> None:
        from crm_tui.screens.dedup_review import DedupReviewScreen

        refused = self._duplicates_refused()
        if refused is not None:
            self.notify(refused, severity="warning")
            return
        self.push_screen(DedupReviewScreen(self.ws, self.jobs))

    def action_segments(self) -> None:
        from crm_tui.screens.segments import SegmentsScreen

        if not any(isinstance(s, SegmentsScreen) for s in self.screen_stack):
            self.push_screen(SegmentsScreen(self.ws, self.jobs))

    def action_funnel(self) -> None:
        from crm_tui.screens.funnel import FunnelScreen

        if not any(isinstance(s, FunnelScreen) for s in self.screen_stack):
            self.push_screen(FunnelScreen(self.ws))

    def _week_shown(self) -> bool:
        from crm_tui.screens.week import WeekScreen

        return any(isinstance(s, WeekScreen) for s in self.screen_stack)

    def action_week(self) -> None:
        """The week is read first and pushed with it, so its first frame is the week (the
        budget is 300 ms from the key to the week painted)."""
        from crm_tui.screens.week import WeekRead, read_week

        if self._week_shown():
            return
        ws = self.ws

        def read() -> None:
            self.post_message(WeekRead(read_week(ws)))

        self.run_worker(read, thread=True, group="week-open", exclusive=True, exit_on_error=False)

    def on_week_read(self, event: WeekRead) -> None:
        from crm_tui.screens.week import WeekScreen

        if not self._week_shown():
            self.push_screen(WeekScreen(self.ws, event.week))

    def action_inbox(self) -> None:
        from crm_tui.screens.inbox import InboxScreen

        if not any(isinstance(s, InboxScreen) for s in self.screen_stack):
            self.push_screen(InboxScreen(self.ws))

    def action_dashboard(self) -> None:
        from crm_tui.screens.dashboard import DashboardScreen

        if not any(isinstance(s, DashboardScreen) for s in self.screen_stack):
            self.push_screen(DashboardScreen(self.ws))

    def action_campaigns(self) -> None:
        from crm_tui.domain.access.capabilities import Capability
        from crm_tui.screens.base import missing_right
        from crm_tui.screens.campaigns import CampaignsScreen

        refused = missing_right(self.ws.viewer, Capability.RUN_CAMPAIGNS)
        if refused is not None:
            self.notify(refused, severity="warning")
            return
        if not any(isinstance(s, CampaignsScreen) for s in self.screen_stack):
            from crm_tui.jobs import CampaignWork

            self.push_screen(CampaignsScreen(self.ws, CampaignWork()))

    def action_inbound(self) -> None:
        from crm_tui.domain.access.capabilities import Capability
        from crm_tui.screens.base import missing_right
        from crm_tui.screens.inbound import InboundScreen

        refused = missing_right(self.ws.viewer, Capability.CONFIGURE_INBOUND)
        if refused is not None:
            self.notify(refused, severity="warning")
            return
        if not any(isinstance(s, InboundScreen) for s in self.screen_stack):
            self.push_screen(InboundScreen(self.ws, self.jobs))

    def action_new_deal(self) -> None:
        """A new deal from anywhere (the palette's "New deal"): the client is asked for."""
        from crm_tui.screens.deal import DealScreen
        from crm_tui.screens.dialogs.deal_forms import NewDealDialog

        def saved(deal: Any) -> None:
            if deal is not None:
                self.push_screen(DealScreen(self.ws, deal.id))

        self.push_screen(NewDealDialog(self.ws), saved)

    def action_new_task(self) -> None:
        """A new task from anywhere (the palette's "New task")."""
        from crm_tui.screens.dialogs.task_form import TaskDialog

        def saved(task: Any) -> None:
            if task is not None:
                self.notify(_("Task set."))

        self.push_screen(TaskDialog(self.ws), saved)

    def action_password(self) -> None:
        """The browser password dialog (the palette's "Browser password")."""
        from crm_tui.screens.dialogs.password import PasswordDialog

        def saved(login: str | None) -> None:
            if login is not None:
                self.notify(_("Browser password set for {login}.").format(login=login), markup=False)

        self.push_screen(PasswordDialog(self.ws), saved)

    def action_import_clients(self) -> None:
        from crm_tui.screens.import_wizard import ImportWizardScreen

        if self._wizard() is None:
            self.push_screen(
                ImportWizardScreen(self.ws, self.jobs, self.data_dir, upload_dir(os.environ, self.data_dir))
            )

    def on_import_wizard_screen_closed(self, event: ImportWizardScreen.Closed) -> None:
        """Back from a wizard that changed the base: the desk reloads, the first-run page looks
        again for clients (and gives way to the desk when they are in)."""
        from crm_tui.screens.desk import DeskScreen
        from crm_tui.screens.first_run import FirstRunScreen

        if not event.changed:
            return
        screen = self.screen
        if isinstance(screen, DeskScreen):
            screen.load()
        elif isinstance(screen, FirstRunScreen):
            screen.check()


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
