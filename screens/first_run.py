"""Shown instead of the desk while the database has no clients: how to fill it."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import Header, Static

from crm_tui.domain.clients.listing import has_any_clients
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmScreen
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


def _command(text: str) -> Text:
    return Text(f"    {text}", style="bold")


class FirstRunScreen(CrmScreen):
    """A new, empty CRM: how to load demo data, import clients and add the team.

    Posts `FirstRunScreen.ClientsFound` once clients exist, and the app opens the desk.

    | Key(s) | Description |
    | :- | :- |
    | r | Check again whether clients have arrived. |
    | i | Import clients from a file (the app's key: the import wizard). |
    """

    TITLE = N_("Welcome")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("first_run.check", "check", N_("Check again")),
    ]

    class ClientsFound(Message):
        """The database has clients now: time for the desk."""

    def __init__(self, ws: Workspace, command: str = "crm") -> None:
        super().__init__(ws)
        self.command = command
        """How `crm` is typed on this machine (``.venv/bin/crm`` when it is not on PATH)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="first-run") as box:
            box.border_title = _("Getting started")
            yield Static(self._guide(), id="first-run-guide")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.ws.viewer.full_name

    def _guide(self) -> Group:
        file, login, name, region = _("FILE"), _("LOGIN"), _("Full Name"), _("REGION")
        crm = self.command
        lines = [
            Text(_("This CRM has no clients yet."), style="bold"),
            Text(""),
            Text(_("Try the app on demo data (a separate demo base with 2,000 clients):")),
            _command(f"{crm} demo"),
            Text(""),
            Text(_("Import your clients from an Excel or CSV file: press i (the import wizard), or run:")),
            _command(f"{crm} import clients {file}"),
            Text(""),
            Text(_("Add your colleagues (admins only):")),
            _command(f'{crm} user add {login} --name "{name}" --role manager --region {region}'),
            Text(_("Roles: manager, head, admin, ops. LOGIN is the person's login on this computer.")),
            Text(""),
            Text(_("When clients are in, press r here or start crm again.")),
        ]
        if crm != "crm":  # not on PATH: say how to type just `crm`
            folder = crm.rpartition("/")[0]
            if folder.startswith("~/"):
                folder = "$HOME/" + folder[2:]
            elif not folder.startswith("/"):
                folder = "$PWD/" + folder.removeprefix("./")
            lines += [
                Text(""),
                Text(_("crm is not on your PATH; to type just crm:")),
                _command(f'export PATH="{folder}:$PATH"'),
            ]
        return Group(*lines)

    def action_check(self) -> None:
        self.check()

    @work(thread=True, exclusive=True, group="first-run-check", exit_on_error=False)
    def check(self) -> None:
        with self.ws.read() as session:
            found = has_any_clients(session)
        if found:
            self.post_message(self.ClientsFound())
        else:
            self.app.call_from_thread(self.notify, _("Still no clients."), severity="warning")
