"""Logs a call or a note on a client: what was said, and for a call how long it took."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from crm_tui.i18n import _
from storage.models import InteractionKind

_DURATION = re.compile(r"^\s*(\d{1,3})(?:\s*[:.]\s*([0-5]?\d))?\s*$")


@dataclass(frozen=True)
class InteractionDraft:
    kind: InteractionKind
    summary: str
    duration_s: int | None


def parse_duration(text: str) -> int | None:
    """'5' -> 300 s, '4:30' -> 270 s, '' -> None; anything else raises ValueError."""
    if not text.strip():
        return None
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(text)
    minutes, seconds = int(match.group(1)), int(match.group(2) or 0)
    return minutes * 60 + seconds


class LogInteractionScreen(ModalScreen[InteractionDraft | None]):
    """A call (summary and an optional duration) or a note (summary only) for one client.

    Dismissed with an `InteractionDraft`, or None when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter, ctrl+s | Save. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", _("Save"), id="log.submit"),
        Binding("escape", "cancel", _("Cancel"), id="log.cancel"),
    ]

    def __init__(self, kind: InteractionKind, client_name: str) -> None:
        super().__init__()
        self.kind = kind
        self.client_name = client_name

    @property
    def is_call(self) -> bool:
        return self.kind is InteractionKind.CALL

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Log a call") if self.is_call else _("Add a note")
            yield Static(self.client_name, classes="dialog-subject", markup=False)
            yield Label(_("What was said or agreed?") if self.is_call else _("Note"))
            yield Input(placeholder=_("Summary"), id="summary")
            if self.is_call:
                yield Label(_("Duration, minutes (optional): 5 or 4:30"))
                yield Input(placeholder="0:00", id="duration", classes="short")
            yield Static("", id="error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")
        yield Footer(show_command_palette=False, compact=True)

    def _refuse(self, message: str, field: str) -> None:
        self.query_one("#error", Static).update(message)
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
        self.dismiss(InteractionDraft(self.kind, summary, duration))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
