"""Campaigns: the list (enrol, pause, resume), and the outbox's uncertain letters for a person
to resend or drop."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.campaigns.audience_list import CampaignJobs
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.rows import OutboxRow, drop, list_outbox, resend
from crm_tui.domain.campaigns.setup import CampaignRow, list_campaigns, set_paused
from crm_tui.domain.captions import CAMPAIGN_KIND_NAMES, CAMPAIGN_STATUS_NAMES, LETTER_STATE_NAMES
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _, pgettext
from crm_tui.screens.base import CrmScreen
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable, clip


def _number(value: int) -> Text:
    return Text(str(value), justify="right")


class CampaignsScreen(CrmScreen):
    """Campaigns with their recipients and letters.

    | Key(s) | Description |
    | :- | :- |
    | enter | The campaign: its steps, a letter's preview and its figures. |
    | a | A new campaign, in the editor. |
    | E | Edit the campaign: its settings, audience and letters. |
    | e | Enrol the audience's new clients. |
    | p | Pause or resume the campaign. |
    | u | The uncertain letters of the outbox. |
    | escape | Back. |
    """

    TITLE = N_("Campaigns")
    AUTO_FOCUS = "#campaigns"
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("campaigns.new", "new", N_("New")),
        bind("campaigns.edit", "edit", N_("Edit")),
        bind("campaigns.enrol", "enrol", N_("Enrol")),
        bind("campaigns.pause", "pause", N_("Pause/resume")),
        bind("campaigns.uncertain", "uncertain", N_("Uncertain letters")),
        bind("campaigns.back", "back", N_("Back")),
    ]
    GATED: ClassVar[Mapping[str, Capability]] = {
        "new": Capability.RUN_CAMPAIGNS,
        "edit": Capability.RUN_CAMPAIGNS,
        "enrol": Capability.RUN_CAMPAIGNS,
        "pause": Capability.RUN_CAMPAIGNS,
        "uncertain": Capability.SEND_MAIL,
    }

    class Loaded(Message):
        def __init__(self, rows: list[CampaignRow]) -> None:
            super().__init__()
            self.entries = rows

    class Done(Message):
        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, ws: Workspace, jobs: CampaignJobs | None = None) -> None:
        """``jobs``: what the editor is handed to read a list and send a test (the app's)."""
        super().__init__(ws)
        self.entries: dict[str, CampaignRow] = {}
        self.jobs = jobs

    def compose(self) -> ComposeResult:
        yield Header()
        yield RecordTable(
            [
                Col(_("Campaign")),
                Col(_("Kind"), 12, optional=2),
                Col(_("Status"), 10),
                Col(_("Steps"), 6, right=True, optional=3),
                Col(_("Recipients"), 11, right=True),
                Col(_("Pending"), 8, right=True, optional=1),
                Col(_("Sent"), 7, right=True),
            ],
            id="campaigns",
            flex_wanted=28,  # a campaign is known by its name: the kind goes first at 80 columns
        )
        yield Static("", id="campaigns-note", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="campaigns", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        self.post_message(self.Loaded(list_campaigns(self.ws)))

    def on_campaigns_screen_loaded(self, event: Loaded) -> None:
        self.entries = {str(r.id): r for r in event.entries}
        self.query_one("#campaigns", RecordTable).set_records(
            (
                str(r.id),
                [
                    literal(clip(r.name, 40)),
                    Text(CAMPAIGN_KIND_NAMES.caption(r.kind)),
                    Text(
                        CAMPAIGN_STATUS_NAMES.caption(r.status),
                        style="" if r.status == "active" else "yellow",
                    ),
                    _number(r.steps),
                    _number(r.recipients),
                    _number(r.pending),
                    _number(r.sent),
                ],
            )
            for r in event.entries
        )
        paused = [r for r in event.entries if r.paused_reason]
        self.query_one("#campaigns-note", Static).update(
            "\n".join(
                _("{name} paused: {reason}").format(name=r.name, reason=r.paused_reason) for r in paused
            )
            if paused
            else (
                ""
                if event.entries
                else _("No campaigns yet: a makes one (or crm campaign add NAME --example lost-drip)")
            )
        )

    def selected(self) -> CampaignRow | None:
        key = self.query_one("#campaigns", RecordTable).selected_key
        return None if key is None else self.entries.get(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("enrol", "pause", "edit"):
            return True if self.selected() is not None else None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new(self) -> None:
        from crm_tui.screens.campaign_editor import CampaignEditorScreen

        self.app.push_screen(CampaignEditorScreen(self.ws, None, self.jobs))

    def action_edit(self) -> None:
        from crm_tui.screens.campaign_editor import CampaignEditorScreen

        row = self.selected()
        if row is not None:
            self.app.push_screen(CampaignEditorScreen(self.ws, str(row.id), self.jobs))

    def action_uncertain(self) -> None:
        self.app.push_screen(UncertainScreen(self.ws))

    def action_enrol(self) -> None:
        row = self.selected()
        if row is not None:
            self._enrol(row.name)

    def action_pause(self) -> None:
        row = self.selected()
        if row is not None:
            self._pause(row.name, row.status == "active")

    @work(thread=True, exclusive=True, group="campaigns-act", exit_on_error=False)
    def _enrol(self, name: str) -> None:
        result = enrol(self.ws, name)
        self.post_message(
            self.Done(
                _("{name}: enrolled {n}, letters {letters}").format(
                    name=name, n=result.enrolled, letters=result.letters
                )
            )
        )

    @work(thread=True, exclusive=True, group="campaigns-act", exit_on_error=False)
    def _pause(self, name: str, paused: bool) -> None:
        set_paused(self.ws, name, paused, _("by hand") if paused else None)
        self.post_message(
            self.Done(
                _("{name} paused").format(name=name) if paused else _("{name} resumed").format(name=name)
            )
        )

    def on_campaigns_screen_done(self, event: Done) -> None:
        self.notify(event.note)
        self.load()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        from crm_tui.screens.campaign_stats import CampaignStatsScreen

        row = self.entries.get(event.row_key.value or "")
        if row is not None:
            self.app.push_screen(CampaignStatsScreen(self.ws, row.name))


class UncertainScreen(CrmScreen):
    """Letters whose fate is unknown (the sender stopped while the letter was on the wire) or that
    failed: a person checks the mailbox and resends or drops each; nothing is resent blindly.

    | Key(s) | Description |
    | :- | :- |
    | r | Send the letter again (it did not arrive). |
    | x | Drop the letter (it arrived, or is not wanted). |
    | escape | Back. |
    """

    TITLE = N_("Uncertain letters")
    AUTO_FOCUS = "#uncertain"
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("uncertain.resend", "resend", N_("Resend")),
        bind("uncertain.drop", "drop", N_("Drop")),
        bind("uncertain.back", "back", N_("Back")),
    ]
    GATED: ClassVar[Mapping[str, Capability]] = {"resend": Capability.SEND_MAIL, "drop": Capability.SEND_MAIL}

    class Loaded(Message):
        def __init__(self, rows: list[OutboxRow]) -> None:
            super().__init__()
            self.entries = rows

    class Done(Message):
        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.entries: dict[str, OutboxRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield RecordTable(
            [
                Col(_("Letter"), 8, right=True),
                Col(_("Campaign"), 20, optional=2),
                Col(pgettext("e-mail", "Address")),
                Col(_("State"), 12),
                Col(_("Why"), 30, optional=1),
            ],
            id="uncertain",
        )
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="uncertain", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        rows = list_outbox(self.ws, "uncertain") + list_outbox(self.ws, "failed")
        self.post_message(self.Loaded(rows))

    def on_uncertain_screen_loaded(self, event: Loaded) -> None:
        self.entries = {str(r.id): r for r in event.entries}
        self.query_one("#uncertain", RecordTable).set_records(
            (
                str(r.id),
                [
                    _number(r.id),
                    literal(clip(r.campaign or "", 30)),
                    literal(r.address),
                    Text(
                        LETTER_STATE_NAMES.caption(r.state),
                        style="yellow" if r.state == "uncertain" else "red",
                    ),
                    literal(clip(r.last_error or "", 60)),
                ],
            )
            for r in event.entries
        )

    def selected(self) -> OutboxRow | None:
        key = self.query_one("#uncertain", RecordTable).selected_key
        return None if key is None else self.entries.get(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("resend", "drop"):
            return True if self.selected() is not None else None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_resend(self) -> None:
        row = self.selected()
        if row is not None:
            self._settle(row.id, True)

    def action_drop(self) -> None:
        row = self.selected()
        if row is not None:
            self._settle(row.id, False)

    @work(thread=True, exclusive=True, group="uncertain-act", exit_on_error=False)
    def _settle(self, letter: int, again: bool) -> None:
        if again:
            resend(self.ws, letter)
            self.post_message(self.Done(_("letter {id} will be sent again").format(id=letter)))
        else:
            drop(self.ws, letter)
            self.post_message(self.Done(_("letter {id} dropped").format(id=letter)))

    def on_uncertain_screen_done(self, event: Done) -> None:
        self.notify(event.note)
        self.load()
