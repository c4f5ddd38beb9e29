"""The inbound screen's dialogs: add a source (its secret shown once), add a mailbox (where its
password is read from, never the password), remove either."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Static

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.inbound.mailboxes import Mailbox, add_mailbox
from crm_tui.domain.inbound.sources import VENDOR_SECRET, SourceAdded, SourceKind, add_source, address
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.in_order import FieldInput, FieldSelect
from crm_tui.widgets.key_footer import KeyFooter

KIND_NAMES = {
    SourceKind.FORM: N_("Site form"),
    SourceKind.ZADARMA: "Zadarma",
    SourceKind.MANGO: "Mango Office",
    SourceKind.SIPUNI: "Sipuni",
    SourceKind.UIS: "UIS",
    SourceKind.TELEGRAM: N_("Telegram bot"),
}


class SourceDialog(FormDialog[SourceAdded | None]):
    """A new source of the receiver; dismissed with it (and its secret, made here and shown
    once) or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def form_title(self) -> str:
        return _("New source")

    def compose_form(self) -> ComposeResult:
        yield from self.field(
            "name", _("Name, part of the address: site, zadarma"), FieldInput(id="source-name")
        )
        kinds = [(_(KIND_NAMES[k]), k.value) for k in SourceKind]
        yield from self.field(
            "kind",
            _("Kind"),
            FieldSelect(kinds, value=SourceKind.FORM.value, allow_blank=False, id="source-kind"),
        )
        yield from self.field(
            "secret",
            _("Zadarma's API secret or Mango's salt (other kinds: left empty, made here)"),
            FieldInput(id="source-secret", password=True),
        )
        yield from self.field("key", _("Mango's vpbx_api_key"), FieldInput(id="source-key"))

    def save(self, typed: Typed) -> SourceAdded:
        kind = str(typed["kind"])
        secret = str(typed["secret"]).strip() or None
        if secret and SourceKind(kind) not in VENDOR_SECRET:
            raise InvalidInput(
                "inbound.own_secret",
                N_("a {kind} source's secret is made here: leave it empty"),
                kind=kind,
                field="secret",
            )
        return add_source(
            self.ws,
            str(typed["name"]).strip(),
            kind,
            secret=secret,
            api_key=str(typed["key"]).strip() or None,
        )


class MailboxDialog(FormDialog[Mailbox | None]):
    """A new mailbox to read; its password stays in a file or an environment variable (the
    dialog asks where, never what). Dismissed with the mailbox, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def form_title(self) -> str:
        return _("New mailbox")

    def compose_form(self) -> ComposeResult:
        yield from self.field("name", _("Name: sales, ivanova"), FieldInput(id="mailbox-name"))
        yield from self.field("url", _("Address: imaps://user@host[:port]"), FieldInput(id="mailbox-url"))
        yield from self.field(
            "password_file", _("A file holding the password"), FieldInput(id="mailbox-password-file")
        )
        yield from self.field(
            "password_env",
            _("or an environment variable holding it"),
            FieldInput(id="mailbox-password-env"),
        )
        yield from self.field(
            "owner", _("Whose mailbox (a login; empty: a shared one)"), FieldInput(id="mailbox-owner")
        )

    def save(self, typed: Typed) -> Mailbox:
        file = str(typed["password_file"]).strip()
        env = str(typed["password_env"]).strip()
        return add_mailbox(
            self.ws, str(typed["name"]).strip(), str(typed["url"]).strip(),
            password_file=str(Path(file).expanduser()) if file else None, password_env=env or None,
            owner=str(typed["owner"]).strip() or None,
        )  # fmt: skip

    def refuse(self, message: str, field: str = "") -> None:
        # The domain names one field for "where the password is": the file's.
        super().refuse(message, "password_file" if field == "password" else field)


class RemoveDialog(FormDialog[str | None]):
    """Remove a source or a mailbox after a second look; dismissed with its name, or None.

    | Key(s) | Description |
    | :- | :- |
    | y, ctrl+s | Remove. |
    | n, escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("inbound_remove.yes", "save", N_("Remove")),
        bind("inbound_remove.no", "cancel", N_("Cancel"), show=False),
    ]
    SAVE_LABEL = N_("Remove")

    def __init__(self, title: str, subject: str, note: str, remove: Callable[[], object]) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.note = note
        self.do_remove = remove

    def form_title(self) -> str:
        return self.title_text

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.subject), classes="dialog-subject", markup=False)
        yield Static(self.note, markup=False)

    def save(self, typed: Typed) -> str:
        self.do_remove()
        return self.subject


class SecretDialog(CrmModal[None]):
    """A source's address and its secret, shown this once: the base keeps it for checking, and
    no screen or command shows it again.

    | Key(s) | Description |
    | :- | :- |
    | escape, enter | Close. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [bind("secret.close", "close", N_("Close"))]

    def __init__(self, added: SourceAdded) -> None:
        super().__init__()
        self.added = added

    def compose(self) -> ComposeResult:
        source = self.added.source
        shown = source.secret if self.added.secret_made else None
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = literal(_("Source {name}").format(name=source.name))
            yield Static(_("The address to give the sender (after the receiver's host):"), markup=False)
            yield Static(
                literal(address(source.kind.value, source.name, shown or "<token>")), id="secret-path"
            )
            if shown is not None:
                yield Static(
                    _("Its secret, shown this once: keep it in the sender's settings."), markup=False
                )
                yield Static(Text(shown, style="bold"), id="secret-value")
            else:
                yield Static(_("It checks the vendor's signature with the secret given."), markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
