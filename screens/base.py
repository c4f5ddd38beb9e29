"""What every full screen of the app shares: the workspace, and where failed workers go."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import _


def counted(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` (both already translated) for ``count``, ``{count}`` filled in."""
    text = one if count == 1 else many
    return text.replace("{count}", str(count))


def kind_label(kind: str) -> str:
    """A task or interaction kind as people say it."""
    labels = {
        "call": _("call"),
        "meeting": _("meeting"),
        "email": _("e-mail"),
        "message": _("message"),
        "note": _("note"),
        "todo": _("to do"),
    }
    return labels.get(kind, kind)


class CrmScreen(Screen[None]):
    """A screen over one `Workspace`.

    Database work runs in thread workers started by the screen (so leaving the screen cancels
    them). Worker state messages do not bubble, so a failed worker is handed to the app, whose
    one `on_worker_state_changed` handler turns the error into a notification.
    """

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.post_message(Worker.StateChanged(event.worker, event.state))
