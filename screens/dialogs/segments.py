"""Segments in the interface: their names, the picker for a manual segment, and the two bulk
actions of the segments screen (give clients to a manager, plan calls)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.access.users import UserInfo
from crm_tui.domain.captions import SEGMENT_NAMES
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.segments import Segment
from crm_tui.domain.values.dates import normalise_date
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmModal
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.in_order import FieldInput
from crm_tui.widgets.key_footer import KeyFooter

CALL_HOUR = time(10, 0)
SEGMENT_LABELS = SEGMENT_NAMES
"""The segments by name (translated when read; kept under this name for the screens)."""
AUTO = "auto"


def segment_name(segment: Segment) -> str:
    """A segment's name in the language in force: Warm, Loyal, Lost."""
    return SEGMENT_LABELS[segment]


def segment_label(segment: str | None, manual: bool = False) -> str:
    """A client's segment as the card says it: its name, "no segment", "(set by hand)"."""
    if segment is None:
        return _("no segment")
    label = segment_name(Segment(segment))
    return _("{segment} (set by hand)").format(segment=label) if manual else label


class SegmentPicker(CrmModal[str | None]):
    """Set a client's segment by hand (kept by every recompute) or give it back to the rules.

    | Key(s) | Description |
    | :- | :- |
    | up, down, enter | Pick. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("segment_picker.cancel", "cancel", N_("Cancel")),
    ]

    def __init__(self, client_name: str) -> None:
        super().__init__()
        self.client_name = client_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Segment")
            yield Static(literal(self.client_name), classes="dialog-subject", markup=False)
            options = [Option(segment_name(segment), id=segment.value) for segment in SEGMENT_LABELS]
            options.append(Option(_("By the rules (clear the manual mark)"), id=AUTO))
            yield OptionList(*options, id="segments", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#segments", OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AssignDialog(CrmModal[str | None]):
    """Pick the manager the selected clients go to; dismissed with a login or None.

    | Key(s) | Description |
    | :- | :- |
    | up, down, enter | Move through the people and pick one. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("assign.cancel", "cancel", N_("Cancel")),
    ]

    def __init__(self, count: int, people: list[UserInfo], *, title: str | None = None) -> None:
        super().__init__()
        self.count = count
        self.people = people
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = literal(
                self.title_text or _("Give {count} clients to").format(count=self.count)
            )
            yield OptionList(
                *(Option(literal(f"{p.full_name}  ({p.region or '—'})"), id=p.login) for p in self.people),
                id="people",
                markup=False,
            )
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#people", OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class CallPlan:
    title: str
    due: datetime


def next_working_morning(now: datetime, tz: ZoneInfo) -> datetime:
    """Tomorrow 10:00, or Monday 10:00 after a Friday or a weekend."""
    day = now.astimezone(tz).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, CALL_HOUR, tzinfo=tz)


class CallsDialog(FormDialog[CallPlan | None]):
    """A call task for every selected client's owner: the title and the day; dismissed with the
    plan once ``commit`` planned the calls, or None.

    | Key(s) | Description |
    | :- | :- |
    | enter, ctrl+s | Plan the calls. |
    | tab | Between the title and the date. |
    | escape | Cancel. |
    """

    ENTER_SAVES = True
    SAVE_LABEL = N_("Plan calls")

    def __init__(
        self, count: int, now: datetime, tz: ZoneInfo, commit: Callable[[CallPlan], object] | None = None
    ) -> None:
        super().__init__()
        self.count = count
        self.tz = tz
        self.due = next_working_morning(now, tz)
        self.commit = commit

    def form_title(self) -> str:
        return _("Plan calls for {count} clients").format(count=self.count)

    def compose_form(self) -> ComposeResult:
        title = FieldInput(value=_("Call"), id="call-title", placeholder=_("What the call is about"))
        yield from self.field("title", "", title, note=False)
        date = FieldInput(value=f"{self.due:%d.%m.%Y}", id="call-date", placeholder="DD.MM.YYYY")
        yield from self.field("date", "", date, note=False)

    def save(self, typed: Typed) -> CallPlan:
        title = str(typed["title"]).strip()
        text = str(typed["date"]).strip()
        day = normalise_date(text)
        if day.value is None or day.warnings:
            raise InvalidInput(
                "calls.date_invalid", N_("Date: {text} is not DD.MM.YYYY"), text=text, field="date"
            )
        if not title:
            raise InvalidInput("calls.title_missing", N_("Say what the call is about."), field="title")
        plan = CallPlan(title, datetime.combine(day.value, CALL_HOUR, tzinfo=self.tz))
        if self.commit is not None:
            self.commit(plan)
        return plan
