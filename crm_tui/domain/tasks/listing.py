"""Tasks as lists: `crm task list` with its filters, and the week view's days.

Only the tasks the viewer may see (``access.visibility.visible_tasks``: one's own, the ones one
set, and those of the people whose clients one sees); each filter is a condition on an index
that starts with the assignee (``ix_tasks_assignee_status_due``) or the setter
(``ix_tasks_created_by_status``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, case, select

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import require_seen_client, visible_tasks
from crm_tui.domain.captions import TASK_STATUS_NAMES
from crm_tui.i18n import N_, _
from crm_tui.storage.tables.activity import TaskStatus, tasks
from crm_tui.storage.tables.clients import clients
from crm_tui.storage.tables.deals import deals
from crm_tui.storage.tables.team import audit_entries, users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

LIST_LIMIT = 500


@dataclass(frozen=True)
class TaskQuery:
    mine: bool = False
    """Assigned to the viewer."""
    set_by_me: bool = False
    overdue: bool = False
    due_from: datetime | None = None
    due_to: datetime | None = None
    assignee_id: int | None = None
    client_id: int | None = None
    status: str | None = TaskStatus.OPEN.value
    """None: every status."""


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    kind: str
    due_at: datetime
    status: str
    assignee_id: int | None
    assignee: str | None
    set_by: str | None
    client_id: int | None
    client: str | None
    deal_id: int | None
    deal: str | None
    note: str | None
    result: str | None
    completed_at: datetime | None
    version: int
    closed_by: str | None = None
    """Who completed or cancelled it (the audit trail's last "complete" or "cancel"); None while
    open, or closed by the system (a stage change closes its playbook's tasks)."""
    assignee_login: str | None = None
    set_by_login: str | None = None
    closed_by_login: str | None = None
    """The logins of ``assignee``, ``set_by`` and ``closed_by`` (those are full names, for
    people to read): what ``--json`` gives and a script passes back to ``--to``."""

    def overdue(self, now: datetime) -> bool:
        return self.status == TaskStatus.OPEN.value and self.due_at < now

    @property
    def outcome(self) -> str:
        """What became of it, in words, for a list and the week view: «выполнена: Отправила КП»,
        «отменена (Иванова Светлана): клиент отменил»; «открыта» while open. A cancelled task
        read as a done one when only its result was shown (issue 21's review)."""
        status = TASK_STATUS_NAMES.caption(self.status)
        if self.status == TaskStatus.OPEN.value:
            return status
        if self.closed_by and self.result:
            return _(CLOSED_BY).format(status=status, name=self.closed_by, result=self.result)
        if self.closed_by:
            return _(CLOSED_BY_NO_RESULT).format(status=status, name=self.closed_by)
        return _(CLOSED).format(status=status, result=self.result) if self.result else status


CLOSED_BY = N_("{status} ({name}): {result}")
CLOSED_BY_NO_RESULT = N_("{status} ({name})")
CLOSED = N_("{status}: {result}")


def list_tasks(
    session: Unit, viewer: Viewer, query: TaskQuery, now: datetime, limit: int = LIST_LIMIT
) -> list[TaskRow]:
    """The tasks ``query`` asks for among those ``viewer`` sees, soonest due first; a client
    out of the viewer's scope is not found, as a missing one."""
    t = tasks.c
    where: list[ColumnElement[bool]] = [visible_tasks(viewer)]
    if query.mine:
        where.append(t.assignee_id == viewer.user_id)
    if query.set_by_me:
        where.append(t.created_by_id == viewer.user_id)
    if query.assignee_id is not None:
        where.append(t.assignee_id == query.assignee_id)
    if query.client_id is not None:
        require_seen_client(session, viewer, query.client_id)
        where.append(t.client_id == query.client_id)
    if query.overdue:
        where += [t.status == TaskStatus.OPEN.value, t.due_at < now]
    elif query.status is not None:
        where.append(t.status == query.status)
    if query.due_from is not None:
        where.append(t.due_at >= query.due_from)
    if query.due_to is not None:
        where.append(t.due_at < query.due_to)
    assignee, setter, closer = users.alias("assignee"), users.alias("setter"), users.alias("closer")
    a = audit_entries.c

    def closer_column(column: ColumnElement[str]) -> ColumnElement[str | None]:
        return case(
            (t.status == TaskStatus.OPEN.value, None),
            else_=select(column)
            .select_from(audit_entries.join(closer, closer.c.id == a.user_id))
            .where(a.entity == "task", a.entity_id == t.id, a.action.in_(("complete", "cancel")))
            .order_by(a.id.desc())
            .limit(1)
            .scalar_subquery(),
        )

    rows = session.execute(
        select(
            t.id,
            t.title,
            t.kind,
            t.due_at,
            t.status,
            t.assignee_id,
            assignee.c.full_name,
            setter.c.full_name,
            t.client_id,
            clients.c.name,
            t.deal_id,
            deals.c.title,
            t.note,
            t.result,
            t.completed_at,
            t.version,
            closer_column(closer.c.full_name),
            assignee.c.login,
            setter.c.login,
            closer_column(closer.c.login),
        )
        .select_from(
            tasks.outerjoin(assignee, assignee.c.id == t.assignee_id)
            .outerjoin(setter, setter.c.id == t.created_by_id)
            .outerjoin(clients, clients.c.id == t.client_id)
            .outerjoin(deals, deals.c.id == t.deal_id)
        )
        .where(*where)
        .order_by(t.due_at, t.id)
        .limit(limit)
    )
    return [TaskRow(*cast("tuple[Any, ...]", row)) for row in rows]
