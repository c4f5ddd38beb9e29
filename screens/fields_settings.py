"""Portrait settings (admins): the custom fields and the contact information every client must
have; the same functions as `crm fields`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.captions import FIELD_KIND_NAMES
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.portrait import FieldKind
from crm_tui.domain.portrait.defaults import CONTACT_REQUIREMENTS
from crm_tui.domain.portrait.fields import (
    FieldInfo,
    add_field,
    portrait_fields,
    remove_field,
    required_contacts,
    set_field_required,
    set_required_contacts,
)
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.screens.funnel_settings import ValueDialog
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.in_order import FieldInput, FieldSelect
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable


@dataclass(frozen=True)
class FieldDraft:
    key: str
    label: str
    kind: FieldKind
    choices: list[str]
    required: bool


class FieldDialog(FormDialog[FieldDraft | None]):
    """A new portrait field; dismissed with a draft or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def form_title(self) -> str:
        return _("New portrait field")

    def compose_form(self) -> ComposeResult:
        yield from self.field(
            "label",
            _("Label, as managers read it"),
            FieldInput(placeholder=_("Fleet size"), id="field-label"),
        )
        yield from self.field(
            "key", _("Key: latin letters, digits and _"), FieldInput(placeholder="fleet_size", id="field-key")
        )
        kinds = FieldSelect(
            [(caption, kind.value) for kind, caption in FIELD_KIND_NAMES.items()],
            value=FieldKind.TEXT.value,
            allow_blank=False,
            id="field-kind",
        )
        yield from self.field("kind", _("Kind"), kinds)
        yield from self.field(
            "choices", _("Choices, for choice and multi: a, b, c"), FieldInput(id="field-choices")
        )
        required = FieldSelect(
            [(_("no"), "no"), (_("yes"), "yes")], value="no", allow_blank=False, id="field-required"
        )
        yield from self.field("required", _("Required (counts in completeness)"), required)

    def save(self, typed: Typed) -> FieldDraft:
        key = typed["key"].strip()
        if not key:
            raise InvalidInput("field.key_missing", N_("Give the field a key, like fleet_size."), field="key")
        choices = [c.strip() for c in typed["choices"].split(",") if c.strip()]
        return FieldDraft(
            key, typed["label"].strip(), FieldKind(str(typed["kind"])), choices, typed["required"] == "yes"
        )


class FieldsSettingsScreen(CrmScreen):
    """The portrait's fields and the required contact information (admins).

    | Key(s) | Description |
    | :- | :- |
    | up, down | Choose a field. |
    | a | Add a field. |
    | r | Make the field required, or optional again. |
    | x | Retire the field (its values are kept). |
    | c | The contact information every client must have. |
    | escape | Back. |
    """

    TITLE = N_("Portrait fields")
    GATED: ClassVar[Mapping[str, Capability]] = {
        "add": Capability.EDIT_PORTRAIT_FIELDS,
        "toggle_required": Capability.EDIT_PORTRAIT_FIELDS,
        "retire": Capability.EDIT_PORTRAIT_FIELDS,
        "contacts": Capability.EDIT_PORTRAIT_FIELDS,
    }
    AUTO_FOCUS = "#fields"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("fields.add", "add", N_("Add")),
        bind("fields.required", "toggle_required", N_("Required")),
        bind("fields.retire", "retire", N_("Retire")),
        bind("fields.contacts", "contacts", N_("Contacts")),
        bind("fields.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, fields: list[FieldInfo], contacts: list[str]) -> None:
            super().__init__()
            self.fields = fields
            self.contacts = contacts

    class Saved(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.fields: list[FieldInfo] = []
        self.contacts: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield RecordTable(
            [
                Col(_("Field"), 18),
                Col(_("Key"), 16, optional=1),
                Col(_("Kind"), 8),
                Col(_("Choices")),
                Col(_("Required"), 8),
            ],
            id="fields",
            openable=False,
        )
        yield Static("", id="fields-choices", markup=False)
        yield Static("", id="fields-contacts", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True

    @work(thread=True, exclusive=True, group="fields-load", exit_on_error=False)
    def load(self) -> None:
        with self.ws.read() as session:
            found = portrait_fields(session)
            contacts = required_contacts(session)
        self.post_message(self.Loaded(found, contacts))

    def on_fields_settings_screen_loaded(self, event: Loaded) -> None:
        self.fields, self.contacts = event.fields, event.contacts
        records: list[tuple[str, list[Text]]] = []
        for f in event.fields:
            cells = [
                literal(f.label),
                literal(f.key),
                Text(FIELD_KIND_NAMES.caption(f.kind)),
                literal(", ".join(f.choices) or "—"),
                Text(_("required"), style="bold") if f.required else Text("—", style="dim"),
            ]
            for cell in cells:
                cell.no_wrap, cell.overflow = True, "ellipsis"
            records.append((f.key, cells))
        self.query_one("#fields", RecordTable).set_records(records)
        self._show_choices()
        wanted = ", ".join(_(CONTACT_REQUIREMENTS[k]) for k in event.contacts) or _("nothing")
        self.query_one("#fields-contacts", Static).update(
            _("Every client must have: {items}").format(items=wanted)
        )

    @on(DataTable.RowHighlighted, "#fields")
    def _show_choices(self) -> None:
        """The highlighted field's choices in full, wrapped under the table: at 80 columns its
        column holds the first few."""
        field = self._current()
        line = self.query_one("#fields-choices", Static)
        if field is None or not field.choices:
            line.update("")
            return
        line.update(
            literal(_("{field}: {choices}").format(field=field.label, choices=", ".join(field.choices)))
        )

    def _current(self) -> FieldInfo | None:
        key = self.query_one("#fields", RecordTable).selected_key
        return next((f for f in self.fields if f.key == key), None)

    def action_add(self) -> None:
        def typed(draft: FieldDraft | None) -> None:
            if draft is not None:
                self.save_new(draft)

        self.app.push_screen(FieldDialog(), typed)

    @work(thread=True, exclusive=True, group="fields-save", exit_on_error=False)
    def save_new(self, draft: FieldDraft) -> None:
        added = add_field(
            self.ws, draft.key, draft.label or draft.key, draft.kind, draft.choices, draft.required
        )
        self.post_message(self.Saved(_("Field {label} added.").format(label=added.label)))

    def action_toggle_required(self) -> None:
        field = self._current()
        if field is not None:
            self.save_required(field.key, not field.required)

    @work(thread=True, exclusive=True, group="fields-save", exit_on_error=False)
    def save_required(self, key: str, required: bool) -> None:
        set_field_required(self.ws, key, required)
        self.post_message(
            self.Saved(
                _("{key} is now {state}.").format(key=key, state=_("required") if required else _("optional"))
            )
        )

    def action_retire(self) -> None:
        field = self._current()
        if field is not None:
            self.save_retire(field.key)

    @work(thread=True, exclusive=True, group="fields-save", exit_on_error=False)
    def save_retire(self, key: str) -> None:
        kept = remove_field(self.ws, key)
        self.post_message(
            self.Saved(_("{key} retired; {n} clients' values are kept.").format(key=key, n=kept))
        )

    def action_contacts(self) -> None:
        ws = self.ws

        def commit(text: str) -> None:
            set_required_contacts(ws, [i.strip() for i in text.split(",") if i.strip()])

        def typed(text: str | None) -> None:
            if text is not None:
                self.post_message(self.Saved(_("Required contact information saved.")))

        title = _("Required contact information: {known}").format(known=", ".join(CONTACT_REQUIREMENTS))
        self.app.push_screen(ValueDialog(title, ", ".join(self.contacts), commit), typed)

    def on_fields_settings_screen_saved(self, event: Saved) -> None:
        self.notify(event.line)
        self.load()

    def action_back(self) -> None:
        self.dismiss()
