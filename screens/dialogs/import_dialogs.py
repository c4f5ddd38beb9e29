"""The import wizard's two dialogs: which field a column goes to, and "undo this batch?"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.imports.mapping import PortraitTarget
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _, counted
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.mapping_table import field_choices, field_label

LABEL_WIDTH = (20, 26)
"""The field's column in the picker, narrow and wide: a longer label (a portrait field's, as the
admin named it: «портрет: Численность сотрудников») wraps in its column, never into the
description beside it."""
WIDE = 100


def _choice(label: str, description: str, column: int) -> Table:
    """A field and what it means, as two columns (each wraps in its own)."""
    line = Table.grid(padding=(0, 2, 0, 0))
    line.add_column(width=column, style="bold")
    line.add_column(ratio=1)
    line.add_row(Text(label), Text(description))
    return line


class FieldPickerScreen(CrmModal[str | None]):
    """Where one column goes: a field of the client, or ``ignore``; dismissed with it or None.

    | Key(s) | Description |
    | :- | :- |
    | up, down, enter | Move through the fields and pick one. |
    | escape | Cancel; the column keeps its field. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("field_picker.cancel", "cancel", N_("Cancel")),
    ]

    def __init__(
        self, header: str, current: str, samples: list[str], portrait: Sequence[PortraitTarget] = ()
    ) -> None:
        super().__init__()
        self.header = header
        self.current = current
        self.samples = samples
        self.portrait = tuple(portrait)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker") as dialog:
            dialog.border_title = _("Import the column as")
            yield Static(literal(self.header), classes="dialog-subject", markup=False)
            if self.samples:
                samples = _("Values: {samples}").format(samples=" · ".join(self.samples))
                yield Static(literal(samples), classes="dialog-note", markup=False)
            choices = field_choices(self.portrait)
            labels = [field_label(field, self.portrait) for field, _description in choices]
            column = min(max(len(label) for label in labels), LABEL_WIDTH[self.app.size.width >= WIDE])
            yield OptionList(
                *(
                    Option(_choice(label, description, column), id=field)
                    for label, (field, description) in zip(labels, choices, strict=True)
                ),
                id="fields",
            )
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        fields = self.query_one("#fields", OptionList)
        fields.highlighted = fields.get_option_index(self.current)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class UndoConfirmScreen(CrmModal[bool]):
    """Asks before an import batch is taken back; dismissed with True to go ahead.

    | Key(s) | Description |
    | :- | :- |
    | y | Undo the import. |
    | n, escape | Keep it. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("undo_confirm.yes", "answer(True)", N_("Undo")),
        bind("undo_confirm.no", "answer(False)", N_("Keep")),
    ]

    def __init__(self, batch: int, created: int) -> None:
        super().__init__()
        self.batch_id = batch
        self.created = created

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Undo import batch {batch}").format(batch=self.batch_id)
            made = counted(self.created, "the {count} client it created", "the {count} clients it created")
            yield Static(
                _(
                    "Remove {made} and clear the fields it filled in? A client, field or task "
                    "someone has worked on since is kept and listed."
                ).format(made=made),
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Undo import"), variant="error", id="yes")
                yield Button(_("Keep it"), id="no")
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
