"""Where the app's keys go: the screens and dialogs opened from anywhere (segments, funnel, week,
requests, dashboard, campaigns, inbound channels, a new deal or task, the browser password, the
import wizard, the duplicate review), and which of them may open now.

``CrmApp`` is this class with the start-up, the modes and the error handling (``crm_tui.app``);
every screen here is imported when its key is first used, so the app paints before any of them
loads.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from crm_tui.config import upload_dir
from crm_tui.i18n import _

if TYPE_CHECKING:
    from crm_tui.domain.jobs import Jobs
    from crm_tui.domain.workspace import Workspace
    from crm_tui.screens.import_wizard import ImportWizardScreen
    from crm_tui.screens.week import WeekRead


NEEDS_THE_BASE = frozenset(
    {
        "desk",
        "clients",
        "import_clients",
        "duplicates",
        "segments",
        "funnel",
        "inbox",
        "week",
        "dashboard",
        "campaigns",
        "inbound",
        "new_deal",
        "new_task",
        "password",
    }
)
"""The app's keys that open something of the base: while it is opening («Открываем клиентскую
базу…») they do nothing, as the desk's own keys do before it is there (`W`, `N` or `T` pressed
then ended the app in an AssertionError)."""


class Navigation(App[None]):
    """The app's keys that open a screen or a dialog, and the checks on them."""

    _ws: Workspace | None
    _jobs: Jobs | None
    data_dir: Path

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
        if self._ws is None and action in NEEDS_THE_BASE:
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
        """The week screen is made once per mode and kept (installed: Escape does not remove
        it): opened again, it is refilled and pushed, with no compose, mount or styling."""
        from crm_tui.screens.week import WeekScreen

        if self._week_shown():
            return
        name = f"week-{self.current_mode}"
        if self.is_screen_installed(name):
            kept = self.get_screen(name)
            assert isinstance(kept, WeekScreen)
            kept.reopen(event.week)
            self.push_screen(kept)
            return
        screen = WeekScreen(self.ws, event.week)
        self.install_screen(screen, name=name)
        self.push_screen(screen)

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
