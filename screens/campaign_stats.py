"""A campaign: its steps with their figures, the recipients behind any figure, and a step's
letter previewed for a real recipient."""

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
from crm_tui.domain.campaigns.letters import Letter
from crm_tui.domain.campaigns.rows import preview, sample_client
from crm_tui.domain.campaigns.stats import (
    NUMBERS,
    CampaignStats,
    Figures,
    RecipientRow,
    campaign_stats,
    recipients_behind,
)
from crm_tui.domain.captions import RECIPIENT_STATE_NAMES, STOP_REASON_NAMES
from crm_tui.domain.values.formatting import percent
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _, pgettext
from crm_tui.screens.base import CrmScreen
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable, clip

NUMBER_NAMES = {
    "enrolled": N_("enrolled"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "uncertain": N_("uncertain"),
    "bounced": N_("bounced"),
    "unsubscribed": N_("unsubscribed"),
    "replied": N_("replied"),
    "deals": N_("deals"),
}
TOTAL = "all"
DROPPED_FIRST = {"unsubscribed": 7, "failed": 6, "uncertain": 5, "bounced": 4, "deals": 3, "enrolled": 1}
"""On a narrow terminal the figures columns left out first (highest first); sent and replied stay.
Every figure of the highlighted row is on the line under the table whatever the width."""


def _n(value: object) -> Text:
    return Text(str(value), justify="right")


class CampaignStatsScreen(CrmScreen):
    """The campaign's figures per step and in all (on a narrow terminal the table keeps sent and
    replied and the line under it names every figure of the highlighted row); below, the
    recipients behind the figure chosen with n on the highlighted row; v previews the step's
    letter for a real recipient.

    | Key(s) | Description |
    | :- | :- |
    | n | The next figure: enrolled, sent, failed, uncertain, bounced, unsubscribed, replied, deals. |
    | v | Preview the highlighted step's letter. |
    | escape | Back. |
    """

    TITLE = N_("Campaign")
    AUTO_FOCUS = "#campaign-figures"
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("campaign.number", "number", N_("Next figure")),
        bind("campaign.preview", "preview", N_("Preview")),
        bind("campaign.back", "back", N_("Back")),
    ]
    GATED: ClassVar[Mapping[str, Capability]] = {"preview": Capability.RUN_CAMPAIGNS}

    class Loaded(Message):
        def __init__(self, stats: CampaignStats, subjects: dict[int, str]) -> None:
            super().__init__()
            self.stats = stats
            self.subjects = subjects

    class Behind(Message):
        def __init__(self, key: tuple[str, int | None], rows: list[RecipientRow]) -> None:
            super().__init__()
            self.key = key
            self.entries = rows

    class Previewed(Message):
        def __init__(self, letter: Letter | None) -> None:
            super().__init__()
            self.letter = letter

    def __init__(self, ws: Workspace, campaign: str) -> None:
        super().__init__(ws)
        self.campaign = campaign
        self.number = "sent"
        self.step: int | None = None
        self.figures: dict[str, tuple[str, Figures]] = {}
        """Each row's figures by its key, with the row's name: shown in full under the table."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield RecordTable(
            [
                Col(_("Step"), 5),
                Col(_("Day"), 4, right=True),
                Col(_("Subject")),
                *(Col(_(NUMBER_NAMES[n]), 9, right=True, optional=DROPPED_FIRST.get(n, 0)) for n in NUMBERS),
                Col(_("Reply rate"), 10, right=True, optional=8),
            ],
            id="campaign-figures",
            flex_wanted=16,
        )
        yield Static("", id="campaign-row-figures", markup=False)
        yield Static("", id="campaign-behind-title", markup=False)
        yield RecordTable(
            [
                Col(_("Client")),
                Col(pgettext("e-mail", "Address")),
                Col(_("State"), 12),
                Col(_("Stopped by"), 13, optional=1),
            ],
            id="campaign-behind",
        )
        yield Static("", id="campaign-preview", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = self.campaign
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="campaign-figures", exit_on_error=False)
    def load(self) -> None:
        from crm_tui.domain.campaigns.setup import find_campaign, steps_of

        self.note_version()
        stats = campaign_stats(self.ws, self.campaign)
        with self.ws.read() as session:
            subjects = {
                int(s["position"]): str(s["subject"])
                for s in steps_of(session, find_campaign(session, self.campaign)["id"])
            }
        self.post_message(self.Loaded(stats, subjects))
        self._behind(self.number, self.step)

    def _cells(self, label: str, day: str, subject: str, figures: Figures) -> list[Text]:
        return [
            Text(label),
            _n(day),
            literal(clip(subject, 40)),
            *(_n(getattr(figures, n)) for n in NUMBERS),
            _n(percent(figures.reply_rate * 100)),
        ]

    def on_campaign_stats_screen_loaded(self, event: Loaded) -> None:
        stats = event.stats
        rows = [
            (str(p), self._cells(str(p), str(d), event.subjects.get(p, ""), f)) for p, d, f in stats.steps
        ]
        rows.append((TOTAL, self._cells(_("all"), "", "", stats.total)))
        self.figures = {
            str(p): (_("step {n}, day {day}").format(n=p, day=d), f) for p, d, f in stats.steps
        } | {TOTAL: (_("all steps"), stats.total)}
        self.query_one("#campaign-figures", RecordTable).set_records(rows)
        self._show_row_figures()

    def _show_row_figures(self) -> None:
        """The highlighted row's figures in full, named: the table may leave some out."""
        key = TOTAL if self.step is None else str(self.step)
        found = self.figures.get(key)
        if found is None:
            return
        name, figures = found
        parts = [" ".join((_(NUMBER_NAMES[n]), str(getattr(figures, n)))) for n in NUMBERS]
        parts.append(_("reply rate {rate}").format(rate=percent(figures.reply_rate * 100)))
        self.query_one("#campaign-row-figures", Static).update(literal(f"{name}: " + " · ".join(parts)))

    @work(thread=True, exclusive=True, group="campaign-behind", exit_on_error=False)
    def _behind(self, number: str, step: int | None) -> None:
        self.post_message(
            self.Behind((number, step), recipients_behind(self.ws, self.campaign, number, step))
        )

    def on_campaign_stats_screen_behind(self, event: Behind) -> None:
        if event.key != (self.number, self.step):
            return
        where = _("all steps") if self.step is None else _("step {n}").format(n=self.step)
        self.query_one("#campaign-behind-title", Static).update(
            _("{figure} ({where}): {count}").format(
                figure=_(NUMBER_NAMES[self.number]), where=where, count=len(event.entries)
            )
        )
        self.query_one("#campaign-behind", RecordTable).set_records(
            (
                str(r.recipient_id),
                [
                    literal(clip(r.client, 40)),
                    literal(r.address),
                    Text(RECIPIENT_STATE_NAMES.caption(r.state)),
                    Text(STOP_REASON_NAMES.caption(r.stop_reason) if r.stop_reason else ""),
                ],
            )
            for r in event.entries
        )

    @on(DataTable.RowHighlighted, "#campaign-figures")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value or TOTAL
        self.step = None if key == TOTAL else int(key)
        self._show_row_figures()
        self._behind(self.number, self.step)

    def action_number(self) -> None:
        self.number = NUMBERS[(NUMBERS.index(self.number) + 1) % len(NUMBERS)]
        self._behind(self.number, self.step)

    def action_preview(self) -> None:
        self._preview(self.step or 1)

    @work(thread=True, exclusive=True, group="campaign-preview", exit_on_error=False)
    def _preview(self, step: int) -> None:
        client = sample_client(self.ws, self.campaign)
        self.post_message(
            self.Previewed(None if client is None else preview(self.ws, self.campaign, step, client))
        )

    def on_campaign_stats_screen_previewed(self, event: Previewed) -> None:
        letter = event.letter
        text = (
            _("No client with an e-mail to preview for.")
            if letter is None
            else "\n".join(
                [
                    _("To: {address}").format(address=letter.to),
                    _("Subject: {subject}").format(subject=letter.subject),
                    "",
                    letter.text,
                ]
            )
        )
        # The letter holds outside data (names, the steps' text): shown as the characters it holds.
        self.query_one("#campaign-preview", Static).update(literal(text, multiline=True))

    def action_back(self) -> None:
        self.app.pop_screen()
