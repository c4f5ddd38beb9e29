"""What comes in by itself, and from where: the receiver's sources and the mailboxes read.

An admin's screen (``configure_inbound`` in the one table): each source with the address to give
its vendor, each mailbox with its IMAP address and where its password is read from (never the
password), and for both the last event or reading, what it came to or why it failed, and the
counts. Sources and mailboxes are added and removed here; a mailbox is switched off and on, and
read now (in a worker, as `crm mailbox read` does), its result said on the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.captions import INBOUND_OUTCOME_NAMES, inbound_refusal
from crm_tui.domain.inbound.mailboxes import MailboxLine, list_mailboxes, remove_mailbox, set_enabled
from crm_tui.domain.inbound.port import MailJobs, MailReading
from crm_tui.domain.inbound.sources import SourceAdded, SourceKind, SourceLine, list_sources, remove_source
from crm_tui.domain.values.formatting import local_time
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _, ngettext, pgettext
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.inbound_forms import (
    KIND_NAMES,
    MailboxDialog,
    RemoveDialog,
    SecretDialog,
    SourceDialog,
)
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable, clip

MAILBOX = "mailbox"


@dataclass(frozen=True)
class Entry:
    """A row: a source (``kind`` its vendor) or a mailbox (``kind`` ``mailbox``); ``detail`` is
    what the line under the table says of it in full (the address, where the password is read
    from, the last result or error), which the table's columns may cut."""

    kind: str
    name: str
    enabled: bool
    detail: str = ""


FLEX_WANTED = 22
"""What the address and the last event each need before the count column is kept: a last
event's time and most of its words ("20.11 11:30 a new request")."""


def _last(at: datetime | None, what: str, tz: ZoneInfo, *, failed: bool = False) -> Text:
    if at is None:
        return Text(_("never"), style="dim")
    return literal(
        f"{local_time(at, tz, '%d.%m %H:%M')} {what}",
        style="red" if failed else "",
        no_wrap=True,
        overflow="ellipsis",
    )


def _source_last(s: SourceLine, tz: ZoneInfo) -> Text:
    """The source's last event, or its last refusal in red when that came later: a site whose
    forms are being refused shows it at a glance."""
    if s.refused_at is not None and (s.last_at is None or s.refused_at > s.last_at):
        why = pgettext("inbound", "refused: {why}").format(why=inbound_refusal(s.refused_status))
        return _last(s.refused_at, why, tz, failed=True)
    return _last(s.last_at, INBOUND_OUTCOME_NAMES.caption(s.last_outcome or ""), tz)


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    return local_time(at, tz) if at is not None else _("never")


class InboundScreen(CrmScreen):
    """The receiver's sources and the mailboxes (admins and ops).

    | Key(s) | Description |
    | :- | :- |
    | a | Add a source (its secret is shown once). |
    | m | Add a mailbox (where its password is read from). |
    | r | Read the mailbox now. |
    | o | Switch the mailbox off or on. |
    | x | Remove the source or the mailbox. |
    | escape | Back. |
    """

    TITLE = N_("Inbound channels")
    AUTO_FOCUS = "#inbound"
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("inbound.add_source", "add_source", N_("Source")),
        bind("inbound.add_mailbox", "add_mailbox", N_("Mailbox")),
        bind("inbound.read", "read_now", N_("Read now")),
        bind("inbound.switch", "switch", N_("Off/on")),
        bind("inbound.remove", "remove", N_("Remove")),
        bind("inbound.back", "back", N_("Back")),
    ]
    GATED: ClassVar[Mapping[str, Capability]] = {
        "add_source": Capability.CONFIGURE_INBOUND,
        "add_mailbox": Capability.CONFIGURE_INBOUND,
        "read_now": Capability.CONFIGURE_INBOUND,
        "switch": Capability.CONFIGURE_INBOUND,
        "remove": Capability.CONFIGURE_INBOUND,
    }

    class Loaded(Message):
        def __init__(self, sources: list[SourceLine], boxes: list[MailboxLine]) -> None:
            super().__init__()
            self.sources = sources
            self.boxes = boxes

    class Done(Message):
        def __init__(self, note: str, *, failed: bool = False) -> None:
            super().__init__()
            self.note = note
            self.failed = failed

    def __init__(self, ws: Workspace, jobs: MailJobs) -> None:
        super().__init__(ws)
        self.jobs = jobs
        self.entries: dict[str, Entry] = {}
        self.reading: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        # The address and the last event share the room (at 120 columns a fixed 28 cut the event
        # while the address had 52); at 80 the count gives way to them; what is still too long
        # ends with "…" and reads whole in the detail under the table.
        yield RecordTable(
            [
                Col(_("Kind"), 12),
                Col(_("Name"), 12),
                Col(pgettext("inbound", "Address")),
                Col(_("Last event or reading")),
                Col(_("In all"), 6, right=True, optional=1),
            ],
            id="inbound",
            openable=False,
            flex_wanted=FLEX_WANTED,
        )
        yield Static("", id="inbound-detail", markup=False)
        yield Static("", id="inbound-note", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="inbound", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        self.post_message(self.Loaded(list_sources(self.ws), list_mailboxes(self.ws)))

    def on_inbound_screen_loaded(self, event: Loaded) -> None:
        tz = self.ws.tz
        rows: list[tuple[str, list[Text]]] = []
        self.entries = {}
        for s in event.sources:
            key = f"source:{s.name}"
            last = _("no event yet")
            if s.last_at is not None:
                last = _("last event {when}: {outcome}").format(
                    when=_when(s.last_at, tz), outcome=INBOUND_OUTCOME_NAMES.caption(s.last_outcome or "")
                )
            if s.refused_at is not None:
                last += " · " + ngettext(
                    "{n} request refused, the last {when}: {why}",
                    "{n} requests refused, the last {when}: {why}",
                    s.refused,
                ).format(
                    n=s.refused,
                    when=_when(s.refused_at, tz),
                    why=inbound_refusal(s.refused_status),
                )
            self.entries[key] = Entry(s.kind, s.name, True, f"{s.path}\n{last}")
            rows.append(
                (
                    key,
                    [
                        Text(_(KIND_NAMES.get(SourceKind(s.kind), s.kind))),
                        literal(clip(s.name, 30)),
                        literal(s.path, no_wrap=True, overflow="ellipsis"),
                        _source_last(s, tz),
                        Text(str(s.events), justify="right"),
                    ],
                )
            )
        for b in event.boxes:
            key = f"mailbox:{b.name}"
            count = b.read_count or 0
            read = ngettext("{n} mail read", "{n} mails read", count).format(n=count)
            password = (
                _("password in the file {file}").format(file=b.password_from.removeprefix("file:"))
                if b.password_from.startswith("file:")
                else _("password in the variable {env}").format(env=b.password_from.removeprefix("env:"))
            )
            reading = _("never read yet")
            if b.read_at is not None:
                reading = _("last read {when}: {what}").format(
                    when=_when(b.read_at, tz), what=b.read_error or read
                )
            state = "" if b.enabled else " · " + _("off: not read until switched on (o)")
            self.entries[key] = Entry(
                MAILBOX, b.name, b.enabled,
                f"{b.url} · {password}{state}\n{reading}",
            )  # fmt: skip
            outcome = pgettext("reading", "failed") if b.read_error else read
            kind = Text(_("Mail")) if b.enabled else Text(_("Mail, off"), style="yellow")
            rows.append(
                (
                    key,
                    [
                        kind,
                        literal(clip(b.name, 30)),
                        literal(b.url, no_wrap=True, overflow="ellipsis"),
                        _last(b.read_at, outcome, tz, failed=bool(b.read_error)),
                        Text(str(b.mails), justify="right"),
                    ],
                )
            )
        self.query_one("#inbound", RecordTable).set_records(rows)
        self._show_detail()
        if not rows:
            self.say(_("Nothing comes in yet: a source (a) for the site's form or a PBX, a mailbox (m)."))

    @on(DataTable.RowHighlighted, "#inbound")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.refresh_bindings()  # read now, off/on: for a mailbox only

    def _show_detail(self) -> None:
        entry = self.selected()
        self.query_one("#inbound-detail", Static).update(
            literal(entry.detail if entry else "", multiline=True)
        )

    def say(self, note: str, *, failed: bool = False) -> None:
        self.query_one("#inbound-note", Static).update(Text(note, style="red" if failed else ""))

    def selected(self) -> Entry | None:
        key = self.query_one("#inbound", RecordTable).selected_key
        return None if key is None else self.entries.get(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = self.selected()
        if action in ("read_now", "switch"):
            return True if entry is not None and entry.kind == MAILBOX else None
        if action == "remove":
            return True if entry is not None else None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add_source(self) -> None:
        def added(result: SourceAdded | None) -> None:
            if result is not None:
                self.load()
                self.app.push_screen(SecretDialog(result))

        self.app.push_screen(SourceDialog(self.ws), added)

    def action_add_mailbox(self) -> None:
        def added(result: object) -> None:
            if result is not None:
                self.load()

        self.app.push_screen(MailboxDialog(self.ws), added)

    def action_remove(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        ws, name = self.ws, entry.name
        if entry.kind == MAILBOX:
            title = _("Remove the mailbox?")
            note = _("It is no longer read; the mail it logged stays on the timelines.")
            dialog = RemoveDialog(title, name, note, lambda: remove_mailbox(ws, name))
        else:
            title = _("Remove the source?")
            note = _("Its address answers 404 from now on; what it logged stays on the timelines.")
            dialog = RemoveDialog(title, name, note, lambda: remove_source(ws, name))

        def removed(result: str | None) -> None:
            if result is not None:
                self.notify(_("{name} removed").format(name=result))
                self.load()

        self.app.push_screen(dialog, removed)

    def action_switch(self) -> None:
        entry = self.selected()
        if entry is not None and entry.kind == MAILBOX:
            self._switch(entry.name, not entry.enabled)

    @work(thread=True, exclusive=True, group="inbound-act", exit_on_error=False)
    def _switch(self, name: str, on: bool) -> None:
        set_enabled(self.ws, name, on)
        self.post_message(
            self.Done(
                _("mailbox {name}: on").format(name=name)
                if on
                else _("mailbox {name}: off").format(name=name)
            )
        )

    def action_read_now(self) -> None:
        entry = self.selected()
        if entry is None or entry.kind != MAILBOX:
            return
        if self.reading is not None:
            self.notify(_("{name} is being read").format(name=self.reading))
            return
        self.reading = entry.name
        self.say(_("Reading {name}…").format(name=entry.name))
        self._read(entry.name)

    @work(thread=True, exclusive=False, group="inbound-read", exit_on_error=False)
    def _read(self, name: str) -> None:
        try:
            reading = self.jobs.read_mailbox_now(self.ws, name)
        except Exception as exc:  # a refusal or a reader's failure: said on the screen, not lost
            reading = MailReading(name, 0, {}, str(exc) or type(exc).__name__)
        self.post_message(self.Done(_reading_note(reading), failed=bool(reading.error)))

    def on_inbound_screen_done(self, event: Done) -> None:
        self.reading = None
        self.say(event.note, failed=event.failed)
        self.load()


def _reading_note(reading: MailReading) -> str:
    read = ngettext("{n} mail read", "{n} mails read", reading.read).format(n=reading.read)
    outcomes = ", ".join(f"{INBOUND_OUTCOME_NAMES.caption(k)} {n}" for k, n in reading.outcomes.items())
    line = _("{name}: {read}").format(name=reading.name, read=read) + (f" ({outcomes})" if outcomes else "")
    if reading.error:
        line += " · " + reading.error
    return line
