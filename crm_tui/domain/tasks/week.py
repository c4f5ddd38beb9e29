"""The week view's read models: one person's tasks and meetings of a calendar week, by day, in
the user's time zone; the team's week by manager (a head's view: how many tasks each person has
each day, how many of them are overdue); which people's weeks the viewer may look at (a head:
the region's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer, can_own_clients
from crm_tui.domain.access.users import UserInfo, owner_choices
from crm_tui.domain.access.visibility import visible_tasks
from crm_tui.domain.tasks.listing import TaskQuery, TaskRow, list_tasks
from crm_tui.storage.tables.activity import TaskStatus, tasks

DAYS = 7


@dataclass(frozen=True)
class WeekDay:
    day: date
    tasks: list[TaskRow]


@dataclass(frozen=True)
class Week:
    monday: date
    user_id: int
    days: list[WeekDay]
    people: list[UserInfo]
    """Whose weeks the viewer may open (oneself first)."""


def monday_of(moment: datetime, tz: ZoneInfo) -> date:
    day = moment.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def load_week(
    session: Session, viewer: Viewer, monday: date, tz: ZoneInfo, now: datetime, user_id: int | None = None
) -> Week:
    """The week from ``monday`` of ``user_id`` (default: the viewer), every status, by due day;
    one's own week also holds the tasks one set for colleagues (the setter sees their result).
    Only the tasks the viewer may see (``visible_tasks``)."""
    who = user_id or viewer.user_id
    start = datetime.combine(monday, time.min, tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=DAYS), time.min, tzinfo=tz)
    query = TaskQuery(assignee_id=who, due_from=start, due_to=end, status=None)
    rows = list_tasks(session, viewer, query, now)
    if who == viewer.user_id:  # one's own week shows too what one set for others, and what came of it
        mine = TaskQuery(set_by_me=True, due_from=start, due_to=end, status=None)
        rows += [r for r in list_tasks(session, viewer, mine, now) if r.assignee_id != who]
        rows.sort(key=lambda r: (r.due_at, r.id))
    days = [WeekDay(monday + timedelta(days=n), []) for n in range(DAYS)]
    for row in rows:
        days[(row.due_at.astimezone(tz).date() - monday).days].tasks.append(row)
    people = owner_choices(session, viewer)
    people.sort(key=lambda p: (p.id != viewer.user_id, p.full_name))
    return Week(monday, who, days, people)


@dataclass(frozen=True)
class DayLoad:
    """One person's day in the team's week: the tasks due (open or done; a cancelled one is no
    work) and, of them, the open ones past their due time."""

    tasks: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class PersonWeek:
    person: UserInfo
    days: list[DayLoad]

    @property
    def total(self) -> DayLoad:
        return DayLoad(sum(d.tasks for d in self.days), sum(d.overdue for d in self.days))


@dataclass(frozen=True)
class TeamWeek:
    monday: date
    rows: list[PersonWeek]
    """A row per person of the viewer's scope who may own clients or has tasks this week
    (oneself first, then by name): a manager's team week is their own row alone."""

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(DAYS)]

    @property
    def totals(self) -> list[DayLoad]:
        """The whole team's day by day."""
        return [
            DayLoad(sum(r.days[n].tasks for r in self.rows), sum(r.days[n].overdue for r in self.rows))
            for n in range(DAYS)
        ]


def load_team_week(session: Session, viewer: Viewer, monday: date, tz: ZoneInfo, now: datetime) -> TeamWeek:
    """The week from ``monday`` by person: for each of ``owner_choices`` (an admin: everyone; a
    head: the region; a manager: oneself), each day's tasks and overdue ones, counted among the
    tasks the viewer may see (``visible_tasks``: default deny). One grouped read for the whole
    team, however many people it holds."""
    people = owner_choices(session, viewer)
    people.sort(key=lambda p: (p.id != viewer.user_id, p.full_name))
    bounds = [datetime.combine(monday + timedelta(days=n), time.min, tzinfo=tz) for n in range(DAYS + 1)]
    t = tasks.c
    work = t.status != TaskStatus.CANCELLED.value
    late = (t.status == TaskStatus.OPEN.value) & (t.due_at < now)

    def per_day(condition: ColumnElement[bool], n: int) -> ColumnElement[int]:
        in_day = (t.due_at >= bounds[n]) & (t.due_at < bounds[n + 1])
        return func.sum(case((in_day & condition, 1), else_=0))

    columns = [per_day(work, n) for n in range(DAYS)] + [per_day(late, n) for n in range(DAYS)]
    counts: dict[int, list[DayLoad]] = {}
    if people:
        found = session.execute(
            select(t.assignee_id, *columns)
            .where(
                visible_tasks(viewer),
                t.assignee_id.in_([p.id for p in people]),
                t.due_at >= bounds[0],
                t.due_at < bounds[DAYS],
            )
            .group_by(t.assignee_id)
        )
        for assignee, *numbers in found:
            counts[assignee] = [
                DayLoad(int(numbers[n] or 0), int(numbers[n + DAYS] or 0)) for n in range(DAYS)
            ]
    rows = [
        PersonWeek(p, counts.get(p.id) or [DayLoad() for _ in range(DAYS)])
        for p in people
        if p.id in counts or p.id == viewer.user_id or can_own_clients(p.role)
    ]
    return TeamWeek(monday, rows)
