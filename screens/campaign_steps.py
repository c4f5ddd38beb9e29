"""The campaign editor's steps: the list on the left (number, day, subject) and the highlighted
step's day, subject, plain text and HTML part on the right. Every change goes into the draft at
once (``steps``), so moving between steps, a refusal or a dialog never loses what was typed;
the campaign editor (``crm_tui.screens.campaign_editor``) saves the draft."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.widgets import DataTable, Input, Static, TabbedContent, TextArea

from crm_tui.domain.campaigns.setup import StepDraft
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import _
from crm_tui.screens.base import CrmScreen
from crm_tui.widgets.record_table import RecordTable, clip

NEW_STEP_DAY = 7
"""A new step comes this many days after the one before it."""
HINTED = ("editor.step_up", "editor.step_down", "editor.back")
"""The keys the footer leaves out (at 80 columns it has room for the editor's seven others):
named on the status line while it has nothing to say, and in the palette."""


class StepsEditor(CrmScreen):
    """The steps of a draft and the fields of the highlighted one (the campaign editor's base)."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.steps: list[StepDraft] = [StepDraft(0, "", "")]
        self.current = 0
        self.sent: frozenset[int] = frozenset()
        """Ids of the steps whose letters went out: they cannot be removed."""
        self.dirty = False
        self.leaving = False
        self._showing = False

    def note_dirty(self) -> None:
        """The draft changed since it was saved (the campaign editor shows it in its summary)."""
        self.dirty = True

    def _show_steps(self) -> None:
        table = self.query_one("#editor-steps", RecordTable)
        table.set_records(
            (
                str(n),
                [
                    Text(str(n), justify="right"),
                    Text(str(s.day), justify="right"),
                    literal(clip(s.subject, 60) or "…"),
                ],
            )
            for n, s in enumerate(self.steps, 1)
        )
        table.move_cursor(row=self.current)

    def _show_step(self) -> None:
        """The current step in the fields (without taking them for a change)."""
        step = self.steps[self.current]
        self._showing = True
        self.query_one("#editor-day", Input).value = str(step.day)
        self.query_one("#editor-subject", Input).value = step.subject
        self.query_one("#editor-text", TextArea).load_text(step.text)
        self.query_one("#editor-html", TextArea).load_text(step.html or "")
        self._showing = False

    def _take_fields(self) -> None:
        """What the fields hold, into the current step of the draft."""
        day_text = self.query_one("#editor-day", Input).value.strip()
        old = self.steps[self.current]
        day = int(day_text) if day_text.lstrip("-").isdigit() else old.day
        html = self.query_one("#editor-html", TextArea).text
        self.steps[self.current] = replace(
            old,
            day=day,
            subject=self.query_one("#editor-subject", Input).value,
            text=self.query_one("#editor-text", TextArea).text,
            html=html if html.strip() else None,
        )
        if self.steps[self.current] != old and not self.dirty:
            self.note_dirty()

    def _changed(self) -> None:
        """A field changed: into the draft. Setting the fields to a step (``_show_step``) posts
        the same messages later, with the step's own values: those change nothing."""
        if self._showing:
            return
        before = self.steps[self.current]
        self._take_fields()
        if self.steps[self.current] == before:
            return
        self.leaving = False
        self._show_steps()

    @on(Input.Changed, "#editor-day, #editor-subject")
    def _input_changed(self, event: Input.Changed) -> None:
        self._changed()

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        self._changed()

    @on(DataTable.RowHighlighted, "#editor-steps")
    def _step_highlighted(self, event: DataTable.RowHighlighted) -> None:
        number = int(event.row_key.value or "1")
        if number - 1 != self.current and 0 < number <= len(self.steps):
            self._take_fields()
            self.current = number - 1
            self._show_step()

    def action_add_step(self) -> None:
        self._take_fields()
        day = self.steps[self.current].day + NEW_STEP_DAY
        self.steps.insert(self.current + 1, StepDraft(day, "", ""))
        self.current += 1
        self.note_dirty()
        self._show_steps()
        self._show_step()
        self.set_focus(self.query_one("#editor-subject", Input))

    def action_remove_step(self) -> None:
        if len(self.steps) == 1:
            self._say(_("a campaign needs at least one letter"), error=True)
            return
        step = self.steps[self.current]
        if step.id in self.sent:
            self._say(
                _("step {number}: its letters went out, it stays (pause the campaign to stop it)").format(
                    number=self.current + 1
                ),
                error=True,
            )
            return
        del self.steps[self.current]
        self.current = min(self.current, len(self.steps) - 1)
        self.note_dirty()
        self._show_steps()
        self._show_step()
        self._say(_("step removed: Escape twice leaves without saving, and it stays"))

    def action_move_step(self, by: int) -> None:
        target = self.current + by
        if not 0 <= target < len(self.steps):
            return
        self._take_fields()
        self.steps[self.current], self.steps[target] = self.steps[target], self.steps[self.current]
        self.current = target
        self.note_dirty()
        self._show_steps()

    def _go_to(self, field: str, at: int | None) -> None:
        """A refusal naming "step N text|html|subject": that step, that part, its line."""
        words = field.split()
        if len(words) != 3 or words[0] != "step" or not words[1].isdigit():
            return
        number = int(words[1])
        if not 0 < number <= len(self.steps):
            return
        if number - 1 != self.current:
            self._take_fields()
            self.current = number - 1
            self.query_one("#editor-steps", RecordTable).move_cursor(row=self.current)
            self._show_step()
        if words[2] == "subject":
            self.set_focus(self.query_one("#editor-subject", Input))
            return
        part = "html" if words[2] == "html" else "text"
        self.query_one("#editor-parts", TabbedContent).active = f"part-{part}"
        area = self.query_one(f"#editor-{part}", TextArea)
        if at is not None:
            area.move_cursor((max(0, at - 1), 0))
        self.set_focus(area)

    def _say(self, line: str, *, error: bool = False) -> None:
        """``line`` below the editor; nothing to say: the keys the footer has no room for."""
        status = self.query_one("#editor-status", Static)
        if line:
            status.update(literal(line, style="red" if error else "", multiline=True))
        else:
            status.update(literal(self.keys_hint(), style="dim"))
        status.set_class(error, "refused")

    def keys_hint(self) -> str:
        """``alt+↑ / alt+↓ move the step · esc back · ^p every command``, with the keys the keymap
        gives now."""
        keys: dict[str, str] = {}
        for item in self.active_bindings.values():
            if item.binding.id in HINTED:
                keys[item.binding.id] = self.app.get_key_display(item.binding)
            elif item.binding.action in ("command_palette", "app.command_palette"):
                keys["palette"] = self.app.get_key_display(item.binding)
        up, down, back = (keys.get(binding_id, "—") for binding_id in HINTED)
        line = _("{up} / {down} move the step · {back} back").format(up=up, down=down, back=back)
        if "palette" in keys:  # the footer's last key, the first to go at 80 columns
            line += " · " + _("{key} every command").format(key=keys["palette"])
        return line
