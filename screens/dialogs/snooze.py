"""Moves a task to a later moment picked from a short list, in the user's time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.formatting import weekday
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.in_order import FieldOptionList

MORNING = time(9, 0)
MONDAY = 0


@dataclass(frozen=True)
class SnoozeOption:
    label: str
    until: datetime


def _at_local(day: datetime, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day.date(), at, tzinfo=tz)


def snooze_options(now: datetime, tz: ZoneInfo) -> list[SnoozeOption]:
    """+1 hour, +3 hours, tomorrow 9:00 and next Monday 9:00, the days as the user counts them.

    On a Sunday tomorrow is next Monday: the moment is offered once.
    """
    local = now.astimezone(tz)
    tomorrow = local + timedelta(days=1)
    monday = local + timedelta(days=(MONDAY - local.weekday()) % 7 or 7)
    options = [
        SnoozeOption(_("In 1 hour"), now + timedelta(hours=1)),
        SnoozeOption(_("In 3 hours"), now + timedelta(hours=3)),
        SnoozeOption(_("Tomorrow 9:00"), _at_local(tomorrow, MORNING, tz)),
        SnoozeOption(_("Next Monday 9:00"), _at_local(monday, MORNING, tz)),
    ]
    unique: dict[datetime, SnoozeOption] = {}
    for option in options:
        unique.setdefault(option.until, option)
    return list(unique.values())


class SnoozeScreen(FormDialog[datetime | None]):
    """Pick when the task is due again; dismissed with the new due time (aware) once ``commit``
    moved the task, or None.

    | Key(s) | Description |
    | :- | :- |
    | 1-4 | Pick that choice at once (by its number in the list). |
    | up, down, enter | Move through the choices and pick one. |
    | ctrl+s | Snooze to the highlighted choice. |
    | escape | Cancel; the due time stays. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("snooze.pick_1", "pick(0)", N_("Pick"), key_display="1-4"),
        bind("snooze.pick_2", "pick(1)", show=False),
        bind("snooze.pick_3", "pick(2)", show=False),
        bind("snooze.pick_4", "pick(3)", show=False),
    ]
    SAVE_LABEL = N_("Snooze")

    def __init__(
        self, task_title: str, now: datetime, tz: ZoneInfo, commit: Callable[[datetime], object] | None = None
    ) -> None:
        super().__init__()
        self.task_title = task_title
        self.tz = tz
        self.options = snooze_options(now, tz)
        self.commit = commit

    def form_title(self) -> str:
        return _("Snooze task")

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.task_title), classes="dialog-subject", markup=False)
        choices = FieldOptionList(
            *(
                Option(f"{n}  {o.label:<18} {self._when(o.until)}", id=str(n - 1))
                for n, o in enumerate(self.options, 1)
            ),
            id="choices",
            markup=False,
        )
        yield from self.field("until", "", choices, note=False)

    def _when(self, moment: datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{weekday(local)} {local:%d.%m %H:%M}"

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).highlighted = 0
        super().on_mount()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option_index)

    def action_pick(self, index: int) -> None:
        if index < len(self.options):
            self.query_one("#choices", OptionList).highlighted = index
            self.action_save()

    def save(self, typed: Typed) -> datetime:
        index = typed["until"]
        if index is None:
            raise InvalidInput("task.snooze_missing", N_("Pick when the task is due again."), field="until")
        until = self.options[index].until
        if self.commit is not None:
            self.commit(until)
        return until
