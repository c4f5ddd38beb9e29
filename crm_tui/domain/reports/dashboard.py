"""The head's dashboard as one read model: the KPI of the viewer's scope (the team, or one
manager chosen), each from the same report functions `crm report` runs, and the rows behind a
figure (the calls, the overdue tasks, the silent clients) when a head asks for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, require, roles_with
from crm_tui.domain.access.visibility import figures_within
from crm_tui.domain.reports.calls import calls_per_day
from crm_tui.domain.reports.period import Period, month_of
from crm_tui.domain.reports.plan import plan_report
from crm_tui.domain.reports.refusals import refusals_report
from crm_tui.domain.reports.silent import SILENT_DAYS, silent_report
from crm_tui.domain.reports.table import Slice, share
from crm_tui.domain.reports.task_control import tasks_report
from crm_tui.storage.models import InteractionKind, TaskStatus, clients, interactions, tasks, users

TREND_DAYS = 14


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Bar:
    name: str
    fact: int
    plan: int


@dataclass(frozen=True)
class Dashboard:
    people: list[Person]
    """Whose figures the viewer may see (the chooser's list)."""
    manager_id: int | None
    month: Period
    plan: int
    fact: int
    projection: int
    bars: list[Bar]
    calls_by_day: list[tuple[str, int]]
    won: int
    closed: int
    overdue_tasks: int
    silent_clients: int

    @property
    def calls_per_day(self) -> float:
        return sum(n for _, n in self.calls_by_day) / max(len(self.calls_by_day), 1)

    @property
    def conversion(self) -> float | None:
        return share(self.won, self.closed)

    @property
    def plan_share(self) -> float | None:
        return share(self.fact, self.plan)


def people_in_scope(session: Session, viewer: Viewer) -> list[Person]:
    sellers = [role.value for role in roles_with(Capability.OWN_CLIENTS, Scope.ALL)]
    rows = session.execute(
        select(users.c.id, users.c.full_name)
        .where(figures_within(viewer, users.c.id), users.c.role.in_(sellers), users.c.active)
        .order_by(users.c.full_name, users.c.id)
    )
    return [Person(int(i), str(name)) for i, name in rows]


def load_dashboard(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None = None
) -> Dashboard:
    require(viewer, Capability.SEE_REPORTS)
    today = now.astimezone(tz).date()
    month = month_of(today)
    so_far = Period(month.start, today)
    plan = plan_report(session, viewer, month, tz, now, (Slice.MANAGER,), manager_id=manager_id)
    closed = refusals_report(session, viewer, so_far, tz, (), manager_id=manager_id)
    trend = Period(today - timedelta(days=TREND_DAYS - 1), today)
    return Dashboard(
        people=people_in_scope(session, viewer),
        manager_id=manager_id,
        month=month,
        plan=plan.total("plan"),
        fact=plan.total("fact"),
        projection=plan.total("projection"),
        bars=[Bar(str(r["manager_name"]), int(r["fact"]), int(r["plan"])) for r in plan.rows],
        calls_by_day=calls_per_day(session, viewer, trend, tz, manager_id),
        won=closed.total("won"),
        closed=closed.total("closed"),
        overdue_tasks=overdue_count(session, viewer, now, tz, manager_id),
        silent_clients=silent_report(session, viewer, now, tz, SILENT_DAYS, (), manager_id=manager_id).total(
            "silent_clients"
        ),
    )


def overdue_count(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None
) -> int:
    """Open tasks past their time, however long ago they were due (the tasks report's overdue
    over a year)."""
    today = now.astimezone(tz).date()
    year = Period(today - timedelta(days=365), today)
    return tasks_report(session, viewer, year, tz, now, (), manager_id=manager_id).total("overdue")


@dataclass(frozen=True)
class DrillRow:
    """One record behind a figure: when, what, whose, and the client it opens."""

    at: datetime | None
    text: str
    who: str
    client_id: int | None
    client: str | None


def drill_calls(
    session: Session, viewer: Viewer, now: datetime, manager_id: int | None = None, limit: int = 500
) -> list[DrillRow]:
    """The calls of the trend's days, newest first."""
    require(viewer, Capability.SEE_REPORTS)
    i = interactions.c
    query = (
        select(
            i.occurred_at,
            i.direction,
            i.duration_s,
            i.summary,
            users.c.full_name,
            i.client_id,
            clients.c.name,
        )
        .select_from(
            interactions.outerjoin(users, users.c.id == i.user_id).outerjoin(
                clients, clients.c.id == i.client_id
            )
        )
        .where(
            figures_within(viewer, i.user_id),
            i.kind == InteractionKind.CALL.value,
            i.occurred_at >= now - timedelta(days=TREND_DAYS),
        )
        .order_by(i.occurred_at.desc(), i.id.desc())
        .limit(limit)
    )
    if manager_id is not None:
        query = query.where(i.user_id == manager_id)
    rows = []
    for at, direction, seconds, summary, who, client_id, client in session.execute(query):
        mark = "←" if direction == "inbound" else "→"
        length = "—" if not seconds else f"{seconds // 60}:{seconds % 60:02d}"
        rows.append(DrillRow(at, f"{mark} {length} {summary}", who or "—", client_id, client))
    return rows


def drill_overdue(
    session: Session, viewer: Viewer, now: datetime, manager_id: int | None = None, limit: int = 500
) -> list[DrillRow]:
    """Open tasks past their time, the longest overdue first."""
    require(viewer, Capability.SEE_REPORTS)
    t = tasks.c
    query = (
        select(t.due_at, t.title, users.c.full_name, t.client_id, clients.c.name)
        .select_from(
            tasks.outerjoin(users, users.c.id == t.assignee_id).outerjoin(
                clients, clients.c.id == t.client_id
            )
        )
        .where(figures_within(viewer, t.assignee_id), t.status == TaskStatus.OPEN.value, t.due_at < now)
        .order_by(t.due_at, t.id)
        .limit(limit)
    )
    if manager_id is not None:
        query = query.where(t.assignee_id == manager_id)
    return [
        DrillRow(due, title, who or "—", client_id, client)
        for due, title, who, client_id, client in session.execute(query)
    ]
