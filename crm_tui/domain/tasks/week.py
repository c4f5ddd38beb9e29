"""The week view's read model: one person's tasks and meetings of a calendar week, by day, in
the user's time zone; which people's weeks the viewer may look at (a head: the region's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.users import UserInfo, owner_choices
from crm_tui.domain.tasks.listing import TaskQuery, TaskRow, list_tasks

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
