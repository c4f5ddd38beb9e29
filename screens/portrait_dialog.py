"""Editing a client's portrait on the card: one input per field, the missing ones marked."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from crm_tui.domain.client_card import PortraitLine
from crm_tui.domain.field_values import editable_text
from crm_tui.i18n import _
from widgets.key_footer import KeyFooter


class PortraitDialog(ModalScreen[dict[str, str] | None]):
    """The portrait's fields; dismissed with ``{key: typed text}`` or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", _("Save"), id="portrait.save"),
        Binding("escape", "cancel", _("Cancel"), id="portrait.cancel"),
    ]

    def __init__(self, client_name: str, lines: list[PortraitLine], focus_key: str | None = None) -> None:
        super().__init__()
        self.client_name = client_name
        self.lines = lines
        self.focus_key = focus_key

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as dialog:
            dialog.border_title = _("Portrait: {name}").format(name=self.client_name)
            for line in self.lines:
                hint = f" ({', '.join(line.choices)})" if line.choices else ""
                mark = " *" if line.required else ""
                yield Label(f"{line.label}{mark}{hint}", classes="portrait-label")
                yield Input(value=editable_text(line.kind, line.value), id=f"portrait-{line.key}")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        key = self.focus_key or (self.lines[0].key if self.lines else None)
        if key is not None:
            self.query_one(f"#portrait-{key}", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        self.dismiss({line.key: self.query_one(f"#portrait-{line.key}", Input).value for line in self.lines})

    def action_cancel(self) -> None:
        self.dismiss(None)
