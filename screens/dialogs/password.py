"""The browser password, set from the app: one's own, or a colleague's for who manages users.

The same domain function as `crm user password` (``crm_tui.domain.access.passwords``): a person
working over SSH gets a password for `crm serve` without leaving the app, and an admin gives a
newcomer one. The password is typed twice and shown as dots; a refusal (too short, the two
differ) keeps everything typed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from crm_tui.domain.access.capabilities import Capability, can
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput


class PasswordDialog(FormDialog[str | None]):
    """Set a browser password; dismissed with the login it was set for, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, enter | Next field (Enter on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel; no password changes. |
    """

    SAVE_LABEL = N_("Set password")

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.for_anyone = can(ws.viewer, Capability.MANAGE_USERS)

    def form_title(self) -> str:
        return _("Browser password")

    def compose_form(self) -> ComposeResult:
        yield Static(
            _(
                "The password to sign in to the app in a browser (crm serve). "
                "Signs out the browsers open now."
            ),
            classes="dialog-subject",
            markup=False,
        )
        if self.for_anyone:
            yield from self.field("login", _("Login"), FieldInput(self.ws.viewer.login, id="password-login"))
        else:
            yield Static(literal(self.ws.viewer.login), classes="dialog-subject", markup=False)
        yield from self.field("password", _("New password"), FieldInput(password=True, id="password-new"))
        yield from self.field("again", _("The same again"), FieldInput(password=True, id="password-again"))

    def save(self, typed: Typed) -> str:
        from crm_tui.domain.access.passwords import set_password

        login = str(typed.get("login") or self.ws.viewer.login).strip()
        if not login:
            raise InvalidInput("password.login_missing", N_("Type whose password it is."), field="login")
        if typed["password"] != typed["again"]:
            raise InvalidInput(
                "password.differ", N_("The two passwords differ; nothing was changed."), field="again"
            )
        with self.ws.write() as session:
            set_password(session, self.ws.viewer, login, typed["password"], self.ws.now())
        return login
