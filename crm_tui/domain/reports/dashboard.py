"""The head's dashboard as one read model: the KPI of the viewer's scope (the team, or one
manager chosen), each from the same report functions `crm report` runs, and the rows behind a
figure (the calls, the overdue tasks, the silent clients; the new requests and the deals
awaiting payment in ``dashboard_sales``) when a head asks for them."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, require, roles_with
from crm_tui.domain.access.visibility import figures_within
from crm_tui.domain.reports.calls import calls_per_day
from crm_tui.domain.reports.dashboard_sales import Awaiting, DrillRow, awaiting_payment, new_requests_count
from crm_tui.domain.reports.period import Period, month_of
from crm_tui.domain.reports.plan import plan_report
from crm_tui.domain.reports.refusals import refusals_report
from crm_tui.domain.reports.silent import SILENT_DAYS, silent_report
from crm_tui.domain.reports.table import Report, Slice, share
from crm_tui.storage.models import InteractionKind, TaskStatus, clients, interactions, tasks, users

TREND_DAYS = 14


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    login: str = ""


@dataclass(frozen=True)
class Bar:
    name: str
    fact: int
    plan: int
    manager_id: int | None = None
    """Whose bar it is (Enter on it lists their deals won this month); None for somebody no
    longer among the active people of the viewer's scope."""


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
    new_requests: int
    """New (not repeat) requests received this month."""
    awaiting: Awaiting
    """Open deals awaiting payment: how many, their sum."""

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
        select(users.c.id, users.c.full_name, users.c.login)
        .where(figures_within(viewer, users.c.id), users.c.role.in_(sellers), users.c.active)
        .order_by(users.c.full_name, users.c.id)
    )
    return [Person(int(i), str(name), str(login)) for i, name, login in rows]


Reader = Callable[[], AbstractContextManager[Session]]
"""Opens a short read session (``Workspace.read``)."""


def load_dashboard(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None = None
) -> Dashboard:
    """The dashboard's figures, one after another on one session (the digest, the CLI)."""
    require(viewer, Capability.SEE_REPORTS)
    return _assembled(
        viewer,
        now,
        tz,
        manager_id,
        {name: part(session, viewer, now, tz, manager_id) for name, part in PARTS.items()},
    )


def load_dashboard_side_by_side(
    read: Reader, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None = None, workers: int = 3
) -> Dashboard:
    """The same figures, each read on its own connection in its own thread, the longest first:
    the database works on them side by side (SQLite lets go of the interpreter while it steps),
    so the dashboard waits for the longest of them, not for their sum."""
    require(viewer, Capability.SEE_REPORTS)

    def run(part: Part) -> object:
        with read() as session:
            return part(session, viewer, now, tz, manager_id)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dashboard") as pool:
        futures = {name: pool.submit(run, part) for name, part in PARTS.items()}
        found = {name: future.result() for name, future in futures.items()}
    return _assembled(viewer, now, tz, manager_id, found)


Part = Callable[[Session, Viewer, datetime, ZoneInfo, int | None], Any]


def _plan(session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None) -> Report:
    month = month_of(now.astimezone(tz).date())
    return plan_report(session, viewer, month, tz, now, (Slice.MANAGER,), manager_id=manager_id)


def _closed(session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None) -> Report:
    today = now.astimezone(tz).date()
    return refusals_report(
        session, viewer, Period(month_of(today).start, today), tz, (), manager_id=manager_id
    )


def trend_period(now: datetime, tz: ZoneInfo) -> Period:
    """The calls tile's days: the last ``TREND_DAYS`` calendar days in the viewer's zone, today
    included; the tile divides their calls and Enter on it lists the same calls."""
    today = now.astimezone(tz).date()
    return Period(today - timedelta(days=TREND_DAYS - 1), today)


def _calls(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None
) -> list[tuple[str, int]]:
    return calls_per_day(session, viewer, trend_period(now, tz), tz, manager_id)


def _silent(session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None) -> int:
    return silent_report(session, viewer, now, tz, SILENT_DAYS, (), manager_id=manager_id).total(
        "silent_clients"
    )


def _people(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None
) -> list[Person]:
    return people_in_scope(session, viewer)


def _assembled(
    viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None, found: dict[str, Any]
) -> Dashboard:
    plan: Report = found["plan"]
    closed: Report = found["closed"]
    ids = {person.login: person.id for person in found["people"]}
    return Dashboard(
        people=found["people"],
        manager_id=manager_id,
        month=month_of(now.astimezone(tz).date()),
        plan=plan.total("plan"),
        fact=plan.total("fact"),
        projection=plan.total("projection"),
        bars=[
            Bar(str(r["manager_name"]), int(r["fact"]), int(r["plan"]), ids.get(str(r["manager"])))
            for r in plan.rows
        ],
        calls_by_day=found["calls"],
        won=closed.total("won"),
        closed=closed.total("closed"),
        overdue_tasks=found["overdue"],
        silent_clients=found["silent"],
        new_requests=found["requests"],
        awaiting=found["awaiting"],
    )


def overdue_count(
    session: Session, viewer: Viewer, now: datetime, tz: ZoneInfo, manager_id: int | None
) -> int:
    """Open tasks past their time, however long ago they were due (the tasks report's overdue
    over a year, counted alone: the report's other figures read every task)."""
    require(viewer, Capability.SEE_REPORTS)
    today = now.astimezone(tz).date()
    start, _ = Period(today - timedelta(days=365), today).bounds(tz)
    t = tasks.c
    query = select(func.count()).where(
        figures_within(viewer, t.assignee_id),
        t.status == TaskStatus.OPEN.value,
        t.due_at >= start,
        t.due_at < now,
    )
    if manager_id is not None:
        query = query.where(t.assignee_id == manager_id)
    return int(session.scalar(query) or 0)


PARTS: dict[str, Part] = {
    "silent": _silent,
    "overdue": overdue_count,
    "calls": _calls,
    "plan": _plan,
    "closed": _closed,
    "requests": new_requests_count,
    "awaiting": awaiting_payment,
    "people": _people,
}
"""What the dashboard reads, the longest first."""


def drill_calls(
    session: Session,
    viewer: Viewer,
    now: datetime,
    tz: ZoneInfo,
    manager_id: int | None = None,
    limit: int = 500,
) -> list[DrillRow]:
    """The calls of the trend's days (``trend_period``: the tile's, not 14 x 24 hours back),
    newest first."""
    require(viewer, Capability.SEE_REPORTS)
    start, end = trend_period(now, tz).bounds(tz)
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
            i.occurred_at >= start,
            i.occurred_at < end,
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
