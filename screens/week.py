"""The week: one's tasks and meetings by day (for a head, any manager's of the region, and the
team's week by person: ``week_team``), with today marked and what is overdue in red; a task's
client or deal opens from here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.tasks.listing import TaskRow
from crm_tui.domain.tasks.week import TeamWeek, Week, load_team_week, load_week, monday_of
from crm_tui.domain.values.formatting import local_time, weekday
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_, _, counted
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.screens.dialogs.task_change import TaskChange, TaskRef, change_task
from crm_tui.screens.week_team import head_line, person_line, totals_line, widths
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter

KIND_MARKS = {"call": "☎", "meeting": "◆", "email": "✉", "todo": "•"}


def read_week(ws: Workspace, monday: date | None = None, user_id: int | None = None) -> Week:
    """The week from ``monday`` (this week's by default) of ``user_id`` (the viewer's), read in
    one short session: in a worker."""
    start = monday_of(ws.now(), ws.tz) if monday is None else monday
    with ws.read() as session:
        return load_week(session, ws.viewer, start, ws.tz, ws.now(), user_id)


def read_team_week(ws: Workspace, monday: date) -> TeamWeek:
    """The team's week from ``monday`` by person (``load_team_week``), in a worker."""
    with ws.read() as session:
        return load_team_week(session, ws.viewer, monday, ws.tz, ws.now())


class WeekRead(Message):
    """This week, read for the app, which pushes the week view with it (``CrmApp.action_week``)."""

    def __init__(self, week: Week) -> None:
        super().__init__()
        self.week = week


class WeekScreen(CrmScreen):
    """A calendar week of tasks and meetings, day by day.

    | Key(s) | Description |
    | :- | :- |
    | left, right, h, l | The previous / next week. |
    | home | Back to this week. |
    | up, down | Through the tasks. |
    | enter | Open the task's deal (or its client's card). |
    | c | Open the task's client card. |
    | m | Another person's week (heads: the region's managers). |
    | g | The team's week: a person's tasks and overdue ones by day (heads); enter opens their days. |
    | A | Give the highlighted open task to a colleague (within your scope). |
    | M | Move the highlighted open task to another moment (завтра 10:00, пт, +2). |
    | X | Cancel the highlighted open task, saying why (whoever set it sees the reason). |
    | escape | Back. |
    """

    TITLE = N_("Week")
    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("week.prev", "week(-1)", N_("Previous week"), key_display="←"),
        bind("week.next", "week(1)", N_("Next week"), key_display="→"),
        bind("week.this_week", "this_week", N_("This week"), priority=True),
        bind("week.client", "client", N_("Client")),
        bind("week.team", "team", N_("Team")),
        # TRANSLATORS: the key that shows another person's week (it asks "Whose week")
        bind("week.manager", "manager", NC_("week", "Whose"), context="week"),
        bind("week.reassign", "change_task('assignee')", N_("Reassign")),
        bind("week.reschedule", "change_task('due')", N_("Move")),
        bind("week.cancel_task", "change_task('reason')", N_("Cancel task")),
        bind("week.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, week: Week) -> None:
            super().__init__()
            self.week = week

    class TeamLoaded(Message):
        def __init__(self, team: TeamWeek) -> None:
            super().__init__()
            self.team = team

    def __init__(self, ws: Workspace, week: Week | None = None) -> None:
        """``week``, when already read (``read_week``, as the app does before pushing the
        screen), is in the first frame: one layout and one paint instead of an empty frame, then
        a second layout and paint of the same screen once the worker has read it."""
        super().__init__(ws)
        self.monday = monday_of(ws.now(), ws.tz) if week is None else week.monday
        self.user_id: int | None = None
        self.week: Week | None = None
        self.team: TeamWeek | None = None
        self.team_shown = False
        """The team's week is on screen (rather than one person's days)."""
        self.from_team = False
        """The person's days on screen were opened from the team's week: escape goes back there."""
        self.rows: dict[str, TaskRow] = {}
        self._first = week
        self._on_open: bool | None = None
        """Whether the highlighted row is an open task: the task keys' state in the footer."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="week-info", markup=False)
        yield OptionList(id="week-days", markup=False)
        yield Static("", id="week-team-head", markup=False)
        yield OptionList(id="week-team", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True, lines=2)

    def on_mount(self) -> None:
        super().on_mount()
        if self._first is not None:
            self._show(self._first)
            self._first = None
        else:
            self.load()

    def refresh_data(self) -> None:
        self.load()

    def reopen(self, week: Week) -> None:
        """Opened again (the app keeps the screen): this week of one's own, read just now."""
        self.monday = week.monday
        self.user_id = None
        self.team_shown = self.from_team = False
        self._show(week)

    @work(thread=True, exclusive=True, group="week-load", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        if self.team_shown:
            self.post_message(self.TeamLoaded(read_team_week(self.ws, self.monday)))
        else:
            self.post_message(self.Loaded(read_week(self.ws, self.monday, self.user_id)))

    def on_week_screen_loaded(self, event: Loaded) -> None:
        if event.week.monday == self.monday and not self.team_shown:
            self._show(event.week)

    def on_week_screen_team_loaded(self, event: TeamLoaded) -> None:
        if event.team.monday == self.monday and self.team_shown:
            self._show_team(event.team)

    def _switch(self, team: bool) -> None:
        """One person's days or the team's lines on screen, the cursor in what is shown."""
        days, grid = self.query_one("#week-days", OptionList), self.query_one("#week-team", OptionList)
        days.display = not team
        grid.display = self.query_one("#week-team-head", Static).display = team
        (grid if team else days).focus()

    def _show(self, week: Week) -> None:
        self.week = week
        self._switch(False)
        self.refresh_bindings()
        now = self.ws.now()
        today = now.astimezone(self.ws.tz).date()
        who = next((p.full_name for p in week.people if p.id == week.user_id), "")
        last = week.monday + timedelta(days=6)
        self.sub_title = who
        self.query_one("#week-info", Static).update(
            " · ".join(
                (
                    f"{week.monday:%d.%m} – {last:%d.%m.%Y}",
                    who,
                    counted(sum(len(d.tasks) for d in week.days), "{count} task", "{count} tasks"),
                )
            )
        )
        options: list[Option] = []
        self.rows = {}
        for day in week.days:
            options.append(Option(self._day_head(day.day, today, len(day.tasks)), disabled=True))
            for task in day.tasks:
                key = str(task.id)
                self.rows[key] = task
                options.append(Option(self._task_line(task, now), id=key))
        days = self.query_one("#week-days", OptionList)
        highlighted = days.highlighted_option.id if days.highlighted_option else None
        days.clear_options()
        days.add_options(options)
        if highlighted in self.rows:
            days.highlighted = days.get_option_index(highlighted)
        elif self.rows:
            days.highlighted = next(i for i, o in enumerate(options) if not o.disabled)

    def _show_team(self, team: TeamWeek) -> None:
        self.team = team
        self._switch(True)
        self.refresh_bindings()
        today = self.ws.now().astimezone(self.ws.tz).date()
        total = sum(r.total.tasks for r in team.rows)
        late = sum(r.total.overdue for r in team.rows)
        last = team.monday + timedelta(days=6)
        self.sub_title = _("Team")
        facts = [
            f"{team.monday:%d.%m} – {last:%d.%m.%Y}",
            counted(len(team.rows), "{count} person", "{count} people"),
            counted(total, "{count} task", "{count} tasks"),
        ]
        if late:
            facts.append(counted(late, "{count} overdue", "{count} overdue"))
        facts.append(_("Enter: their days"))
        self.query_one("#week-info", Static).update(" · ".join(facts))
        w = widths(self.app.size.width - 6)
        self.query_one("#week-team-head", Static).update(head_line(team, today, w))
        grid = self.query_one("#week-team", OptionList)
        highlighted = grid.highlighted_option.id if grid.highlighted_option else None
        options = [Option(person_line(r, w), id=str(r.person.id)) for r in team.rows]
        options.append(Option(totals_line(team, w), disabled=True))
        grid.clear_options()
        grid.add_options(options)
        ids = [str(r.person.id) for r in team.rows]
        grid.highlighted = ids.index(highlighted) if highlighted in ids else 0

    def on_resize(self) -> None:
        if self.team_shown and self.team is not None:
            self._show_team(self.team)

    def _day_head(self, day: date, today: date, count: int) -> Text:
        head = Text(f"{weekday(day)} {day:%d.%m}", style="bold")
        if day == today:
            head.append("  " + _("today"), style="reverse")
        if not count:
            head.append("  " + _("nothing planned"), style="dim")
        return head

    def _task_line(self, task: TaskRow, now: object) -> Text:
        line = Text("  ")
        line.append(local_time(task.due_at, self.ws.tz, "%H:%M") + " ")
        line.append(KIND_MARKS.get(task.kind, "•") + " ")
        style = ""
        if task.status != "open":
            style = "dim strike" if task.status == "cancelled" else "dim"
        elif task.due_at < self.ws.now():
            style = "red"
        line.append_text(literal(task.title, style=style))
        facts = [f for f in (task.client, task.deal) if f]
        week = self.week
        if week is not None and task.assignee_id != week.user_id:
            facts.append(_("for {name}").format(name=task.assignee or "—"))
        elif task.set_by and task.set_by != task.assignee:
            facts.append(_("from {name}").format(name=task.set_by))
        if task.status != "open":  # done or cancelled, by whom, with the result or the reason
            facts.append(task.outcome)
        if facts:
            line.append_text(literal(" · " + " · ".join(facts), style="dim"))
        return line

    def _current(self) -> TaskRow | None:
        option = self.query_one("#week-days", OptionList).highlighted_option
        return self.rows.get(option.id or "") if option is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("manager", "team"):
            return (
                self.week is not None
                and len(self.week.people) > 1
                and not (action == "team" and self.team_shown)
            )
        if self.team_shown and action in ("client", "change_task"):
            return False
        if action == "change_task":
            task = self._current()
            return True if task is not None and task.status == "open" else None
        return True

    def action_week(self, step: int) -> None:
        self.monday += timedelta(days=7 * step)
        self.load()

    def action_this_week(self) -> None:
        self.monday = monday_of(self.ws.now(), self.ws.tz)
        self.load()

    def action_manager(self) -> None:
        week = self.week
        if week is None or len(week.people) < 2:
            return

        def chosen(user: str | None) -> None:
            if user is not None:
                self._open_person(int(user))

        choices = [(p.full_name, str(p.id)) for p in week.people]
        self.app.push_screen(ChoiceDialog(_("Whose week"), choices), chosen)

    def action_team(self) -> None:
        self.team_shown, self.from_team = True, False
        self.load()

    def _open_person(self, user_id: int) -> None:
        self.from_team = self.team_shown or self.from_team
        self.team_shown = False
        self.user_id = user_id
        self.load()

    @on(OptionList.OptionSelected, "#week-team")
    def _open_days(self, event: OptionList.OptionSelected) -> None:
        """A person's line opens their days (the week shown), escape comes back here."""
        if event.option.id is not None:
            self._open_person(int(event.option.id))

    @on(OptionList.OptionSelected, "#week-days")
    def _open(self, event: OptionList.OptionSelected) -> None:
        task = self.rows.get(event.option.id or "")
        if task is None:
            return
        if task.deal_id is not None:
            from crm_tui.screens.deal import DealScreen

            self.app.push_screen(DealScreen(self.ws, task.deal_id))
        elif task.client_id is not None:
            self.action_client()

    def action_client(self) -> None:
        from crm_tui.screens.card.screen import ClientCardScreen

        task = self._current()
        if task is not None and task.client_id is not None:
            self.post_message(ClientCardScreen.Open(task.client_id))

    def action_change_task(self, change: str) -> None:
        """Reassign, reschedule or cancel the highlighted open task (``TaskChange``'s field key)."""
        task = self._current()
        if task is None or task.status != "open":
            return
        ref = TaskRef(task.id, task.version, task.title, task.due_at)
        change_task(self, self.ws, ref, TaskChange(change), self._changed)

    def _changed(self, line: str) -> None:
        self.notify(line)
        self.load()

    @on(OptionList.OptionHighlighted, "#week-days")
    def _highlighted(self) -> None:
        """The task keys are for open tasks only: the footer is told when that changes (not
        on every move: each refresh of the bindings is another paint of the footer)."""
        task = self._current()
        on_open = task is not None and task.status == "open"
        if on_open != self._on_open:
            self._on_open = on_open
            self.refresh_bindings()

    def action_back(self) -> None:
        if self.from_team and not self.team_shown:
            self.action_team()
            return
        self.dismiss()
