"""The campaign editor: its steps on the left (day, subject), the highlighted step's letter on the
right (day, subject, the plain text and the HTML part, a preview for a real recipient), its
settings (name, kind, sender, audience) in a dialog, and everything saved at once by Ctrl+S.

What a person typed is never thrown away: the draft lives in the screen until it is saved, a
refusal (a template that breaks, a step whose letters went out) is said below with the step and
line it names, the cursor put there, and the text kept; a colleague's save meanwhile offers to
write the draft over theirs (audited) or to read theirs again (after a second question); leaving
with unsaved changes asks for Escape a second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Input, Label, Static, TabbedContent, TabPane, TextArea

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.campaigns.audience_list import CampaignJobs
from crm_tui.domain.campaigns.audience_words import audience_words
from crm_tui.domain.campaigns.editing import load_for_edit, save_campaign, senders_to_choose
from crm_tui.domain.campaigns.letters import FIELDS, Letter
from crm_tui.domain.campaigns.rows import preview_draft, sample_client
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft
from crm_tui.domain.captions import CAMPAIGN_KIND_NAMES
from crm_tui.domain.errors import DomainError, StaleEdit
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.campaign_steps import StepsEditor
from crm_tui.screens.dialogs.campaign_forms import (
    CampaignSettingsDialog,
    RecipientDialog,
    Settings,
)
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.screens.dialogs.client_suggestions import Picked
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable


class CampaignEditorScreen(StepsEditor):
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
        bind("editor.recipient", "recipient", N_("Recipient"), priority=True),
        bind("editor.test", "test", N_("Test"), priority=True),
        # not on the footer (no room at 80 columns): the status line names it, the palette has it
        bind("editor.back", "back", N_("Back"), show=False),
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

    class Conflict(Message):
        """A save refused: a colleague saved since the campaign was read (now at ``theirs``)."""

        def __init__(self, line: str, theirs: int) -> None:
            super().__init__()
            self.line = line
            self.theirs = theirs

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
        self.draft = CampaignDraft(_("New campaign"), steps=tuple(self.steps))
        self.dirty = campaign is None
        self.client: Picked | None = None

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
        self._say("")
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
                name=d.name, kind=CAMPAIGN_KIND_NAMES.caption(d.kind), sender=sender
            ),
            _("Audience: {audience}").format(audience=audience_words(d.audience)),
        ]
        if self.dirty:
            lines[0] += "  " + _("(unsaved)")
        self.query_one("#editor-summary", Static).update(literal("\n".join(lines), multiline=True))
        self.sub_title = d.name

    def note_dirty(self) -> None:
        super().note_dirty()
        self._show_summary()

    def _current_draft(self) -> CampaignDraft:
        self._take_fields()
        return replace(self.draft, steps=tuple(self.steps))

    # --- actions -----------------------------------------------------------------------------

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
            line = _("{file}: clients found: {count}").format(file=read.file, count=len(read.clients))
            if read.unmatched:
                line += "; " + _("rows not matched: {rows}").format(
                    rows=rows + ("…" if len(read.unmatched) > 20 else "")
                )
            self._say(line, error=bool(read.unmatched))

    def action_save(self) -> None:
        if self.campaign is not None and self.campaign_id is None:
            return  # still reading the campaign: a save now would make a new one
        self._save(self._current_draft(), self.campaign_id, self.version)

    @work(thread=True, exclusive=True, group="editor-save", exit_on_error=False)
    def _save(
        self, draft: CampaignDraft, campaign_id: int | None, version: int | None, over: int | None = None
    ) -> None:
        try:
            saved = save_campaign(self.ws, draft, campaign_id=campaign_id, seen=version, over=over)
        except StaleEdit as exc:
            assert campaign_id is not None
            try:
                theirs = load_for_edit(self.ws, str(campaign_id)).version
            except DomainError as gone:  # removed meanwhile: nothing to write over
                self.post_message(self.refused(gone))
                return
            self.post_message(self.Conflict(str(exc), theirs))
            return
        except DomainError as exc:
            self.post_message(self.refused(exc))
            return
        self.post_message(self.Saved(saved))

    def on_campaign_editor_screen_conflict(self, event: Conflict) -> None:
        """A colleague saved the campaign after it was read: the typed draft stays, and the person
        chooses to write it over theirs (recorded in the history), to read theirs (losing the
        draft, asked again) or to go on editing."""
        self._say(event.line, error=True)
        choices = [
            (_("Save mine over theirs (the history records it)"), "mine"),
            (_("Read theirs again: my changes are lost"), "theirs"),
            (_("Go on editing, save nothing now"), "keep"),
        ]
        title = _("A colleague saved this campaign after you opened it")
        self.app.push_screen(ChoiceDialog(title, choices), partial(self._conflict_taken, event.theirs))

    def _conflict_taken(self, theirs: int, choice: str | None) -> None:
        if choice == "mine":
            self._save(self._current_draft(), self.campaign_id, self.version, theirs)
        elif choice == "theirs":
            sure = [(_("Yes: lose my changes, read theirs"), "yes"), (_("No: keep my changes"), "no")]
            self.app.push_screen(ChoiceDialog(_("Lose your changes?"), sure), self._reload_taken)

    def _reload_taken(self, choice: str | None) -> None:
        if choice != "yes":
            return
        self.dirty = False
        self.leaving = False
        self._say(_("read again as your colleague saved it; your changes are dropped"))
        self.load()

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

    def action_back(self) -> None:
        self._take_fields()
        if self.dirty and not self.leaving:
            self.leaving = True
            self._say(_("unsaved changes: Ctrl+S saves them; Escape again leaves without saving"), error=True)
            return
        self.app.pop_screen()
