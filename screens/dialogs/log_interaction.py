"""Logs a call or a note on a client: what was said, for a call how long it took, and the next
step with its date (seed 002: a call that ends without one is how clients get forgotten)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Static

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.interactions import InteractionKind
from crm_tui.domain.interactions.log import parse_duration
from crm_tui.domain.tasks.next_step import NextStep, next_step
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput


@dataclass(frozen=True)
class InteractionDraft:
    kind: InteractionKind
    summary: str
    duration_s: int | None
    then: NextStep | None = None


class LogInteractionScreen(FormDialog[InteractionDraft | None]):
    """A call (summary and an optional duration) or a note (summary only) for one client.

    Dismissed with an `InteractionDraft`, or None when cancelled. The next step is optional;
    its date defaults to tomorrow morning and is read as managers type it (завтра, +3, 25.11 15:00).

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter, ctrl+s | Save. |
    | escape | Cancel. |
    """

    ENTER_SAVES = True

    def __init__(
        self,
        kind: InteractionKind,
        client_name: str,
        now: datetime,
        tz: ZoneInfo,
        commit: Callable[[InteractionDraft], object] | None = None,
    ) -> None:
        """``commit`` logs the draft (in a worker thread) while the dialog is still open."""
        super().__init__()
        self.commit = commit
        self.kind = kind
        self.client_name = client_name
        self.now = now
        self.tz = tz

    @property
    def is_call(self) -> bool:
        return self.kind is InteractionKind.CALL

    def form_title(self) -> str:
        return _("Log a call") if self.is_call else _("Add a note")

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.client_name), classes="dialog-subject", markup=False)
        summary_label = _("What was said or agreed?") if self.is_call else _("Note")
        yield from self.field("summary", summary_label, FieldInput(placeholder=_("Summary"), id="summary"))
        if self.is_call:
            yield from self.field(
                "duration",
                _("Duration, minutes (optional): 5 or 4:30"),
                FieldInput(placeholder="0:00", id="duration", classes="short"),
            )
        yield Label(_("Next step (optional) and when"), classes="portrait-label")
        with Horizontal(classes="dialog-row"):
            yield from self.field(
                "next_title",
                "",
                FieldInput(placeholder=_("Call back with the offer"), id="next-title"),
                note=False,
            )
            yield from self.field(
                "next_when",
                "",
                FieldInput(placeholder=_("завтра, +3, 25.11 15:00"), id="next-when", classes="short"),
                note=False,
            )

    def save(self, typed: Typed) -> InteractionDraft:
        summary = typed["summary"].strip()
        if not summary:
            raise InvalidInput(
                "interaction.summary_missing",
                N_("Write what was said or agreed: the summary cannot be empty."),
                field="summary",
            )
        duration: int | None = None
        if self.is_call:
            try:
                duration = parse_duration(typed["duration"])
            except ValueError:
                raise InvalidInput(
                    "interaction.duration_invalid",
                    N_("Duration is minutes, like 5 or 4:30."),
                    field="duration",
                ) from None
        then = next_step(typed["next_title"], typed["next_when"], self.now, self.tz)
        draft = InteractionDraft(self.kind, summary, duration, then)
        if self.commit is not None:
            self.commit(draft)
        return draft
