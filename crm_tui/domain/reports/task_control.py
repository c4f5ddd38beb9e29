"""Tasks per manager: set, done on time, done late, overdue. The head's control of the team
(seed 003): who lets their calls slip.

A task counts as set in the period it was created in; the rest count the tasks due in the
period (a day or week slice is the day the task was due), as of now: a task due yesterday
and still open is overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Column, Kind, Report, Slice, Source, counted, grouped, slice_columns
from crm_tui.i18n import N_
from crm_tui.storage.models import TaskStatus, tasks

COLUMNS = [
    Column("set", N_("Tasks set"), Kind.COUNT),
    Column("due", N_("Tasks due"), Kind.COUNT),
    Column("done_on_time", N_("Done on time"), Kind.COUNT),
    Column("done_late", N_("Done late"), Kind.COUNT),
    Column("overdue", N_("Overdue"), Kind.COUNT),
]


def tasks_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
    by: Sequence[Slice] = (Slice.MANAGER,),
    *,
    manager_id: int | None = None,
) -> Report:
    t = tasks.c
    start, end = period.bounds(tz)
    created = and_(t.created_at >= start, t.created_at < end)
    due = and_(t.due_at >= start, t.due_at < end)
    done = t.status == TaskStatus.DONE.value
    figures = [
        counted(created).label("set"),
        counted(due).label("due"),
        counted(and_(due, done, t.completed_at <= t.due_at)).label("done_on_time"),
        counted(and_(due, done, t.completed_at > t.due_at)).label("done_late"),
        counted(and_(due, t.status == TaskStatus.OPEN.value, t.due_at < now)).label("overdue"),
    ]
    where = [or_(created, due)]
    if manager_id is not None:
        where.append(t.assignee_id == manager_id)
    rows = grouped(session, viewer, Source(tasks, t.assignee_id, t.due_at), by, figures, where, period, tz)
    for row in rows:
        for column in COLUMNS:
            row[column.key] = int(row[column.key])
    return Report("tasks", slice_columns(by) + COLUMNS, rows)
