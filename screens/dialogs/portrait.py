"""Editing a client's portrait on the card: one input per field, the missing ones marked."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult

from crm_tui.domain.clients.card import PortraitLine
from crm_tui.domain.portrait.answers import editable_text, parse_field_text
from crm_tui.domain.values.text import literal
from crm_tui.i18n import _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput


class PortraitDialog(FormDialog[dict[str, str] | None]):
    """The portrait's fields; dismissed with ``{key: typed text}`` once ``commit`` saved them,
    or None. A value its field's kind cannot read (a choice not in the list, a date that is not
    one) is refused on that field, everything typed kept.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(
        self,
        client_name: str,
        lines: list[PortraitLine],
        focus_key: str | None = None,
        commit: Callable[[dict[str, str]], object] | None = None,
    ) -> None:
        super().__init__()
        self.client_name = client_name
        self.lines = lines
        self.focus_key = focus_key
        self.commit = commit

    def form_title(self) -> Text:
        return literal(_("Portrait: {name}").format(name=self.client_name))

    def compose_form(self) -> ComposeResult:
        for line in self.lines:
            hint = f" ({', '.join(line.choices)})" if line.choices else ""
            mark = " *" if line.required else ""
            yield from self.field(
                line.key,
                literal(f"{line.label}{mark}{hint}").plain,
                FieldInput(value=editable_text(line.kind, line.value), id=f"portrait-{line.key}"),
            )

    def focus_first(self) -> None:
        if self.focus_key is not None and self.focus_key in self.fields:
            self.set_focus(self.fields[self.focus_key])
        else:
            super().focus_first()

    def save(self, typed: Typed) -> dict[str, str]:
        values = {line.key: str(typed[line.key]) for line in self.lines}
        for line in self.lines:  # read here first, so a refusal names the field before any save
            parse_field_text(line.label, line.kind, line.choices, values[line.key], key=line.key)
        if self.commit is not None:
            self.commit(values)
        return values
