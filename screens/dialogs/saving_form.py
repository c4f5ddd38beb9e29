"""A form dialog that saves itself: its fields as label-and-input rows, the save run by the
domain in a thread worker, a refusal shown in the dialog with the cursor on the field the domain
named (``InvalidInput.field``) and everything typed kept; dismissed with what was saved.

The new deal, deal edit, deal line and task dialogs are these; each says its fields and which
domain function saves them (``save_values``)."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from crm_tui.domain.errors import DomainError, InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import _
from crm_tui.screens.dialogs.form import FormDialog
from crm_tui.widgets.key_footer import KeyFooter

Saved = TypeVar("Saved")


class SavingForm(FormDialog[Saved | None], Generic[Saved]):
    """Rows of (key, label msgid, initial value); ``save_values`` does the saving (in a worker).

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    FIRST_FIELD: ClassVar[str] = ""
    """The field that a refusal naming no field puts the cursor on (default: the first)."""

    class Answered(Message):
        def __init__(self, saved: object, error: str | None, field: str) -> None:
            super().__init__()
            self.saved = saved
            self.error = error
            self.field = field

    def __init__(
        self, ws: Workspace, title: str, rows: list[tuple[str, str, str]], subject: str = ""
    ) -> None:
        super().__init__()
        self.ws = ws
        self.title_text = title
        self.rows = rows
        self.subject = subject
        self.saving = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog saving-form") as dialog:
            dialog.border_title = literal(self.title_text)
            if self.subject:
                yield Static(literal(self.subject), classes="dialog-subject", markup=False)
            for key, label, value in self.rows:
                with Horizontal(classes="form-row"):
                    yield Label(_(label), classes="form-label")
                    yield Input(value, id=f"f-{key}", compact=True)
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def typed(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", Input).value for key, _label, _value in self.rows}

    def action_save(self) -> None:
        if not self.saving:
            self.saving = True
            self.run_save(self.typed())

    @work(thread=True, exclusive=True, group="saving-form", exit_on_error=False)
    def run_save(self, values: dict[str, str]) -> None:
        try:
            saved = self.save_values(values)
        except InvalidInput as exc:
            self.post_message(self.Answered(None, str(exc), exc.field))
            return
        except DomainError as exc:
            self.post_message(self.Answered(None, str(exc), ""))
            return
        self.post_message(self.Answered(saved, None, ""))

    def save_values(self, values: dict[str, str]) -> Saved:
        """Save what was typed through the domain (runs in a thread); raise its refusal."""
        raise NotImplementedError

    def on_saving_form_answered(self, event: Answered) -> None:
        self.saving = False
        if event.error is None:
            self.dismiss(event.saved)  # type: ignore[arg-type]  # what save_values returned
            return
        keys = [key for key, _label, _value in self.rows]
        field = event.field if event.field in keys else (self.FIRST_FIELD or keys[0])
        self.refuse(event.error, f"f-{field}")
