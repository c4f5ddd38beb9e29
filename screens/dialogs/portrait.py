"""Editing a client's portrait on the card: one input per field, the missing ones marked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label

from crm_tui.domain.clients.card import PortraitLine
from crm_tui.domain.portrait.answers import editable_text
from crm_tui.domain.values.text import literal
from crm_tui.i18n import _
from crm_tui.screens.dialogs.form import FormDialog
from crm_tui.widgets.key_footer import KeyFooter


class PortraitDialog(FormDialog[dict[str, str] | None]):
    """The portrait's fields; dismissed with ``{key: typed text}`` or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, client_name: str, lines: list[PortraitLine], focus_key: str | None = None) -> None:
        super().__init__()
        self.client_name = client_name
        self.lines = lines
        self.focus_key = focus_key

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as dialog:
            dialog.border_title = literal(_("Portrait: {name}").format(name=self.client_name))
            for line in self.lines:
                hint = f" ({', '.join(line.choices)})" if line.choices else ""
                mark = " *" if line.required else ""
                yield Label(literal(f"{line.label}{mark}{hint}"), classes="portrait-label")
                yield Input(value=editable_text(line.kind, line.value), id=f"portrait-{line.key}")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        key = self.focus_key or (self.lines[0].key if self.lines else None)
        if key is not None:
            self.query_one(f"#portrait-{key}", Input).focus()

    def action_save(self) -> None:
        self.dismiss({line.key: self.query_one(f"#portrait-{line.key}", Input).value for line in self.lines})
