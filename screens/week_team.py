"""The team's week as a head reads it: a line per person, a column per day with the tasks due
and, in red, how many of them are overdue, then the week's sum; the team's sum last. The layout
of 1C's staff calendar (people down, days across), sized to the terminal: at 80 columns a day is
7 cells wide (``пн 16``), from about 100 it has its date (``пн 16.11``) and the names more room.
Drawn as lines of an option list (one per person: the cursor picks whose days to open)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text

from crm_tui.domain.tasks.week import DayLoad, PersonWeek, TeamWeek
from crm_tui.domain.values.formatting import weekday
from crm_tui.i18n import _

COUNT = 3
LATE = 4
"""A cell's count is right-aligned in ``COUNT`` cells and its overdue part (`` 2!``) in ``LATE``
after it, so that the counts of a column stand one under the other."""


@dataclass(frozen=True)
class Widths:
    name: int
    cell: int


def widths(inner: int) -> Widths:
    """The name column and a day's cell for a list ``inner`` cells wide (8 cells: 7 days and the
    week's sum)."""
    cell = max(COUNT + LATE, min(11, (inner - 16) // 8))
    return Widths(max(10, min(28, inner - 8 * cell)), cell)


def _name(text: str, width: int) -> str:
    room = width - 1
    return (text if len(text) <= room else text[: room - 1] + "…").ljust(width)


def head_line(week: TeamWeek, today: date, w: Widths) -> Text:
    """The days over their columns, today's in reverse."""
    line = Text(_name(_("Who"), w.name), style="bold")
    for day in week.days:
        label = f"{weekday(day)} {day:%d.%m}" if w.cell >= 9 else f"{weekday(day)} {day.day}"
        line.append(label.center(w.cell), style="bold reverse" if day == today else "bold")
    line.append(_("Week").center(w.cell), style="bold")
    return line


def _cell(load: DayLoad, width: int) -> Text:
    left = (width - COUNT - LATE) // 2
    if not load.tasks:
        return Text(" " * left + "·".rjust(COUNT) + " " * (width - left - COUNT), style="dim")
    cell = Text(" " * left + str(load.tasks).rjust(COUNT))
    late = f" {load.overdue}!" if load.overdue else ""
    cell.append(late, style="bold red")
    cell.append(" " * (width - left - COUNT - len(late)))
    return cell


def person_line(row: PersonWeek, w: Widths) -> Text:
    line = Text(_name(row.person.full_name, w.name))
    for load in row.days:
        line.append_text(_cell(load, w.cell))
    line.append_text(_cell(row.total, w.cell))
    return line


def totals_line(week: TeamWeek, w: Widths) -> Text:
    """The whole team's day by day: how loaded the week is, where it is behind."""
    line = Text(_name(_("Team"), w.name), style="bold")
    totals = week.totals
    for load in totals:
        line.append_text(_cell(load, w.cell))
    line.append_text(_cell(DayLoad(sum(d.tasks for d in totals), sum(d.overdue for d in totals)), w.cell))
    return line
