"""One way for every form dialog to work: fields that keep what was typed when a save is refused.

How to write a form dialog
--------------------------
Subclass ``FormDialog[Result | None]`` and write three things:

* ``form_title()``: the border title (text from outside goes through ``literal``);
* ``compose_form()``: the body, top to bottom. Each field is ``yield from self.field(key,
  label, widget)``: ``key`` is the name the domain gives that field in its refusals
  (``InvalidInput(..., field="inn")``), ``widget`` a ``FieldInput``, ``FieldSelect`` or
  ``FieldOptionList`` (``crm_tui.widgets.in_order``) with an id of your choosing. Notes and
  a subject line are plain widgets between the fields;
* ``save(typed)``: the save callable. ``typed`` is ``{key: value}`` for every field (an Input's
  text, a Select's value, an OptionList's highlighted index). It runs in a thread worker, so it
  may call the domain (open a session, write); it returns what the dialog is dismissed with, or
  raises ``InvalidInput`` naming the field. A screen that must decide how to save passes its own
  callable to the dialog's constructor and ``save`` calls it.

That is all. The base gives every form dialog the same behaviour:

* Ctrl+S saves, Escape cancels (``form.save``, ``form.cancel`` in the keymap), Enter moves to
  the next field and saves on the last one (``ENTER_SAVES``: saves from any field), Tab and
  Shift+Tab move between fields;
* a refusal keeps the dialog open with everything typed: the field it names gets the
  ``refused`` class, the reason appears right under it and the focus moves there (a refusal
  that names no field of the dialog appears under the last field, in ``#error``); another
  ``DomainError`` (a colleague saved first, no access) is shown there too;
* the body scrolls (``.form-body``, a ``VerticalScroll``) with the focused field and its error in
  view, the Save and Cancel buttons stay below it, always visible, at 80x24 too;
* keys typed ahead land in order, in the field focused when each key comes: the keys that
  move the focus (Tab, Shift+Tab, Enter on a field that is not the last) are priority
  bindings, run by the app as each key arrives, before it hands the next key on. (A plain
  binding would run only once the focused field had worked through its queue, and Textual
  hands every key queued meanwhile to that same field, so ``abc Tab 5`` typed in one burst went
  into the first field as ``abc5``.) The fields' own keys (Backspace, Ctrl+U, up and down) run
  in their place in the field's queue (``crm_tui.widgets.in_order``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static

from crm_tui.domain.errors import DomainError
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.in_order import FieldInput, FieldOptionList, FieldSelect
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.picker import Picker

Result = TypeVar("Result")

Typed = dict[str, Any]
"""What a form holds, by field key: an Input's text, a Select's value, an OptionList's index."""


class FormDialog(CrmModal[Result]):
    """A modal form (see the module's docstring); dismissed with what ``save`` returns, or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("form.save", "save", N_("Save")),
        bind("form.cancel", "cancel", N_("Cancel")),
        bind("form.next_field", "next_field", show=False, priority=True),
        bind("form.previous_field", "previous_field", show=False, priority=True),
        bind("form.next", "next_or_save", show=False, priority=True),
    ]
    SAVE_LABEL: ClassVar[str] = N_("Save")
    """The Save button's word (a msgid)."""
    ENTER_SAVES: ClassVar[bool] = False
    """Enter saves from any field (a short form filled top-down: log a call), rather than
    moving to the next one."""

    class Refused(Message):
        """``save`` refused what was typed: ``line`` says why, ``field`` is the key it names."""

        def __init__(self, line: str, field: str) -> None:
            super().__init__()
            self.line = line
            self.field = field

    class Saved(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, Widget] = {}
        self.saving = False
        self.refused = False
        """A refusal is on show (``refuse``): the next save clears it first."""

    # --- what a dialog writes -------------------------------------------------------------

    def form_title(self) -> str | Text:
        raise NotImplementedError

    def compose_form(self) -> ComposeResult:
        raise NotImplementedError

    def save(self, typed: Typed) -> Result:
        """The save callable: runs in a thread worker; returns the result or raises
        ``InvalidInput`` with the field's key."""
        raise NotImplementedError

    def field(self, key: str, label: str, widget: Widget, *, note: bool = True) -> Iterator[Widget]:
        """A field's label, the field, and the line under it where a refusal of it is said.

        ``label`` is shown as it is (translate it, or make it ``literal``); ``note`` False leaves
        the label out (a field whose meaning the line above says). The field is one of
        ``crm_tui.widgets.in_order``'s, whose own keys (Backspace, arrows) apply in order."""
        if not isinstance(widget, FieldInput | FieldOptionList | FieldSelect):
            raise TypeError(f"{key}: a form's field is a FieldInput, FieldOptionList or FieldSelect")
        self.fields[key] = widget
        widget.compact = True  # a line each: 80x24 holds a dozen fields with their labels
        if widget.id is None:
            widget.id = f"field-{key}"
        if note and label:
            yield Label(label, classes="portrait-label", id=f"label-{key}", markup=False)
        yield widget
        yield Static("", classes="field-error", id=f"error-{key}", markup=False)

    # --- the form ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog") as dialog:
            dialog.border_title = self.form_title()
            with VerticalScroll(classes="form-body"):
                yield from self.compose_form()
                yield Static("", id="error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_(self.SAVE_LABEL), variant="primary", id="save", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        """The first field has the focus as soon as the dialog is there, so nothing typed at
        once is lost on the dialog itself."""
        self.focus_first()

    def refill(self, values: dict[str, str]) -> None:
        """The form as when it first opened, with ``values`` (by key) in its inputs and the
        other inputs empty: no refusal, nothing being saved, the body at its top, the first
        field focused. For a dialog kept to be opened again (the kanban's new deal): pushed
        again, it is neither composed, nor mounted, nor laid out anew."""
        self.clear_refusal()
        self.saving = False
        for key, widget in self.fields.items():
            if isinstance(widget, Input):
                widget.value = values.get(key, "")
        self.query_one(".form-body", VerticalScroll).scroll_home(animate=False)
        self.focus_first()

    def focus_first(self) -> None:
        for widget in self.fields.values():
            if widget.focusable:
                self.set_focus(widget, scroll_visible=False)
                return

    def typed(self) -> Typed:
        """Every field's value as it stands."""
        values: Typed = {}
        for key, widget in self.fields.items():
            if isinstance(widget, Input):
                values[key] = widget.value
            elif isinstance(widget, Select):
                values[key] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, OptionList):
                values[key] = widget.highlighted
        return values

    def _inputs(self) -> list[Input]:
        return [widget for widget in self.fields.values() if isinstance(widget, Input)]

    def action_next_field(self) -> None:
        self.move_focus(1)

    def action_previous_field(self) -> None:
        self.move_focus(-1)

    def move_focus(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) field or button, focused at once and scrolled
        into view without an animation (``Screen.focus_next`` animates the scroll, and a refusal
        shown meanwhile was scrolled away by it)."""
        chain = self.focus_chain
        if not chain:
            return
        index = chain.index(self.focused) + step if self.focused in chain else 0
        self.set_focus(chain[index % len(chain)], scroll_visible=False)
        self.keep_in_view(chain[index % len(chain)])

    def keep_in_view(self, *widgets: Widget) -> None:
        for widget in widgets:
            widget.scroll_visible(animate=False)

    def _next_stop(self, widget: Widget) -> Widget | None:
        """Where Enter moves from ``widget``: the next input or ``Picker`` that takes the focus
        (another list or a ``Select`` takes its own Enter, so Enter passes it by); None from
        the last."""
        stops = [w for w in self.fields.values() if isinstance(w, Input | Picker) and w.focusable]
        if widget not in stops or widget is stops[-1]:
            return None
        return stops[stops.index(widget) + 1]

    def action_next_or_save(self) -> None:
        """Enter on a field that is not the last input, or on a closed ``Picker``, moves on at
        once; anything else (the last input, a button, a list) takes its own Enter, after the
        keys queued for it."""
        inputs = self._inputs()
        focused = self.focused
        if isinstance(focused, Picker) and not self.ENTER_SAVES:
            target = self._next_stop(focused)
            if target is None:
                self.move_focus(1)
            else:
                self.set_focus(target, scroll_visible=False)
                self.keep_in_view(target)
            return
        if (
            self.ENTER_SAVES
            or not isinstance(focused, Input)
            or focused not in inputs
            or focused is inputs[-1]
        ):
            raise SkipAction()
        # Screen.set_focus, not Widget.focus: that one moves the focus later (call_later), after
        # the app has handed the next keys to this field.
        target = self._next_stop(focused) or inputs[inputs.index(focused) + 1]
        self.set_focus(target, scroll_visible=False)
        self.keep_in_view(target)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = self._inputs()
        if not self.ENTER_SAVES and event.input in inputs and event.input is not inputs[-1]:
            self.set_focus(self._next_stop(event.input) or inputs[inputs.index(event.input) + 1])
        else:
            self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.clear_refusal()
        self._save(self.typed())

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, typed: Typed) -> None:
        try:
            result = self.save(typed)
        except DomainError as exc:  # InvalidInput names its field; another may (params["field"])
            self.post_message(self.Refused(str(exc), str(exc.params.get("field", ""))))
            return
        self.post_message(self.Saved(result))

    def on_form_dialog_saved(self, event: Saved) -> None:
        self.saving = False
        self.dismiss(event.result)

    def on_form_dialog_refused(self, event: Refused) -> None:
        self.saving = False
        self.refuse(event.line, event.field)

    def refuse(self, message: str, field: str = "") -> None:
        """Say ``message`` under the field ``field`` (a key of the form), mark it and move the
        focus there; a key the form does not have: under the form, the focus where it was."""
        if field not in self.fields and len(self.fields) == 1:
            field = next(iter(self.fields))  # a one-field form: the refusal can only be of it
        widget = self.fields.get(field)
        line = (
            self.query_one(f"#error-{field}", Static)
            if widget is not None
            else self.query_one("#error", Static)
        )
        self.refused = True
        line.update(literal(message, multiline=True))
        line.display = True
        if widget is not None:
            widget.add_class("refused")
            for label in self.query(f"#label-{field}"):
                label.add_class("refused")
            self.set_focus(widget, scroll_visible=False)
            self.call_after_refresh(self.keep_in_view, widget, line)  # once the reason is laid out
        else:
            self.call_after_refresh(self.keep_in_view, line)
        self.app.bell()

    def clear_refusal(self) -> None:
        """Take a refusal's reasons and marks away; nothing when none is shown (each line
        updated lays the dialog out again, and the screen under a dialog is drawn again with it)."""
        if not self.refused:
            return
        self.refused = False
        for line in self.query(".field-error"):
            if isinstance(line, Static):
                line.update("")
                line.display = False
        self.query_one("#error", Static).update("")
        for marked in self.query(".refused"):
            marked.remove_class("refused")

    def action_cancel(self) -> None:
        self.dismiss(None)
