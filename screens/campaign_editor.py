"""The campaign editor: its steps on the left (day, subject), the highlighted step's letter on the
right (day, subject, the plain text and the HTML part, a preview for a real recipient), its
settings (name, kind, sender, audience) in a dialog, and everything saved at once by Ctrl+S.

What a person typed is never thrown away: the draft lives in the screen until it is saved, a
refusal (a template that breaks, a step whose letters went out, a colleague's save meanwhile)
is said below with the step and line it names, the cursor put there, and the text kept; leaving
with unsaved changes asks for Escape a second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Label, Static, TabbedContent, TabPane, TextArea

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.campaigns.audience_list import CampaignJobs
from crm_tui.domain.campaigns.editing import load_for_edit, save_campaign, senders_to_choose
from crm_tui.domain.campaigns.letters import FIELDS, Letter
from crm_tui.domain.campaigns.rows import preview_draft, sample_client
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft
from crm_tui.domain.captions import CLIENT_STATUS_NAMES, SEGMENT_NAMES
from crm_tui.domain.errors import DomainError
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.campaign_forms import (
    KIND_NAMES,
    OWNS_NAMES,
    CampaignSettingsDialog,
    RecipientDialog,
    Settings,
)
from crm_tui.screens.dialogs.client_suggestions import Picked
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable, clip

NEW_STEP_DAY = 7
"""A new step comes this many days after the one before it."""


AUDIENCE_LABELS = {
    "segment": N_("segment {value}"),
    "status": N_("status {value}"),
    "owner": N_("manager {value}"),
    "region": N_("region {value}"),
    "search": N_("clients found by «{value}»"),
    "owns": "",
    "product": N_("installed «{value}»"),
}


def audience_words(audience: Mapping[str, object]) -> str:
    """The audience in a line, in words: its conditions, or "all clients"."""
    parts = []
    for key, label in AUDIENCE_LABELS.items():
        value = audience.get(key)
        if not value:
            continue
        if key == "segment":
            value = SEGMENT_NAMES.caption(str(value))
        elif key == "status":
            value = CLIENT_STATUS_NAMES.caption(str(value))
        elif key == "owns":
            value = _(OWNS_NAMES.get(str(value), str(value)))
        parts.append(_(label).format(value=value) if label else str(value))
    if audience.get("list"):
        count = len(audience.get("clients") or [])  # type: ignore[arg-type]
        parts.append(_("list {file} ({count})").format(file=audience["list"], count=count))
    return ", ".join(parts) or _("all clients")


class CampaignEditorScreen(CrmScreen):
    """A campaign's settings and steps, edited and saved at once; a step previewed for a real
    recipient and sent to oneself as a test.

    | Key(s) | Description |
    | :- | :- |
    | ctrl+s | Save the campaign. |
    | ctrl+g | Its settings: name, kind, sender, audience. |
    | ctrl+n | A new step after the highlighted one. |
    | ctrl+r | Remove the highlighted step (kept unless saved). |
    | alt+up, alt+down | Move the highlighted step up or down. |
    | f5 | Preview the step's letter (for the recipient chosen). |
    | ctrl+f | Choose the recipient of the preview by name. |
    | ctrl+t | Send the step's letter to yourself as a test. |
    | escape | Back (asks again when changes are unsaved). |
    """

    TITLE = N_("Campaign editor")
    AUTO_FOCUS = "#editor-subject"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("editor.save", "save", N_("Save"), priority=True),
        bind("editor.settings", "settings", N_("Settings"), priority=True),
        bind("editor.add_step", "add_step", N_("Add step"), priority=True),
        bind("editor.remove_step", "remove_step", N_("Remove"), priority=True),
        bind("editor.step_up", "move_step(-1)", N_("Step up"), show=False, priority=True),
        bind("editor.step_down", "move_step(1)", N_("Step down"), show=False, priority=True),
        bind("editor.preview", "preview", N_("Preview"), priority=True),
        bind("editor.recipient", "recipient", N_("For whom"), priority=True),
        bind("editor.test", "test", N_("Test"), priority=True),
        bind("editor.back", "back", N_("Back")),
    ]
    GATED: ClassVar[Mapping[str, Capability]] = {
        "save": Capability.RUN_CAMPAIGNS,
        "test": Capability.RUN_CAMPAIGNS,
    }

    class Loaded(Message):
        def __init__(
            self,
            draft: CampaignDraft,
            campaign_id: int | None,
            version: int | None,
            sent: frozenset[int],
            client: int | None,
        ) -> None:
            super().__init__()
            self.draft = draft
            self.campaign_id = campaign_id
            self.version = version
            self.sent = sent
            self.client = client

    class Said(Message):
        """A line for the status below the editor: an error (``error``) or a note."""

        def __init__(self, line: str, *, error: bool = False, field: str = "", at: object = None) -> None:
            super().__init__()
            self.line = line
            self.error = error
            self.field = field
            self.at = at if isinstance(at, int) else None

    class Previewed(Message):
        def __init__(self, letter: Letter) -> None:
            super().__init__()
            self.letter = letter

    class Saved(Message):
        def __init__(self, campaign_id: int) -> None:
            super().__init__()
            self.campaign_id = campaign_id

    def __init__(self, ws: Workspace, campaign: str | None = None, jobs: CampaignJobs | None = None) -> None:
        super().__init__(ws)
        self.campaign = campaign
        self.jobs = jobs
        self.campaign_id: int | None = None
        self.version: int | None = None
        self.draft = CampaignDraft(_("New campaign"), steps=(StepDraft(0, "", ""),))
        self.steps: list[StepDraft] = list(self.draft.steps)
        self.sent: frozenset[int] = frozenset()
        self.current = 0
        self.dirty = campaign is None
        self.leaving = False
        self.client: Picked | None = None
        self._showing = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="editor-summary", markup=False)
        with Horizontal(id="editor-body"):
            yield RecordTable(
                [Col(_("Step"), 4, right=True), Col(_("Day"), 4, right=True), Col(_("Subject"))],
                id="editor-steps",
            )
            with Vertical(id="editor-step"):
                with Horizontal(id="editor-step-head"):
                    yield Label(_("Day"), classes="editor-label")
                    yield Input(id="editor-day", compact=True, type="integer")
                    yield Label(_("Subject"), classes="editor-label")
                    yield Input(id="editor-subject", compact=True)
                with TabbedContent(id="editor-parts"):
                    with TabPane(_("Text"), id="part-text"):
                        yield TextArea(id="editor-text", soft_wrap=True, show_line_numbers=True, compact=True)
                    with TabPane(_("HTML"), id="part-html"):
                        yield TextArea(
                            id="editor-html",
                            soft_wrap=True,
                            show_line_numbers=True,
                            compact=True,
                            language=None,
                        )
                    with TabPane(_("Preview"), id="part-preview"), VerticalScroll():
                        yield Static("", id="editor-preview", markup=False)
        yield Static(
            literal(_("Fields: ") + " ".join("{{ " + f + " }}" for f in FIELDS)),
            id="editor-fields",
            markup=False,
        )
        yield Static("", id="editor-status", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    @work(thread=True, exclusive=True, group="editor-load", exit_on_error=False)
    def load(self) -> None:
        if self.campaign is None:
            self.post_message(self.Loaded(self.draft, None, None, frozenset(), None))
            return
        edited = load_for_edit(self.ws, self.campaign)
        self.post_message(
            self.Loaded(
                edited.draft,
                edited.id,
                edited.version,
                edited.sent_steps,
                sample_client(self.ws, str(edited.id)),
            )
        )

    def on_campaign_editor_screen_loaded(self, event: Loaded) -> None:
        self.draft, self.campaign_id, self.version, self.sent = (
            event.draft,
            event.campaign_id,
            event.version,
            event.sent,
        )
        self.steps = list(event.draft.steps) or [StepDraft(0, "", "")]
        if event.client is not None and self.client is None:
            self.client = Picked(event.client, "")
        self.current = 0
        self._show_steps()
        self._show_step()
        self._show_summary()

    # --- the draft and the widgets -------------------------------------------------------------

    def _show_summary(self) -> None:
        d = self.draft
        sender = d.sender or _("each client's own manager")
        lines = [
            _("{name} · {kind} · from: {sender}").format(
                name=d.name, kind=_(KIND_NAMES.get(d.kind, d.kind)), sender=sender
            ),
            _("Audience: {audience}").format(audience=audience_words(d.audience)),
        ]
        if self.dirty:
            lines[0] += "  " + _("(unsaved)")
        self.query_one("#editor-summary", Static).update(literal("\n".join(lines), multiline=True))
        self.sub_title = d.name

    def _show_steps(self) -> None:
        table = self.query_one("#editor-steps", RecordTable)
        table.set_records(
            (
                str(n),
                [
                    Text(str(n), justify="right"),
                    Text(str(s.day), justify="right"),
                    literal(clip(s.subject, 60) or "…"),
                ],
            )
            for n, s in enumerate(self.steps, 1)
        )
        table.move_cursor(row=self.current)

    def _show_step(self) -> None:
        """The current step in the fields (without taking them for a change)."""
        step = self.steps[self.current]
        self._showing = True
        self.query_one("#editor-day", Input).value = str(step.day)
        self.query_one("#editor-subject", Input).value = step.subject
        self.query_one("#editor-text", TextArea).load_text(step.text)
        self.query_one("#editor-html", TextArea).load_text(step.html or "")
        self._showing = False

    def _take_fields(self) -> None:
        """What the fields hold, into the current step of the draft."""
        day_text = self.query_one("#editor-day", Input).value.strip()
        old = self.steps[self.current]
        day = int(day_text) if day_text.lstrip("-").isdigit() else old.day
        html = self.query_one("#editor-html", TextArea).text
        self.steps[self.current] = replace(
            old,
            day=day,
            subject=self.query_one("#editor-subject", Input).value,
            text=self.query_one("#editor-text", TextArea).text,
            html=html if html.strip() else None,
        )
        if self.steps[self.current] != old and not self.dirty:
            self.dirty = True
            self._show_summary()

    def _changed(self) -> None:
        """A field changed: into the draft. Setting the fields to a step (``_show_step``) posts
        the same messages later, with the step's own values: those change nothing."""
        if self._showing:
            return
        before = self.steps[self.current]
        self._take_fields()
        if self.steps[self.current] == before:
            return
        self.leaving = False
        self._show_steps()

    @on(Input.Changed, "#editor-day, #editor-subject")
    def _input_changed(self, event: Input.Changed) -> None:
        self._changed()

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        self._changed()

    @on(DataTable.RowHighlighted, "#editor-steps")
    def _step_highlighted(self, event: DataTable.RowHighlighted) -> None:
        number = int(event.row_key.value or "1")
        if number - 1 != self.current and 0 < number <= len(self.steps):
            self._take_fields()
            self.current = number - 1
            self._show_step()

    def _current_draft(self) -> CampaignDraft:
        self._take_fields()
        return replace(self.draft, steps=tuple(self.steps))

    # --- actions -----------------------------------------------------------------------------

    def action_add_step(self) -> None:
        self._take_fields()
        day = self.steps[self.current].day + NEW_STEP_DAY
        self.steps.insert(self.current + 1, StepDraft(day, "", ""))
        self.current += 1
        self.dirty = True
        self._show_steps()
        self._show_step()
        self._show_summary()
        self.set_focus(self.query_one("#editor-subject", Input))

    def action_remove_step(self) -> None:
        if len(self.steps) == 1:
            self._say(_("a campaign needs at least one letter"), error=True)
            return
        step = self.steps[self.current]
        if step.id in self.sent:
            self._say(
                _("step {number}: its letters went out, it stays (pause the campaign to stop it)").format(
                    number=self.current + 1
                ),
                error=True,
            )
            return
        del self.steps[self.current]
        self.current = min(self.current, len(self.steps) - 1)
        self.dirty = True
        self._show_steps()
        self._show_step()
        self._show_summary()
        self._say(_("step removed: Escape twice leaves without saving, and it stays"))

    def action_move_step(self, by: int) -> None:
        target = self.current + by
        if not 0 <= target < len(self.steps):
            return
        self._take_fields()
        self.steps[self.current], self.steps[target] = self.steps[target], self.steps[self.current]
        self.current = target
        self.dirty = True
        self._show_steps()
        self._show_summary()

    def action_settings(self) -> None:
        draft = self._current_draft()
        self._open_settings(draft)

    @work(thread=True, exclusive=True, group="editor-senders", exit_on_error=False)
    def _open_settings(self, draft: CampaignDraft) -> None:
        senders = senders_to_choose(self.ws)
        self.app.call_from_thread(
            self.app.push_screen,
            CampaignSettingsDialog(self.ws, draft, senders, self.jobs),
            self._settings_taken,
        )

    def _settings_taken(self, settings: Settings | None) -> None:
        if settings is None:
            return
        self.draft = replace(settings.draft, steps=tuple(self.steps))
        self.dirty = True
        self._show_summary()
        if settings.read is not None:
            read = settings.read
            rows = ", ".join(str(u.row) for u in read.unmatched[:20])
            line = _("{file}: {count} clients found").format(file=read.file, count=len(read.clients))
            if read.unmatched:
                line += "; " + _("rows not matched: {rows}").format(
                    rows=rows + ("…" if len(read.unmatched) > 20 else "")
                )
            self._say(line, error=bool(read.unmatched))

    def action_save(self) -> None:
        self._save(self._current_draft(), self.campaign_id, self.version)

    @work(thread=True, exclusive=True, group="editor-save", exit_on_error=False)
    def _save(self, draft: CampaignDraft, campaign_id: int | None, version: int | None) -> None:
        try:
            saved = save_campaign(self.ws, draft, campaign_id=campaign_id, seen=version)
        except DomainError as exc:
            self.post_message(self.refused(exc))
            return
        self.post_message(self.Saved(saved))

    def on_campaign_editor_screen_saved(self, event: Saved) -> None:
        self.campaign = str(event.campaign_id)
        self.dirty = False
        self._say(_("saved"))
        self.notify(_("campaign {name!r} saved").format(name=self.draft.name))
        self.load()

    def action_preview(self) -> None:
        if self.client is None:
            self.action_recipient()
            return
        self._preview(self._current_draft(), self.current + 1, self.client.id)

    @work(thread=True, exclusive=True, group="editor-preview", exit_on_error=False)
    def _preview(self, draft: CampaignDraft, number: int, client_id: int) -> None:
        try:
            letter = preview_draft(self.ws, draft, number, client_id)
        except DomainError as exc:
            self.post_message(self.refused(exc))
            return
        self.post_message(self.Previewed(letter))

    def on_campaign_editor_screen_previewed(self, event: Previewed) -> None:
        letter = event.letter
        text = "\n".join(
            [
                _("From: {name} <{address}>").format(name=letter.sender_name, address=letter.sender),
                _("To: {address}").format(address=letter.to),
                _("Subject: {subject}").format(subject=letter.subject),
                "",
                letter.text,
            ]
        )
        self.query_one("#editor-preview", Static).update(literal(text, multiline=True))
        self.query_one("#editor-parts", TabbedContent).active = "part-preview"
        self._say("")

    def action_recipient(self) -> None:
        self.app.push_screen(RecipientDialog(self.ws), self._recipient_taken)

    def _recipient_taken(self, picked: Picked | None) -> None:
        if picked is not None:
            self.client = picked
            self.action_preview()

    def action_test(self) -> None:
        if self.jobs is None or self.client is None:
            self._say(
                _("choose the recipient first (Ctrl+F)")
                if self.jobs
                else _("test letters cannot be sent here"),
                error=True,
            )
            return
        self._test(self._current_draft(), self.current + 1, self.client.id)

    @work(thread=True, exclusive=True, group="editor-test", exit_on_error=False)
    def _test(self, draft: CampaignDraft, number: int, client_id: int) -> None:
        assert self.jobs is not None
        try:
            to = self.jobs.send_test_letter(self.ws, preview_draft(self.ws, draft, number, client_id))
        except DomainError as exc:
            self.post_message(self.refused(exc))
            return
        self.post_message(self.Said(_("test letter sent to {address}").format(address=to)))

    def refused(self, exc: DomainError) -> Said:
        return self.Said(
            str(exc), error=True, field=str(exc.params.get("field", "")), at=exc.params.get("line")
        )

    def on_campaign_editor_screen_said(self, event: Said) -> None:
        self._say(event.line, error=event.error)
        if event.error and event.field:
            self._go_to(event.field, event.at)

    def _go_to(self, field: str, at: int | None) -> None:
        """A refusal naming "step N text|html|subject": that step, that part, its line."""
        words = field.split()
        if len(words) != 3 or words[0] != "step" or not words[1].isdigit():
            return
        number = int(words[1])
        if not 0 < number <= len(self.steps):
            return
        if number - 1 != self.current:
            self._take_fields()
            self.current = number - 1
            self.query_one("#editor-steps", RecordTable).move_cursor(row=self.current)
            self._show_step()
        if words[2] == "subject":
            self.set_focus(self.query_one("#editor-subject", Input))
            return
        part = "html" if words[2] == "html" else "text"
        self.query_one("#editor-parts", TabbedContent).active = f"part-{part}"
        area = self.query_one(f"#editor-{part}", TextArea)
        if at is not None:
            area.move_cursor((max(0, at - 1), 0))
        self.set_focus(area)

    def _say(self, line: str, *, error: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(literal(line, style="red" if error else "", multiline=True))
        status.set_class(error, "refused")

    def action_back(self) -> None:
        self._take_fields()
        if self.dirty and not self.leaving:
            self.leaving = True
            self._say(_("unsaved changes: Ctrl+S saves them; Escape again leaves without saving"), error=True)
            return
        self.app.pop_screen()
