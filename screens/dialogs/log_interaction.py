"""Logs a call or a note on a client: what was said, for a call how long it took, and the next
step with its date (seed 002: a call that ends without one is how clients get forgotten)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.interactions import InteractionKind
from crm_tui.domain.interactions.log import parse_duration
from crm_tui.domain.tasks.next_step import NextStep, next_step
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class InteractionDraft:
    kind: InteractionKind
    summary: str
    duration_s: int | None
    then: NextStep | None = None


class LogInteractionScreen(CrmModal[InteractionDraft | None]):
    """A call (summary and an optional duration) or a note (summary only) for one client.

    Dismissed with an `InteractionDraft`, or None when cancelled. The next step is optional;
    its date defaults to tomorrow morning and is read as managers type it (завтра, +3, 25.11 15:00).

    | Key(s) | Description |
    | :- | :- |
    | enter, ctrl+s | Save. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("log.submit", "submit", N_("Save")),
        bind("log.cancel", "cancel", N_("Cancel")),
    ]

    def __init__(self, kind: InteractionKind, client_name: str, now: datetime, tz: ZoneInfo) -> None:
        super().__init__()
        self.kind = kind
        self.client_name = client_name
        self.now = now
        self.tz = tz

    @property
    def is_call(self) -> bool:
        return self.kind is InteractionKind.CALL

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Log a call") if self.is_call else _("Add a note")
            yield Static(literal(self.client_name), classes="dialog-subject", markup=False)
            yield Label(_("What was said or agreed?") if self.is_call else _("Note"))
            yield Input(placeholder=_("Summary"), id="summary")
            if self.is_call:
                yield Label(_("Duration, minutes (optional): 5 or 4:30"))
                yield Input(placeholder="0:00", id="duration", classes="short")
            yield Label(_("Next step (optional) and when"))
            with Horizontal(classes="dialog-row"):
                yield Input(placeholder=_("Call back with the offer"), id="next-title")
                yield Input(placeholder=_("завтра, +3, 25.11 15:00"), id="next-when", classes="short")
            yield Static("", id="error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")
        yield KeyFooter(show_command_palette=False, compact=True)

    def _refuse(self, message: str, field: str) -> None:
        self.query_one("#error", Static).update(literal(message))
        self.query_one(f"#{field}", Input).focus()
        self.app.bell()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        summary = self.query_one("#summary", Input).value.strip()
        if not summary:
            self._refuse(_("Write what was said or agreed: the summary cannot be empty."), "summary")
            return
        duration: int | None = None
        if self.is_call:
            try:
                duration = parse_duration(self.query_one("#duration", Input).value)
            except ValueError:
                self._refuse(_("Duration is minutes, like 5 or 4:30."), "duration")
                return
        try:
            then = next_step(
                self.query_one("#next-title", Input).value,
                self.query_one("#next-when", Input).value,
                self.now,
                self.tz,
            )
        except InvalidInput as exc:
            field = "next-title" if not self.query_one("#next-title", Input).value.strip() else "next-when"
            self._refuse(str(exc).capitalize() + ".", field)
            return
        self.dismiss(InteractionDraft(self.kind, summary, duration, then))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
